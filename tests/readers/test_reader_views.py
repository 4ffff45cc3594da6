"""The reader views keep no code their pages never run."""

from articles.readers.views.lists import StoryListView
from articles.readers.views.story import ArticleDetailView, ArticlePreviewView


def subclasses(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from subclasses(subclass)


def test_a_list_narrowed_by_its_subjects_key_has_no_unused_filter():
    """`stories()` runs `choose_stories` when a view has it, never its `filter_stories`."""
    precompiled = [view for view in subclasses(StoryListView) if view.choose_stories]
    assert precompiled  # the kanal, editor and source lists
    assert [view for view in precompiled if "filter_stories" in vars(view)] == []


def test_the_story_page_reads_its_story_through_the_precompiled_query_alone():
    """Its `get_object()` never asks `get_queryset()`; the preview's does."""
    assert "get_queryset" not in vars(ArticleDetailView)
    assert "get_queryset" in vars(ArticlePreviewView)
