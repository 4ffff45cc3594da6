"""RSS feeds: the whole site, one kanal, one tag; each item carries its photo."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.files.storage import default_storage
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Enclosure
from django.utils.html import escape
from taggit.models import Tag

from . import renditions, structured_data
from .models import PAGE_JOINS, Article, Section, public_url

FEED_SIZE = 30


class LatestStoriesFeed(Feed):
    """The latest stories of the whole site; subclasses narrow them to one subject."""

    language = "id"

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        # The feed is written in thousands of small pieces, each a separate write to
        # the socket, cached copies included (a fifth of the rate); send it as one.
        response.content = response.content
        return response

    def title(self, subject):
        return settings.SITE_NAME

    def link(self, subject):
        return public_url("articles:home")

    def description(self, subject):
        return f"Berita terkini dari {settings.SITE_NAME}."

    def filter_stories(self, stories, subject):
        return stories

    def items(self, subject):
        stories = Article.objects.latest_published().select_related(*PAGE_JOINS)
        return self.filter_stories(stories, subject)[:FEED_SIZE]

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        # Feed readers render descriptions as HTML; what editors type is plain text.
        return escape(structured_data.description(item))

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.content_updated_at or item.published_at

    def item_author_name(self, item):
        return item.editor.name if item.editor else None

    def item_categories(self, item):
        return [item.section.name] if item.section else []

    def item_enclosures(self, item):
        made = renditions.rendition_set(item.photo, "large")
        if made is None:
            return []
        largest = made.largest
        size = default_storage.size(largest.name)
        return [Enclosure(largest.url, str(size), largest.mime_type)]


class SectionFeed(LatestStoriesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def title(self, subject):
        return f"{subject.name} - {settings.SITE_NAME}"

    def link(self, subject):
        return subject.get_absolute_url()

    def description(self, subject):
        fallback = f"Berita kanal {subject.name} dari {settings.SITE_NAME}."
        return escape(subject.description or fallback)

    def filter_stories(self, stories, subject):
        return stories.filter(section=subject)


class TagFeed(LatestStoriesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def title(self, subject):
        return f"Tag {subject.name} - {settings.SITE_NAME}"

    def link(self, subject):
        return public_url("articles:tag", subject.slug)

    def description(self, subject):
        return escape(f"Berita bertag {subject.name} dari {settings.SITE_NAME}.")

    def filter_stories(self, stories, subject):
        return stories.tagged(subject)
