"""The content model of the network, one module per concern; this facade re-exports
every name the rest of the project imports, so `from articles.models import Article`
works in code, migrations and tests whatever module a model lives in (as
`wagtail.models` does).

Floor 1 of `articles`: these modules import only `articles.text`,
`articles.media.images`, Django and taggit. Within the package imports go one way,
each module from those before it here: `common` (clocks and ZONES, slugs, public
URLs), `sites` (the sites of the network and their host names), `reference` (editors,
sources, kanal, photos, embargo partners), `parts` (what a story is made of besides
its own row: placements, cited sources, Baca Juga links, bylines, live updates),
`stories` (`Article` and the queryset beside it), `history` (state changes,
revisions), `collaboration` (autosaves, notes, notifications, desk preferences,
assignments),
`curation` (editor picks, topics), `readership` (daily view counts and flushed
batches), `embeds` (embedded posts and videos by URL; imports none of the others). A
model's app label is `articles` wherever in the package it is defined.
"""

from .collaboration import (
    Assignment,
    Autosave,
    DeskPreference,
    Note,
    Notification,
)
from .common import (
    ZONES,
    StoryTimeZone,
    base_slug,
    public_url,
)
from .curation import (
    PICKS_SHOWN,
    EditorPick,
    Topic,
    TopicStory,
    editor_picks,
)
from .embeds import (
    PROVIDER_NAMES,
    Embed,
)
from .history import (
    Revision,
    StateChange,
)
from .parts import (
    ArticleSource,
    Byline,
    LiveUpdate,
    Placement,
    RelatedLink,
)
from .readership import (
    DailyViews,
    ViewBatch,
)
from .reference import (
    Editor,
    Partner,
    Photo,
    Section,
    Source,
    partner_token,
    photo_upload_path,
)
from .sites import (
    Site,
    SiteAlias,
)
from .stories import (
    PAGE_JOINS,
    Article,
    page_relations,
    shown_on,
)

__all__ = [
    "Article",
    "ArticleSource",
    "Assignment",
    "Autosave",
    "Byline",
    "DailyViews",
    "DeskPreference",
    "Editor",
    "EditorPick",
    "Embed",
    "LiveUpdate",
    "Note",
    "Notification",
    "PAGE_JOINS",
    "PICKS_SHOWN",
    "PROVIDER_NAMES",
    "Partner",
    "Photo",
    "Placement",
    "RelatedLink",
    "Revision",
    "Section",
    "Site",
    "SiteAlias",
    "Source",
    "StateChange",
    "StoryTimeZone",
    "Topic",
    "TopicStory",
    "ViewBatch",
    "ZONES",
    "base_slug",
    "editor_picks",
    "page_relations",
    "partner_token",
    "photo_upload_path",
    "public_url",
    "shown_on",
]
