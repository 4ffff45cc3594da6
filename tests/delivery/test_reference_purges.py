"""Reference data changed anywhere (the shell, a command, not only the admin) reaches the
pages showing it at once; a row just created purges nothing (`readers.signals`)."""

import pytest
from django.db import transaction
from taggit.models import Tag

from articles.models import Editor, Section, Site, SiteAlias, Source
from tests.factories import make_article, make_section, make_site

pytestmark = pytest.mark.django_db

READER = {"HTTP_USER_AGENT": "Mozilla/5.0 (Linux; Android 14) Chrome/130 Mobile Safari/537.36"}


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 60


@pytest.fixture
def edge_purges(monkeypatch):
    purges = []
    monkeypatch.setattr(
        "articles.delivery.purge.queue_purge", lambda tags, **kwargs: purges.append(tags)
    )
    return purges


def rows_of_a_story():
    editor = Editor.objects.create(name="Yurri", slug="yurri")
    source = Source.objects.create(name="Reuters", slug="reuters")
    story = make_article(tags=["Banjir"], editor=editor, sources=[source])
    return story, {"editor": editor, "source": source, "tag": Tag.objects.get(name="Banjir")}


@pytest.mark.parametrize("kind", ["editor", "source", "tag"])
def test_a_name_changed_from_the_shell_reaches_the_story_page_and_its_edge_tag(
    client, django_capture_on_commit_callbacks, edge_purges, kind
):
    story, rows = rows_of_a_story()
    row = rows[kind]
    assert row.name in client.get(story.get_absolute_url(), **READER).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        row.name = "Nama Baru"
        row.save()

    assert "Nama Baru" in client.get(story.get_absolute_url(), **READER).content.decode()
    assert edge_purges == [[f"{kind}-{row.pk}"]]


@pytest.mark.parametrize("kind", ["editor", "tag"])
def test_a_row_deleted_from_the_shell_leaves_no_list_page_behind(
    client, django_capture_on_commit_callbacks, edge_purges, kind
):
    story, rows = rows_of_a_story()
    url = {"editor": "/editor/yurri/", "tag": "/tag/banjir/"}[kind]
    assert client.get(url, **READER).status_code == 200  # cached now
    row = rows[kind]
    pk = row.pk
    if kind == "editor":
        story.delete()

    with django_capture_on_commit_callbacks(execute=True):
        row.delete()

    assert client.get(url, **READER).status_code == 404
    assert [f"{kind}-{pk}"] in edge_purges


def test_rows_just_created_purge_nothing(django_capture_on_commit_callbacks, edge_purges):
    with django_capture_on_commit_callbacks(execute=True):
        Editor.objects.create(name="Baru")
        Source.objects.create(name="Sumber Baru")
        Tag.objects.create(name="Tag Baru")
        Section.objects.create(name="Kanal Tanpa Situs", slug="tanpa-situs")
    assert edge_purges == []


def test_a_kanal_renamed_or_listed_from_the_shell_shows_in_the_navigation_at_once(
    client, django_capture_on_commit_callbacks
):
    section = make_section(name="Priangan", slug="priangan")
    make_article(section=section)
    assert ">Priangan</a>" in client.get("/", **READER).content.decode()  # cached now

    with django_capture_on_commit_callbacks(execute=True):
        section.name = "Priangan Timur"
        section.save()
    html = client.get("/", **READER).content.decode()
    assert ">Priangan Timur</a>" in html and ">Priangan</a>" not in html

    sport = Section.objects.create(name="Olahraga", slug="olahraga")
    with django_capture_on_commit_callbacks(execute=True):
        Site.objects.default().sections.add(sport)
    assert ">Olahraga</a>" in client.get("/", **READER).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        Site.objects.default().sections.remove(sport)
    assert ">Olahraga</a>" not in client.get("/", **READER).content.decode()


def test_a_site_renamed_and_a_host_name_added_from_the_shell_are_served_at_once(
    client, django_capture_on_commit_callbacks
):
    site = make_site(name="Zona Lama")
    assert "Zona Lama" in client.get("/", HTTP_HOST=site.domain, **READER).content.decode()
    assert client.get("/", HTTP_HOST="alias-baru.localhost", **READER).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        site.name = "Zona Baru"
        site.save()
        SiteAlias.objects.create(site=site, domain="alias-baru.localhost")

    assert "Zona Baru" in client.get("/", HTTP_HOST=site.domain, **READER).content.decode()
    assert client.get("/", HTTP_HOST="alias-baru.localhost", **READER).status_code == 200


def test_a_change_rolled_back_purges_nothing(django_capture_on_commit_callbacks, edge_purges):
    _, rows = rows_of_a_story()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            rows["editor"].name = "Tak Jadi"
            rows["editor"].save()
            raise RuntimeError("rolled back")
    assert edge_purges == []
