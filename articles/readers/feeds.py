"""RSS feeds: the whole site, one kanal, one tag; each item carries its photo."""

import io
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Enclosure, Rss201rev2Feed
from django.utils.html import escape
from django.views.decorators.cache import never_cache
from taggit.models import Tag

from ..media import renditions
from ..models import Article, Partner, Site, public_url, shown_on
from . import structured_data

FEED_SIZE = 30
# What items show: each other column read is a cost per item (a feed is 30 of them).
FEED_FIELDS = (
    "headline", "slug", "body", "published_at", "content_updated_at",
    "photo__image", "photo__width", "photo__height", "editor__name", "section__name",
)  # fmt: skip


class WrittenAtOnceRssFeed(Rss201rev2Feed):
    """Django's RSS 2.0, written to the response in one piece.

    Django writes a feed in over a thousand small pieces, each encoded on its own and
    kept as a separate chunk of the response (sent as separate writes to the socket,
    cached copies included: a fifth of the rate). Written to a string first, the
    feed is one chunk, and the pieces cost a string append each.
    """

    def write(self, outfile, encoding):
        text = io.StringIO()
        super().write(text, encoding)
        outfile.write(text.getvalue())


@dataclass(frozen=True)
class FeedSubject:
    """What a feed is of: the request's site, and the kanal or tag it narrows to."""

    site: Site
    thing: object = None


class LatestStoriesFeed(Feed):
    """The latest stories of the request's site; subclasses narrow them to one subject."""

    feed_type = WrittenAtOnceRssFeed
    language = "id"

    def get_object(self, request, slug=None):
        return FeedSubject(request.site, self.get_thing(request.site, slug))

    def get_thing(self, site, slug):
        return None

    def title(self, subject):
        return subject.site.name

    def link(self, subject):
        return public_url("articles:home")

    def description(self, subject):
        return f"Berita terkini dari {subject.site.name}."

    def filter_stories(self, stories, thing):
        return stories

    def items(self, subject):
        stories = (
            Article.objects.latest_published(subject.site)
            .select_related("photo", "editor", "section")
            .only(*FEED_FIELDS)
        )
        return self.filter_stories(stories, subject.thing)[:FEED_SIZE]

    def item_title(self, item):
        return item.headline_here

    def item_description(self, item):
        # Feed readers render descriptions as HTML; what editors type is plain text.
        return escape(structured_data.description(item))

    def item_pubdate(self, item):
        return item.published_at_here

    def item_updateddate(self, item):
        return item.content_updated_at or item.published_at_here

    def item_author_name(self, item):
        return item.editor.name if item.editor else None

    def item_categories(self, item):
        section = item.section_here
        return [section.name] if section else []

    def item_enclosures(self, item):
        made = renditions.rendition_set(item.photo, "large")
        if made is None:
            return []
        largest = made.largest
        return [Enclosure(largest.url, str(largest.size), largest.mime_type)]


class SectionFeed(LatestStoriesFeed):
    def get_thing(self, site, slug):
        return get_object_or_404(site.sections, slug=slug)

    def title(self, subject):
        return f"{subject.thing.name} - {subject.site.name}"

    def link(self, subject):
        return subject.thing.get_absolute_url()

    def description(self, subject):
        fallback = f"Berita kanal {subject.thing.name} dari {subject.site.name}."
        return escape(subject.thing.description or fallback)

    def filter_stories(self, stories, thing):
        return stories.in_section(thing)


class TagFeed(LatestStoriesFeed):
    def get_thing(self, site, slug):
        return get_object_or_404(shown_on(site, Tag.objects, "tags"), slug=slug)

    def title(self, subject):
        return f"Tag {subject.thing.name} - {subject.site.name}"

    def link(self, subject):
        return public_url("articles:tag", subject.thing.slug)

    def description(self, subject):
        return escape(f"Berita bertag {subject.thing.name} dari {subject.site.name}.")

    def filter_stories(self, stories, thing):
        return stories.tagged(thing)


class PartnerEmbargoFeed(Feed):
    """A partner's embargoed stories, at the partner's secret address: what the
    newsroom chose to share before the embargo lifts. Never cached (a story leaves
    the feed the moment its embargo ends); an unknown or inactive token is a 404."""

    feed_type = WrittenAtOnceRssFeed
    language = "id"

    def __call__(self, request, *args, **kwargs):
        return never_cache(super().__call__)(request, *args, **kwargs)

    def get_object(self, request, token):
        return get_object_or_404(Partner, token=token, is_active=True)

    def title(self, partner):
        return f"Embargo untuk {partner.name}"

    def link(self, partner):
        return public_url("articles:home")

    def description(self, partner):
        return "Berita di bawah embargo: jangan diterbitkan sebelum waktu embargo masing-masing."

    def items(self, partner):
        return (
            Article.objects.under_embargo()
            .filter(embargo_partners=partner)
            .select_related("site")
            .order_by("embargo_until", "pk")[:FEED_SIZE]
        )

    def item_title(self, item):
        return f"[EMBARGO s.d. {item.date_line_of(item.embargo_until)}] {item.headline}"

    def item_description(self, item):
        return escape(item.body).replace("\n\n", "<br><br>")

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return f"embargo-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.embargo_until


class TopicFeed(LatestStoriesFeed):
    def get_thing(self, site, slug):
        return get_object_or_404(site.topics, slug=slug)

    def title(self, subject):
        return f"Topik {subject.thing.title} - {subject.site.name}"

    def link(self, subject):
        return subject.thing.get_absolute_url()

    def description(self, subject):
        fallback = f"Berita tentang {subject.thing.title} dari {subject.site.name}."
        return escape(subject.thing.lead or fallback)

    def filter_stories(self, stories, thing):
        return thing.select(stories)
