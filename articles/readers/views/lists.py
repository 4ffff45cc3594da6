"""List pages: kanal, tag, topic, editor, source and the Indeks by day; their cards
shared between purges, their pages found without counting the list.
"""

from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import SimpleLazyObject
from django.views.generic import ListView
from taggit.models import Tag

from ...delivery import headers
from ...models import Article, Editor, Source, Topic, public_url, shown_on
from ..navigation import navigation_sections
from ..pagination import OpenEndedPage, OpenEndedPaginator
from ..precompiled import PrecompiledList
from .base import PAGE_NUMBER, ReaderListsMixin, current_picks, picks_name

FIRST_INDEKS_DAY = date(1900, 1, 1)  # earlier dates are typos, and have no "day before" URL


class StoryListView(ReaderListsMixin, ListView):
    """Published stories chosen by one thing (a section, tag, editor...), newest first.

    Pages are `?page=N`; anything but a plain page number that exists is a 404.
    They are not counted (see `articles.readers.pagination`). Subclasses say what the
    subject is and how it filters the stories.

    Each page's cards are rendered once between purges and shared by every reader,
    like the sidebar (`delivery.fragments.shared_between_purges`): a rendered list page then
    reads no story, whatever the archive's size. They are in `cards` (markup);
    `page_obj.object_list` holds the keys of the stories they show.
    """

    template_name = "articles/story_list.html"
    context_object_name = "stories"
    paginate_by = 20
    paginator_class = OpenEndedPaginator
    page_cache_parameters = {"page"}  # the page cache keeps each page of the list
    heading = ""
    description = "Berita {title} terbaru dari {site}."

    def get_subject(self):
        raise NotImplementedError

    def filter_stories(self, stories):
        raise NotImplementedError

    # `choose_stories(stories, subject_pk)`, in place of `filter_stories`, for lists
    # narrowed by their subject's key alone: their SQL is then compiled once per
    # process (`precompiled.PrecompiledList`).
    choose_stories = None
    shares_cards = True

    def get(self, request, *args, **kwargs):
        page = request.GET.get(self.page_kwarg)
        if page is not None and not PAGE_NUMBER.fullmatch(page):
            raise Http404("Nomor halaman tidak dikenal.")
        self.prefetch()
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        """The list's stories, built only when used: with the cards shared, only the
        first reader after a purge reads them (building a tag's query took 1.4 ms)."""
        self.subject = self.get_subject()
        return SimpleLazyObject(self.stories)

    def stories(self):
        if self.choose_stories is not None:
            return PrecompiledList(
                type(self).__name__, self.request.site, type(self).choose_stories, self.subject.pk
            )
        stories = Article.objects.latest_published(self.request.site).for_lists()
        return self.filter_stories(stories)

    def page_number(self):
        return int(self.request.GET.get(self.page_kwarg) or 1)  # checked by get()

    def cards_name(self):
        """The shared name of this page's cards: by the list's URL, so that they are read
        with the navigation and the sidebar, before the subject is looked up."""
        arguments = ",".join(f"{name}={value}" for name, value in sorted(self.kwargs.items()))
        return f"list:{type(self).__name__}:{arguments}:{self.page_number()}"

    def own_shared_name(self):
        return self.cards_name() if self.shares_cards else None

    def paginate_queryset(self, queryset, page_size):
        number = self.page_number()
        listed = self.own_shared(lambda: self.list_page(queryset, page_size))
        headers.add_tags(self.request, *listed["tags"])
        self.cards = listed["cards"]
        paginator = self.get_paginator((), page_size)  # pages only: the cards are made
        page = OpenEndedPage(listed["ids"], number, paginator, has_more=listed["has_more"])
        return paginator, page, page.object_list, page.has_other_pages()

    def list_page(self, queryset, page_size):
        """One page of the list, read and its cards rendered (a 404 past the end)."""
        _, page, stories, _ = super().paginate_queryset(queryset, page_size)
        with headers.collecting(self.request) as tags:
            cards = render_to_string(
                "includes/story_cards.html",
                {"stories": stories, **self.card_context()},
                self.request,
            )
        ids = [story.pk for story in stories]
        return {"cards": cards, "ids": ids, "has_more": page.has_next(), "tags": sorted(tags)}

    def card_context(self):
        """What the cards need from the page besides their stories."""
        return {}

    def get_title(self):
        return str(self.subject)

    edge_tag = None  # the subject's tag at the edge: `kanal` for `kanal-7`

    def get_intro(self):
        return getattr(self.subject, "bio", "")  # editors have one

    def get_feed_url(self):
        return None

    def link_params(self):
        """Query parameters, other than the page, that every link to this list keeps."""
        return {}

    def page_url(self, number):
        params = self.link_params() | ({self.page_kwarg: number} if number > 1 else {})
        return f"{self.request.path}?{urlencode(params)}" if params else self.request.path

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            subject=self.subject,
            intro=self.get_intro(),
            heading=self.heading,
            title=self.get_title(),
            feed_url=self.get_feed_url(),
            **kwargs,
        )
        context["cards"] = self.cards  # made by `paginate_queryset`
        if self.edge_tag:
            headers.add_tags(self.request, f"{self.edge_tag}-{self.subject.pk}")
        context["description"] = self.description.format(
            title=context["title"], site=self.request.site.name
        )
        page = context["page_obj"]
        if page is not None:
            context["canonical_url"] = self.request.build_absolute_uri(self.page_url(page.number))
            if page.has_previous():
                context["previous_page_url"] = self.page_url(page.previous_page_number())
            if page.has_next():
                context["next_page_url"] = self.page_url(page.next_page_number())
        return context


class SectionView(StoryListView):
    """A kanal: its own Terkini, newest first."""

    heading = "Kanal"
    edge_tag = "kanal"
    template_name = "articles/section.html"
    description = "Berita kanal {title} terbaru dari {site}."

    def get_subject(self):
        """From the navigation's cached kanal list; a kanal too new for it from the
        database. A kanal this site does not list is a 404 here."""
        slug = self.kwargs["slug"]
        sections = navigation_sections(self.request)
        listed = next((section for section in sections if section.slug == slug), None)
        return listed or get_object_or_404(self.request.site.sections, slug=slug)

    @staticmethod
    def choose_stories(stories, kanal_pk):
        return stories.in_section(kanal_pk)

    def get_feed_url(self):
        return public_url("articles:section_feed", self.subject.slug)

    def shared_names(self):
        return [*super().shared_names(), picks_name(self.kwargs["slug"])]

    def card_context(self):
        return {"current_section_slug": self.subject.slug}  # no kanal label on its cards

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            picks=SimpleLazyObject(lambda: current_picks(self.request, self.subject)),
            **self.card_context(),
            **kwargs,
        )


class TagView(StoryListView):
    heading = "Tag"
    edge_tag = "tag"
    description = "Berita bertag {title} dari {site}, terbaru lebih dulu."

    def get_subject(self):
        return get_object_or_404(
            shown_on(self.request.site, Tag.objects, "tags"), slug=self.kwargs["slug"]
        )

    def filter_stories(self, stories):
        return stories.tagged(self.subject)

    def get_feed_url(self):
        return public_url("articles:tag_feed", self.subject.slug)


class TopicView(StoryListView):
    """A curated topic of the site ("Topik: Banjir Garut"): its lead text and stories."""

    heading = "Topik"
    description = "Kumpulan berita {site} tentang {title}."

    def get_subject(self):
        return get_object_or_404(Topic, site=self.request.site, slug=self.kwargs["slug"])

    def get_intro(self):
        return self.subject.lead

    def filter_stories(self, stories):
        return self.subject.select(stories)

    def get_feed_url(self):
        return public_url("articles:topic_feed", self.subject.slug)


class EditorView(StoryListView):
    """An editor's stories; the page is also there for someone credited in a byline."""

    heading = "Editor"
    edge_tag = "editor"
    description = "Berita yang disunting {title} di {site}, terbaru lebih dulu."

    def get_subject(self):
        return get_object_or_404(
            shown_on(self.request.site, Editor.objects, "editor", "bylines__person"),
            slug=self.kwargs["slug"],
        )

    @staticmethod
    def choose_stories(stories, editor_pk):
        return stories.filter(editor_id=editor_pk)


class SourceView(StoryListView):
    heading = "Sumber"
    edge_tag = "source"
    description = "Berita {site} yang bersumber dari {title}, terbaru lebih dulu."

    def get_subject(self):
        return get_object_or_404(
            shown_on(self.request.site, Source.objects, "sources"), slug=self.kwargs["slug"]
        )

    @staticmethod
    def choose_stories(stories, source_pk):
        return stories.filter(sources=source_pk)


class IndeksView(StoryListView):
    """Every story published on one day (the site's clock), with the days around it."""

    heading = "Indeks"
    template_name = "articles/indeks.html"
    description = "Semua berita {site} yang terbit pada {title}."

    def get(self, request, *args, **kwargs):
        if "tanggal" in request.GET:
            return self.redirect_to_chosen_day(request.GET["tanggal"])
        return super().get(request, *args, **kwargs)

    def redirect_to_chosen_day(self, chosen):
        """The date picker's `?tanggal=YYYY-MM-DD` goes to that day's stable URL."""
        try:
            day = date.fromisoformat(chosen)
        except ValueError:
            raise Http404("Tanggal tidak dikenal.") from None
        return redirect(indeks_url(check_indeks_day(day, self.request.site)))

    def get_subject(self):
        if "year" not in self.kwargs:
            return site_today(self.request.site)
        try:
            day = date(*(int(self.kwargs[part]) for part in ("year", "month", "day")))
        except ValueError:
            raise Http404("Tanggal tidak dikenal.") from None
        return check_indeks_day(day, self.request.site)

    def filter_stories(self, stories):
        start = timezone.make_aware(
            datetime.combine(self.subject, time.min), self.request.site.zone
        )
        return stories.published_in(start, start + timedelta(days=1))

    def get_title(self):
        return date_format(self.subject, "j F Y")

    def cards_name(self):
        return f"{super().cards_name()}:{self.get_subject()}"  # /indeks/ is today's: by day

    def get_context_data(self, **kwargs):
        day = self.subject
        next_day = day + timedelta(days=1)
        return super().get_context_data(
            day=day,
            previous_url=indeks_url(day - timedelta(days=1)) if day > FIRST_INDEKS_DAY else None,
            next_url=indeks_url(next_day) if next_day <= site_today(self.request.site) else None,
            **kwargs,
        )


def indeks_url(day):
    return public_url("articles:indeks_day", f"{day:%Y}", f"{day:%m}", f"{day:%d}")


def site_today(site):
    return timezone.localdate(timezone=site.zone)


def check_indeks_day(day, site):
    """`day` if the Indeks has it: not in the future (on the site's clock), not before
    the first day."""
    if day > site_today(site):
        raise Http404("Tanggal ini belum tiba.")
    if day < FIRST_INDEKS_DAY:
        raise Http404("Indeks tidak mencakup tanggal ini.")
    return day
