"""Reader-facing pages: thin views over the queryset and popularity layers."""

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView, TemplateView
from taggit.models import Tag

from . import revisions
from .models import Article, Editor
from .popularity import is_countable, record_view, terkini, terpopuler


class ReaderListsMixin:
    """Adds the Terkini and Terpopuler lists every reader page shows."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(terkini=terkini(), terpopuler=terpopuler(), **kwargs)


class HomeView(ReaderListsMixin, TemplateView):
    template_name = "articles/home.html"


class ArticleDetailView(ReaderListsMixin, DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"
    counts_views = True

    def get_queryset(self):
        return Article.objects.published().for_page()

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.counts_views and is_countable(request):
            record_view(self.object.pk)
        return response


class ArticlePreviewView(ArticleDetailView):
    """Any story, or one of its revisions, exactly as readers would see it.

    Served only through the admin (staff login). A revision is previewed by
    applying it inside a transaction that is rolled back once the page is rendered.
    """

    counts_views = False
    revision = None

    def get_queryset(self):
        return Article.objects.for_page()

    def get_object(self, queryset=None):
        if self.revision is not None:
            revisions.apply(get_object_or_404(Article, pk=self.kwargs["pk"]), self.revision.content)
        return super().get_object(queryset)

    def get(self, request, *args, **kwargs):
        with transaction.atomic():
            response = super().get(request, *args, **kwargs)
            response.render()
            transaction.set_rollback(True)
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(preview=True, revision=self.revision, **kwargs)


class StoryListView(ReaderListsMixin, ListView):
    """Published stories filtered by one thing (a tag, an editor), newest first."""

    template_name = "articles/story_list.html"
    context_object_name = "stories"
    paginate_by = 20

    def get_subject(self):
        raise NotImplementedError

    def filter_stories(self, stories):
        raise NotImplementedError

    def get_queryset(self):
        self.subject = self.get_subject()
        return self.filter_stories(Article.objects.latest_published().for_lists())

    def get_context_data(self, **kwargs):
        return super().get_context_data(subject=self.subject, heading=self.heading, **kwargs)


class TagView(StoryListView):
    heading = "Tag"

    def get_subject(self):
        return get_object_or_404(Tag, slug=self.kwargs["slug"])

    def filter_stories(self, stories):
        return stories.filter(tags=self.subject)


class EditorView(StoryListView):
    heading = "Editor"

    def get_subject(self):
        return get_object_or_404(Editor, slug=self.kwargs["slug"])

    def filter_stories(self, stories):
        return stories.filter(editor=self.subject)
