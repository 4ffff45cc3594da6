"""The story page and what hangs off it: its pages (`?page=`), the live report's
JSON, the preview of a draft, and the view beacon for pages the edge served; thin
views over the queryset, the cache (`delivery`) and view counting (`readership`).
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import DetailView

from ...delivery import headers
from ...delivery.readership import count_view
from ...editorial import revisions
from ...models import PAGE_JOINS, Article, LiveUpdate, Topic, page_relations
from ...templatetags.reader import live_time, machine_time
from .. import social, structured_data
from ..precompiled import story_for_page
from .base import PAGE_NUMBER, ReaderListsMixin


class ArticleDetailView(ReaderListsMixin, DetailView):
    """A story, or one page of it (`?page=N`; `?page=all` is the whole story).

    Its own markup (head tags and the <article>, with its views, Berita Terkait,
    topics and live updates) is rendered once per version and page and shared like
    the sidebar (`delivery.fragments.shared_between_purges`); what it reads besides the story
    row is read only then. The story row is read every time, so a withdrawn or
    unscheduled story is a 404 at once."""

    template_name = "articles/article_detail.html"
    context_object_name = "article"
    counts_views = True
    shares_story_markup = True
    page_cache_parameters = {"page"}  # the page cache keeps each page of the story

    def get_object(self, queryset=None):
        """The story as the site publishes it, in SQL compiled once per process."""
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
        headers.add_tags(self.request, *context["story"]["tags"])
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
            "share_links": social.links(context["canonical_url"], story.headline_here),
            "LIVE_POLL_SECONDS": settings.LIVE_POLL_SECONDS,
        }
        with headers.collecting(self.request) as tags:
            markup = {
                part: render_to_string(f"articles/story_{part}.html", context, self.request)
                for part in ("head", "article")
            }
        return markup | {"tags": sorted(tags | headers.story_tags(story))}


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
