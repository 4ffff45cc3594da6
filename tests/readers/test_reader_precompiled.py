"""The story page's query compiled once per process finds what the ORM finds."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import PAGE_JOINS, Article, Placement, Site
from articles.readers.precompiled import story_for_page
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
                found = story_for_page(site, story.slug)
                if found is not None:  # everything the page reads comes with the row
                    joined = (found.photo, found.editor, found.section, found.site)
                    assert found.section_here is not None or joined
            assert found == expected, (site, story)
            if found is not None:
                assert found.headline_here == expected.headline_here
                assert found.published_at_here == expected.published_at_here
                assert found.section_here == expected.section_here
                assert found.photo == expected.photo and found.site == expected.site
    assert story_for_page(other, placed.slug).headline_here == "Judul Di Sana"
    assert story_for_page(shown.site, "tidak-ada") is None


def test_a_slug_with_sql_in_it_is_only_a_value():
    make_article()
    assert story_for_page(Article.objects.get().site, "x' OR '1'='1") is None


@pytest.mark.parametrize("view", ["section", "editor", "source"])
def test_list_pages_compiled_once_list_what_the_orm_lists(client, view):
    from tests.factories import make_editor, make_source

    other = make_site(domain="zonapapua.localhost")
    kanal, editor, source = (
        make_section(sites=[Site.objects.default(), other]),
        make_editor(),
        make_source(),
    )
    now = timezone.now()
    stories = [
        make_article(
            section=kanal, editor=editor, sources=[source], published_at=now - timedelta(minutes=n)
        )
        for n in range(25)
    ]
    make_article(section=make_section(), editor=make_editor())  # another kanal and editor
    hidden = stories[3]
    hidden.status = Article.Status.UNPUBLISHED
    hidden.save()
    Placement.objects.create(
        article=stories[5], site=other, section=kanal, published_at=now - timedelta(hours=2)
    )
    subject = {"section": kanal, "editor": editor, "source": source}[view]
    choose = {
        "section": lambda stories: stories.in_section(kanal),
        "editor": lambda stories: stories.filter(editor=editor),
        "source": lambda stories: stories.filter(sources=source),
    }[view]
    for site, host in [(Site.objects.default(), "localhost"), (other, "zonapapua.localhost")]:
        expected = list(choose(Article.objects.latest_published(site).for_lists()))
        shown = []
        for page in (1, 2):
            response = client.get(subject.get_absolute_url(), {"page": page}, HTTP_HOST=host)
            if response.status_code == 404:
                break
            shown += list(response.context["stories"])
        assert shown == expected and len(shown) == (24 if host == "localhost" else 1)
        assert [story.headline_here for story in shown] == [s.headline_here for s in expected]
