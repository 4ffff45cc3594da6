"""The story page's query compiled once per process finds what the ORM finds."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import PAGE_JOINS, Article, Placement
from tests.factories import make_article, make_photo, make_section, make_site

pytestmark = pytest.mark.django_db


def orm(site, slug):
    return Article.objects.published(site).select_related(*PAGE_JOINS).filter(slug=slug).first()


def test_it_finds_what_the_orm_finds_on_every_site_and_state(django_assert_num_queries):
    other = make_site()
    now = timezone.now()
    kanal = make_section(sites=[other])
    shown = make_article(photo=make_photo(width=400, height=300), section=make_section())
    placed = make_article()
    Placement.objects.create(
        article=placed, site=other, section=kanal, headline="Judul Di Sana",
        published_at=now - timedelta(minutes=1),
    )  # fmt: skip
    later = make_article()
    Placement.objects.create(article=later, site=other, published_at=now + timedelta(hours=1))
    withdrawn = make_article()
    Placement.objects.create(
        article=withdrawn, site=other, published_at=now - timedelta(hours=1), withdrawn_at=now
    )
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    for site in (shown.site, other):
        for story in (shown, placed, later, withdrawn, draft):
            expected = orm(site, story.slug)
            with django_assert_num_queries(1):
                found = Article.objects.for_story_page(site, story.slug)
                if found is not None:  # everything the page reads comes with the row
                    joined = (found.photo, found.editor, found.section, found.site)
                    assert found.section_here is not None or joined
            assert found == expected, (site, story)
            if found is not None:
                assert found.headline_here == expected.headline_here
                assert found.published_at_here == expected.published_at_here
                assert found.section_here == expected.section_here
                assert found.photo == expected.photo and found.site == expected.site
    assert Article.objects.for_story_page(other, placed.slug).headline_here == "Judul Di Sana"
    assert Article.objects.for_story_page(shown.site, "tidak-ada") is None


def test_a_slug_with_sql_in_it_is_only_a_value():
    make_article()
    assert Article.objects.for_story_page(Article.objects.get().site, "x' OR '1'='1") is None
