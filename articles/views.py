"""Reader-facing pages: thin views over the queryset and popularity layers."""

import re
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template import loader
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import SimpleLazyObject
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView, TemplateView
from taggit.models import Tag

from . import edge, revisions, search, sharing, structured_data
from .caching import cache_until, prefetch_shared, shared_between_purges
from .context_processors import site_urls
from .models import (
    PAGE_JOINS,
    PICKS_SHOWN,
    Article,
    Editor,
    LiveUpdate,
    Source,
    Topic,
    editor_picks,
    page_relations,
    public_url,
    shown_on,
)
from .pagination import OpenEndedPage, OpenEndedPaginator
from .popularity import count_view, terkini, terpopuler
from .precompiled import PrecompiledList, story_for_page
from .sections import navigation_key, navigation_sections, section_blocks
from .templatetags.reader import live_time, machine_time

PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,5}")
FIRST_INDEKS_DAY = date(1900, 1, 1)  # earlier dates are typos, and have no "day before" URL


class ReaderListsMixin:
    """Adds the Terkini and Terpopuler lists every reader page shows.

    They are read only when used: a sidebar served from the cache needs no query.
    The site's generation, the navigation and the page's shared values are read from
    the cache in one round trip (`shared_names`).
    """

    def own_shared_name(self):
        """The name of the markup this page itself shares (a story's, a list page's
        cards), or None where it makes it afresh every time (a preview, a search)."""
        return None

    def shared_names(self):
        """The shared values (`caching.shared_between_purges`) this page will ask for."""
        own = self.own_shared_name()
        return ["fragment:sidebar", *([own] if own else [])]

    def own_shared(self, make):
        """`make()`, shared between purges under `own_shared_name()` when there is one."""
        name = self.own_shared_name()
        return make() if name is None else shared_between_purges(self.request, name, make)

    def prefetch(self):
        """One cache round trip for the generation, the navigation and `shared_names()`
        (once per request: list pages do it before finding their subject)."""
        if not getattr(self, "prefetched", False):
            self.prefetched = True
            keys = [navigation_key(self.request.site)]
            prefetch_shared(self.request, self.shared_names(), keys=keys)

    def get_context_data(self, **kwargs):
        site = self.request.site
        self.prefetch()
        return super().get_context_data(
            terkini=SimpleLazyObject(lambda: terkini(site)),
            terpopuler=SimpleLazyObject(lambda: terpopuler(site)),
            **kwargs,
        )


class HomeView(ReaderListsMixin, TemplateView):
    """The lead story, Pilihan Editor, the sidebar and a block per kanal; all shared
    between purges, so a rendered home page runs no query until the next one."""

    template_name = "articles/home.html"

    def shared_names(self):
        names = ["fragment:lead", "fragment:kanal-blocks", picks_name(None)]  # home: no slug
        return [*super().shared_names(), *names]

    def get_context_data(self, **kwargs):
        # Called by the template only when the shared kanal blocks must be rendered.
        return super().get_context_data(
            section_blocks=self.kanal_blocks,
            picks=SimpleLazyObject(lambda: current_picks(self.request)),
            **kwargs,
        )

    def kanal_blocks(self):
        return section_blocks(self.request.site, navigation_sections(self.request))


def picks_name(slug):
    return f"picks:{slug or ''}"


def current_picks(request, section=None):
    """Pilihan Editor of the request's site (home page, or one kanal): chosen once per
    purge and shared (`caching.shared_between_purges`), then each pick shown only until
    its own expiry, to the second; a page showing picks is cached no longer than the
    first of them lasts (`caching.cache_until`)."""
    site = request.site
    chosen = shared_between_purges(
        request,
        picks_name(section.slug if section else None),
        # A few more than are shown, to stand in for picks that expire meanwhile.
        lambda: editor_picks(site, section, limit=2 * PICKS_SHOWN),
    )
    now = timezone.now()
    picks = [pick for pick in chosen if pick.pick_expires_at > now][:PICKS_SHOWN]
    if picks:
        cache_until(request, min(pick.pick_expires_at for pick in picks))
    return picks


class ArticleDetailView(ReaderListsMixin, DetailView):
    """A story, or one page of it (`?page=N`; `?page=all` is the whole story).

    Its own markup (head tags and the <article>, with its views, Berita Terkait,
    topics and live updates) is rendered once per version and page and shared like
    the sidebar (`caching.shared_between_purges`); what it reads besides the story
    row is read only then. The story row is read every time, so a withdrawn or
    unscheduled story is a 404 at once."""

    template_name = "articles/article_detail.html"
    context_object_name = "article"
    counts_views = True
    shares_story_markup = True
    page_cache_parameters = {"page"}  # the page cache keeps each page of the story

    def get_queryset(self):
        return Article.objects.published(self.request.site).select_related(*PAGE_JOINS)

    def get_object(self, queryset=None):
        """The story as `get_queryset()` finds it, in SQL compiled once per process."""
        story = story_for_page(self.request.site, self.kwargs["slug"])
        if story is None:
            raise Http404("Berita tidak ditemukan.")
        return story

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.counts_views:
            count_view(request, self.object.pk)
            response.viewed_story_id = self.object.pk  # so a cached copy still counts views
        return response

    def story_page(self, story):
        """The page asked for: a number from 1 to the story's page count, or None
        for `?page=all`; anything else is a 404."""
        asked = self.request.GET.get("page")
        if asked is None:
            return 1
        if asked == ALL_PAGES:
            return None
        if not PAGE_NUMBER.fullmatch(asked) or int(asked) > story.page_count:
            raise Http404("Halaman berita ini tidak ada.")
        return int(asked)

    def own_shared_name(self):
        return self.story_name if self.shares_story_markup else None

    def get_context_data(self, **kwargs):
        story = self.object
        page = self.story_page(story)
        # Absolute URLs (JSON-LD, Open Graph, links) follow the scheme and host.
        origin = self.request.build_absolute_uri("/")
        self.story_name = f"story:{origin}:{story.pk}:{story.version}:{page or ALL_PAGES}"
        context = super().get_context_data(**kwargs)
        # A story placed from another site of the network names its origin as canonical;
        # page N has its own, the whole story (`?page=all`) that of page 1.
        context["canonical_url"] = story.canonical_url(self.request) + story_page_query(page)
        context["page_number"] = page
        # Behind an edge cache most readers never reach the app: their browsers count.
        context["counts_views_by_beacon"] = self.counts_views and settings.EDGE_CACHE_SECONDS > 0
        context["story"] = self.own_shared(lambda: self.story_markup(context))
        edge.add_tags(self.request, *context["story"]["tags"])
        return context

    def story_markup(self, context):
        prefetch_related_objects([self.object], *page_relations())
        if self.object.is_live:
            prefetch_related_objects([self.object], "live_updates")
        story, site, page = self.object, self.request.site, context["page_number"]
        context = context | {
            "news_article": structured_data.news_article(story, self.request),
            "dateline": site.dateline_for(story.dateline, story.site),
            "blocks": story.body_blocks(page),
            "pages": story_pages(story, page),
            "views_total": story.total_views(),
            "related_stories": Article.objects.related_to(story, site),
            "topics": Topic.objects.of_story(story, site),
            "share_links": sharing.links(context["canonical_url"], story.headline_here),
            "LIVE_POLL_SECONDS": settings.LIVE_POLL_SECONDS,
        }
        with edge.collecting(self.request) as tags:
            markup = {
                part: render_to_string(f"articles/story_{part}.html", context, self.request)
                for part in ("head", "article")
            }
        return markup | {"tags": sorted(tags | edge.story_tags(story))}


ALL_PAGES = "all"


def story_page_query(page):
    """`?page=N` for page N of a story; nothing for page 1 and for the whole story."""
    return f"?page={page}" if page and page > 1 else ""


def story_pages(story, current):
    """The "Halaman 1 2 3 … Selanjutnya" navigation of a story of several pages
    (None for one page): the pages around the current one and at both ends, with "…"
    (a None link) for those left out, the next and previous, and the whole story."""
    if story.page_count == 1:
        return None
    path = story.get_absolute_url()
    numbers = Paginator(range(story.page_count), 1).get_elided_page_range(
        current or 1, on_each_side=2, on_ends=1
    )
    return {
        "links": [
            (number, None, False)
            if number == Paginator.ELLIPSIS
            else (number, path + story_page_query(number), number == current)
            for number in numbers
        ],
        "previous": path + story_page_query(current - 1) if current and current > 1 else None,
        "next": path + story_page_query(current + 1)
        if current and current < story.page_count
        else None,
        "all": f"{path}?page={ALL_PAGES}",
        "showing_all": current is None,
        "count": story.page_count,
    }


class LiveUpdatesView(View):
    """`/berita/<slug>/live.json`: a live report's updates, newest first, for the open
    pages that poll it (`static/js/live.js`). Cached like a page (no query string),
    and purged with the story's sites when an update is added."""

    def get(self, request, slug):
        story = get_object_or_404(
            Article.objects.published(request.site).only("pk", "time_zone", "is_live", "slug"),
            slug=slug,
            is_live=True,
        )
        updates = LiveUpdate.objects.filter(article=story)
        return JsonResponse(
            {
                "updates": [
                    {
                        "id": update.pk,
                        "at": machine_time(update.at),
                        "time": live_time(update, story),
                        "title": update.title,
                        "paragraphs": update.paragraphs,
                    }
                    for update in updates
                ]
            }
        )


class ArticlePreviewView(ArticleDetailView):
    """Any story, or one of its revisions, exactly as readers would see it.

    Served only through the admin (staff login). A revision is previewed by
    applying it inside a transaction that is rolled back once the page is rendered.
    """

    counts_views = False
    shares_story_markup = False
    revision = None

    def get_queryset(self):
        return Article.objects.select_related(*PAGE_JOINS)

    def get_object(self, queryset=None):
        if self.revision is not None:
            revisions.apply(get_object_or_404(Article, pk=self.kwargs["pk"]), self.revision.content)
        return DetailView.get_object(self, queryset)  # any state: not the readers' query

    def get(self, request, *args, **kwargs):
        with transaction.atomic():
            response = super().get(request, *args, **kwargs)
            response.render()
            transaction.set_rollback(True)
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response

    def get_context_data(self, **kwargs):
        # A preview shows the story at its origin, whatever host the admin is on.
        self.request.site = self.object.site
        # A revision's headline must never reach readers through the shared sidebar.
        return super().get_context_data(
            preview=True, revision=self.revision, FRAGMENT_CACHE_SECONDS=0, **kwargs
        )


class StoryListView(ReaderListsMixin, ListView):
    """Published stories chosen by one thing (a section, tag, editor...), newest first.

    Pages are `?page=N`; anything but a plain page number that exists is a 404.
    They are not counted (see `articles.pagination`). Subclasses say what the
    subject is and how it filters the stories.

    Each page's cards are rendered once between purges and shared by every reader,
    like the sidebar (`caching.shared_between_purges`): a rendered list page then
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

    # `choose_stories(stories, subject_pk)`, for lists narrowed by their subject's key
    # alone: their SQL is then compiled once per process (`precompiled.PrecompiledList`).
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
        edge.add_tags(self.request, *listed["tags"])
        self.cards = listed["cards"]
        paginator = self.get_paginator((), page_size)  # pages only: the cards are made
        page = OpenEndedPage(listed["ids"], number, paginator, has_more=listed["has_more"])
        return paginator, page, page.object_list, page.has_other_pages()

    def list_page(self, queryset, page_size):
        """One page of the list, read and its cards rendered (a 404 past the end)."""
        _, page, stories, _ = super().paginate_queryset(queryset, page_size)
        with edge.collecting(self.request) as tags:
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
            edge.add_tags(self.request, f"{self.edge_tag}-{self.subject.pk}")
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

    def filter_stories(self, stories):
        return stories.in_section(self.subject)

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

    def filter_stories(self, stories):
        return stories.filter(editor=self.subject)

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

    def filter_stories(self, stories):
        return stories.filter(sources=self.subject)

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


class SearchView(StoryListView):
    """Full-text search; an empty or unusable query gets the form, not an error."""

    heading = "Pencarian"
    template_name = "articles/search.html"
    shares_cards = False  # each search is rendered afresh; its ranking is shared
    too_slow = False  # set when the ranking was stopped (`search.ranked`)
    description = "Hasil pencarian {title} di {site}."

    def get_subject(self):
        return search.clean_query(self.request.GET.get("q", ""))

    def filter_stories(self, stories):
        """Ranked once per query between purges, with its excerpts, and shared by every
        reader who asks it; each page's rows are then read afresh (`search.Results`). A
        ranking stopped for taking too long is not kept: it is tried again next time."""
        try:
            return search.matching(stories, self.subject, self.shared)
        except search.TooSlow:
            self.too_slow = True
            return search.matching(stories, "")

    def shared(self, name, make):
        return shared_between_purges(self.request, f"search:{self.subject}:{name}", make)

    def link_params(self):
        return {"q": self.subject} if self.subject else {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(query=self.subject, **kwargs)
        context["too_slow"] = self.too_slow  # known once the page's stories are ranked
        return context


@csrf_exempt
@require_POST
def view_beacon(request, pk):
    """A reader's browser counting a view of a story the edge served (`js/views.js`).

    Counted like a rendered page's view: once per reader per window, never for bots;
    a story not live on this site counts nothing. Answers 204 either way.
    """
    if Article.objects.published(request.site).filter(pk=pk).exists():
        count_view(request, pk, method="POST")
    return HttpResponse(status=204)


def server_error(request):
    """The 500 page, rendered without the database: it may be why we are here."""
    site = getattr(request, "site", None)
    context = {"SITE_NAME": site.name if site else settings.NEWSROOM_NAME, "SITE_URLS": site_urls()}
    html = loader.get_template("500.html").render(context)
    return HttpResponseServerError(html)
