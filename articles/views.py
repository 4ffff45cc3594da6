"""Reader-facing pages: thin views over the queryset and popularity layers."""

from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView, TemplateView
from taggit.models import Tag

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

    def get_queryset(self):
        return Article.objects.published().for_page()

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if is_countable(request):
            record_view(self.object.pk)
        return response


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
