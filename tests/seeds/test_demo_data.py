"""`generate_demo`: realistic stories in bulk, spread over days as a newsroom publishes them."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone

from articles.models import (
    Article,
    DailyViews,
    EditorPick,
    LiveUpdate,
    RelatedLink,
    Section,
    Site,
    Topic,
)

pytestmark = pytest.mark.django_db


def generate(*args):
    call_command("generate_demo", *args, stdout=StringIO())


def test_demo_stories_look_like_a_newsrooms_output():
    generate("--stories", "300", "--per-day", "100", "--batch", "120")
    stories = Article.objects.all()
    assert stories.count() == 300
    live = Article.objects.published()
    assert 250 <= live.count() < 300  # some drafts (and scheduled stories) too
    assert Article.objects.filter(status=Article.Status.DRAFT).exists()
    sample = live.select_related("photo", "section", "editor").first()
    assert len(sample.paragraphs) >= 8 and len(sample.body) > 1500
    assert sample.photo.image and sample.section and sample.editor
    assert sample.photo_caption == sample.photo.caption
    assert list(sample.photo.sites.all()) == [sample.site]
    assert sample.sources.exists() and sample.tags.exists()
    assert Section.objects.annotate(n=Count("articles")).filter(n__gt=0).count() >= 5
    assert RelatedLink.objects.exists() and DailyViews.objects.exists()
    oldest = live.order_by("published_at").first().published_at
    assert 2 <= (timezone.now() - oldest).days <= 3  # 300 stories at 100 a day


def test_each_site_gets_what_its_desk_curates():
    generate("--stories", "400", "--sites", "2")
    for site in Site.objects.all():
        live = Article.objects.published(site)
        home_picks = EditorPick.objects.current().filter(site=site, section=None)
        assert home_picks.count() == 6
        assert set(home_picks.values_list("article", flat=True)) <= set(
            live.values_list("pk", flat=True)
        )
        assert EditorPick.objects.filter(site=site, section__isnull=False).exists()
        topics = Topic.objects.filter(site=site)
        assert topics.count() == 4 and all(topic.tag_id for topic in topics)
        assert any(topic.select(live).exists() for topic in topics)
        report = live.canonical_on(site).get(is_live=True)
        assert LiveUpdate.objects.filter(article=report).count() == 30
    paged = [story for story in Article.objects.all() if story.page_count > 1]
    assert paged
    for story in paged[:20]:
        assert story.page_count == -(-len(story.paragraphs) // 5)


def test_generating_again_adds_stories_with_new_slugs():
    generate("--stories", "20")
    generate("--stories", "20")
    assert Article.objects.count() == 40


@pytest.mark.parametrize("bad", [["--stories", "0"], ["--stories", "5", "--per-day", "0"]])
def test_nonsense_sizes_are_refused(bad):
    with pytest.raises(CommandError, match="harus lebih dari 0"):
        generate(*bad)
