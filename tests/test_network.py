"""One install, many sites: host routing, placements, per-site permissions and purges."""

import importlib
from datetime import timedelta
from unittest import mock
from xml.etree import ElementTree

import pytest
from django.apps import apps as django_apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.delivery.purge import host_generation
from articles.editorial import placements, workflow
from articles.models import (
    Article,
    DailyViews,
    EditorPick,
    Photo,
    Placement,
    Site,
    StateChange,
    Topic,
)
from articles.seeds.documents import export_article
from tests.editorial.test_workflow import story_form
from tests.factories import (
    image_bytes,
    make_article,
    make_editor,
    make_photo,
    make_related_link,
    make_section,
    make_site,
    make_staff,
)

pytestmark = pytest.mark.django_db
Status = Article.Status
READER = {"HTTP_USER_AGENT": "Mozilla/5.0 (Linux; Android 14) Chrome/130 Mobile Safari/537.36"}
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def reader(site):
    return Client(HTTP_HOST=site.domain, **READER)


def text(response):
    return response.content.decode()


@pytest.fixture
def network():
    """Zona Priangan (the default site, WIB), and two more sites with kanal of their own."""
    priangan = Site.objects.default()
    sulawesi = make_site(name="Zona Sulawesi", domain="zonasulawesi.localhost",
                         dateline="ZONA SULAWESI", time_zone="WITA")  # fmt: skip
    papua = make_site(name="Zona Papua", domain="zonapapua.localhost",
                      dateline="ZONA PAPUA", time_zone="WIT")  # fmt: skip
    return {
        "a": priangan,
        "b": sulawesi,
        "c": papua,
        "kanal_a": make_section(name="Jabar", slug="jabar", sites=[priangan]),
        "kanal_b": make_section(name="Makassar", slug="makassar", sites=[sulawesi]),
        "kanal_c": make_section(name="Jayapura", slug="jayapura", sites=[papua]),
    }


def story_on(site, section, **fields):
    fields.setdefault("dateline", f"GARUT, {site.dateline}")
    return make_article(site=site, section=section, tags=["Banjir"], **fields)


def place(article, site, *, section=None, at=None, headline=""):
    return workflow.place(
        article, site, user=make_staff("Admin", f"admin-{site.pk}-{article.pk}"),
        section=section, publish_at=at, headline=headline,
    )  # fmt: skip


# Host routing ---------------------------------------------------------------------


def test_each_sites_pages_show_its_own_stories_only(network):
    a, b = network["a"], network["b"]
    story_a = story_on(a, network["kanal_a"], headline="Banjir di Garut")
    story_b = story_on(b, network["kanal_b"], headline="Banjir di Makassar")
    pages = ["/", "/kanal/{kanal}/", "/tag/banjir/", "/rss/", "/sitemap-berita.xml",
             "/sitemap-news.xml", "/indeks/", "/cari/?q=banjir"]  # fmt: skip
    for site, own, other, kanal in [
        (a, story_a, story_b, "jabar"),
        (b, story_b, story_a, "makassar"),
    ]:
        for page in pages:
            html = text(reader(site).get(page.format(kanal=kanal)))
            assert own.headline in html or own.slug in html, (site, page)
            assert other.headline not in html and other.slug not in html, (site, page)
        assert reader(site).get(own.get_absolute_url()).status_code == 200
        assert reader(site).get(other.get_absolute_url()).status_code == 404


def test_a_site_names_itself_in_titles_feeds_and_structured_data(network):
    b = network["b"]
    story = story_on(b, network["kanal_b"], headline="Pelabuhan Makassar Dibuka")
    home = text(reader(b).get("/"))
    assert "<title>Zona Sulawesi</title>" in home and "Zona Priangan" not in home
    page = text(reader(b).get(story.get_absolute_url()))
    assert '"publisher": {"@type": "NewsMediaOrganization", "name": "Zona Sulawesi"' in page
    assert '<meta property="og:site_name" content="Zona Sulawesi">' in page
    assert "<title>Zona Sulawesi</title>" in text(reader(b).get("/rss/"))
    robots = text(reader(b).get("/robots.txt"))
    assert "Sitemap: http://zonasulawesi.localhost/sitemap.xml" in robots


def test_a_kanal_another_site_lists_is_a_404_here(network):
    assert reader(network["a"]).get("/kanal/makassar/").status_code == 404
    assert reader(network["a"]).get("/kanal/makassar/rss/").status_code == 404
    assert reader(network["b"]).get("/kanal/makassar/").status_code == 200


def test_an_unknown_host_gets_the_404_page_and_no_sites_content(network):
    story_on(network["a"], network["kanal_a"], headline="Berita Priangan")
    for path in ["/", "/rss/", "/sitemap.xml", "/robots.txt"]:
        response = Client(HTTP_HOST="tidak-dikenal.localhost").get(path)
        assert response.status_code == 404
        assert "Berita Priangan" not in text(response)


def test_an_alias_serves_its_site_and_links_stay_on_the_canonical_domain(network):
    b = network["b"]
    b.aliases.create(domain="www.zonasulawesi.localhost")
    story = story_on(b, network["kanal_b"])
    page = text(Client(HTTP_HOST="www.zonasulawesi.localhost").get(story.get_absolute_url()))
    assert (
        f'<link rel="canonical" href="http://zonasulawesi.localhost{story.get_absolute_url()}">'
        in page
    )


# Placements -------------------------------------------------------------------------


def test_a_placement_runs_on_its_own_time_and_kanal_with_the_origin_as_canonical(network):
    a, b = network["a"], network["b"]
    story = story_on(a, network["kanal_a"], headline="Jembatan Citanduy Dibuka")
    at = timezone.now() + timedelta(hours=2)
    place(story, b, section=network["kanal_b"], at=at, headline="Jembatan di Priangan Dibuka")
    url = story.get_absolute_url()

    with mock.patch("django.utils.timezone.now", return_value=at - timedelta(seconds=1)):
        assert reader(b).get(url).status_code == 404
        assert "Jembatan" not in text(reader(b).get("/"))  # not in B's Terkini
        assert reader(a).get(url).status_code == 200  # live at its origin already
    with mock.patch("django.utils.timezone.now", return_value=at):
        page = text(reader(b).get(url))
        home = text(reader(b).get("/"))
        kanal = text(reader(b).get("/kanal/makassar/"))
    assert f'<link rel="canonical" href="http://testserver{url}">' in page
    assert "Jembatan di Priangan Dibuka" in page and "Jembatan di Priangan Dibuka" in home
    assert "Jembatan di Priangan Dibuka" in kanal
    assert '<a href="/kanal/makassar/">Makassar</a>' in page
    assert "GARUT, ZONA SULAWESI" in page  # the dateline as B prints it
    assert "Jembatan Citanduy Dibuka" in text(reader(a).get(url))
    assert "GARUT, ZONA PRIANGAN" in text(reader(a).get(url))


def test_sitemaps_list_canonicals_only(network):
    a, b = network["a"], network["b"]
    story = story_on(a, network["kanal_a"])
    place(story, b, section=network["kanal_b"])
    assert story.get_absolute_url() in text(reader(a).get("/sitemap-berita.xml"))
    for path in ["/sitemap-berita.xml", "/sitemap-news.xml"]:
        root = ElementTree.fromstring(reader(b).get(path).content)
        assert root.findall(f"{SITEMAP}url") == []
    assert story.get_absolute_url() in text(reader(b).get("/rss/"))  # listed, not canonical


def test_a_tag_has_a_page_only_on_the_sites_that_publish_a_story_with_it(network):
    a, b = network["a"], network["b"]
    story = story_on(a, network["kanal_a"], editor=make_editor(name="Editor Priangan"))
    pages = ["/tag/banjir/", "/tag/banjir/rss/", story.editor.get_absolute_url()]
    assert [reader(a).get(path).status_code for path in pages] == [200, 200, 200]
    assert [reader(b).get(path).status_code for path in pages] == [404, 404, 404]
    place(story, b, section=network["kanal_b"])
    assert [reader(b).get(path).status_code for path in pages] == [200, 200, 200]


def test_withdrawing_at_the_origin_withdraws_every_placement(network):
    a, b, c = network["a"], network["b"], network["c"]
    story = story_on(a, network["kanal_a"])
    place(story, b)
    place(story, c)
    admin = make_staff("Admin", "admin")
    workflow.perform(story, "unpublish", user=admin)
    for site in (a, b, c):
        assert reader(site).get(story.get_absolute_url()).status_code == 404
    workflow.perform(story, "publish", user=admin)
    assert reader(a).get(story.get_absolute_url()).status_code == 200
    # Republished at its origin only: running elsewhere again is a new placement.
    assert reader(b).get(story.get_absolute_url()).status_code == 404


def test_withdrawing_one_placement_leaves_the_others(network):
    a, b, c = network["a"], network["b"], network["c"]
    story = story_on(a, network["kanal_a"])
    on_b, _ = place(story, b), place(story, c)
    workflow.withdraw_placement(on_b, user=make_staff("Admin", "admin"))
    assert reader(b).get(story.get_absolute_url()).status_code == 404
    assert reader(c).get(story.get_absolute_url()).status_code == 200
    assert reader(a).get(story.get_absolute_url()).status_code == 200
    step = StateChange.objects.get(action="withdraw_placement")
    assert step.site == b and step.article == story


def test_a_placement_never_goes_live_before_its_origin(network):
    a, b = network["a"], network["b"]
    later = timezone.now() + timedelta(hours=3)
    story = story_on(a, network["kanal_a"], published_at=later)
    placement = place(story, b, at=timezone.now())
    assert placement.published_at == later
    assert reader(b).get(story.get_absolute_url()).status_code == 404


def test_a_placement_refuses_a_kanal_of_another_site(network):
    story = story_on(network["a"], network["kanal_a"])
    with pytest.raises(workflow.TransitionRefused, match="tidak ada di Zona Sulawesi"):
        place(story, network["b"], section=network["kanal_c"])
    assert not Placement.objects.filter(site=network["b"]).exists()


def test_baca_juga_to_another_sites_story_is_an_absolute_url_on_its_domain(network):
    a, b = network["a"], network["b"]
    target = story_on(b, network["kanal_b"], headline="Banjir Rob di Makassar")
    story = story_on(a, network["kanal_a"])
    make_related_link(story, target=target, title="")
    page = text(reader(a).get(story.get_absolute_url()))
    assert f'<a href="http://zonasulawesi.localhost{target.get_absolute_url()}">' in page


# Permissions ------------------------------------------------------------------------


@pytest.fixture
def desks(network):
    """A Penulis and an Editor of site A only, and each one's story on site B."""
    a, b = network["a"], network["b"]
    return {
        "penulis": make_staff("Penulis", "penulis-a", sites=[a]),
        "editor": make_staff("Editor", "editor-a", sites=[a]),
        "story_b": story_on(b, network["kanal_b"], headline="Berita Sulawesi"),
        "draft_b": story_on(b, network["kanal_b"], status=Status.DRAFT, published_at=None),
    }


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", ["penulis", "editor"])
def test_a_desk_of_site_a_cannot_see_or_touch_site_bs_stories_by_any_request(network, desks, role):
    client = logged_in(desks[role])
    for story in (desks["story_b"], desks["draft_b"]):
        change = reverse("admin:articles_article_change", args=[story.pk])
        changelist = text(client.get(reverse("admin:articles_article_changelist")))
        assert story.headline not in changelist
        assert client.get(change).status_code == 302  # Django's "no such story" redirect
        assert client.post(change, story_form(story, headline="Diubah")).status_code in (302, 403)
        for action in workflow.Action.values:
            client.post(reverse("admin:articles_article_workflow", args=[story.pk]),
                        {"action": action, "note": "x"})  # fmt: skip
        client.post(reverse("admin:articles_article_placements", args=[story.pk]),
                    {"action": "place", "site": network["a"].pk})  # fmt: skip
        for name in ["preview", "revisions"]:
            url = reverse(f"admin:articles_article_{name}", args=[story.pk])
            assert client.get(url).status_code in (403, 404)
        story.refresh_from_db()
        assert story.headline in ("Berita Sulawesi", desks["draft_b"].headline)
        assert not story.state_changes.exists()
    assert Placement.objects.filter(site=network["a"]).count() == 0
    assert Article.objects.get(pk=desks["draft_b"].pk).status == Status.DRAFT
    assert Article.objects.get(pk=desks["story_b"].pk).status == Status.PUBLISHED


def test_another_sites_draft_cannot_be_picked_or_pinned_by_a_hand_made_request(network, desks):
    a, draft_b = network["a"], desks["draft_b"]
    client = logged_in(desks["editor"])
    expires = (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%d")

    pick = client.post(
        reverse("admin:articles_editorpick_add"),
        {"site": a.pk, "article": draft_b.pk, "position": 0,
         "expires_at_0": expires, "expires_at_1": "12:00:00"},
    )  # fmt: skip
    topic = client.post(
        reverse("admin:articles_topic_add"),
        {"site": a.pk, "title": "Banjir", "slug": "banjir", "lead": "",
         "topicstory_set-TOTAL_FORMS": 1, "topicstory_set-INITIAL_FORMS": 0,
         "topicstory_set-0-article": draft_b.pk, "topicstory_set-0-position": 0},
    )  # fmt: skip

    assert pick.status_code == topic.status_code == 200  # the forms, with their errors
    assert "article" in pick.context["adminform"].form.errors
    assert not EditorPick.objects.exists() and not Topic.objects.exists()
    assert (
        draft_b.headline
        not in client.get(reverse("admin:articles_editorpick_changelist")).content.decode()
    )


def test_baca_juga_cannot_point_at_another_sites_draft(network, desks):
    reporter, draft_b = desks["penulis"], desks["draft_b"]
    own = story_on(network["a"], network["kanal_a"], status=Status.DRAFT, published_at=None,
                   author=reporter)  # fmt: skip
    live_b = desks["story_b"]  # published: any desk may link it
    client = logged_in(reporter)

    def linking(target):
        link = {
            "TOTAL_FORMS": "1",
            "0-target": target.pk,
            "0-after_paragraph": "1",
            "0-position": 0,
        }
        posted = {f"related_links-{name}": value for name, value in link.items()}
        return client.post(
            reverse("admin:articles_article_change", args=[own.pk]), story_form(own, **posted)
        )

    assert linking(draft_b).status_code == 200  # the form, with its error
    assert not own.related_links.exists()
    assert linking(live_b).status_code == 302
    assert list(own.related_links.values_list("target", flat=True)) == [live_b.pk]


def test_a_new_story_cannot_be_filed_on_a_site_the_user_does_not_work_on(network, desks):
    client = logged_in(desks["penulis"])
    form = story_form(headline="Masuk Situs Lain", site=network["b"].pk)
    response = client.post(reverse("admin:articles_article_add"), form)
    assert response.status_code == 200
    assert "site" in response.context["adminform"].form.errors
    assert not Article.objects.filter(headline="Masuk Situs Lain").exists()


@pytest.mark.parametrize(
    ("role", "sites", "may_place"),
    [
        ("Penulis", "ab", False),  # no publishing right
        ("Editor", "a", False),  # not on the target site
        ("Editor", "b", False),  # not on the origin site
        ("Editor", "ab", True),
        ("Admin", "", True),  # network admins work on every site
    ],
)
def test_who_may_place_a_story_on_another_site(network, role, sites, may_place):
    user = make_staff(role, "orang", sites=[network[key] for key in sites])
    story = story_on(network["a"], network["kanal_a"])
    client = logged_in(user)
    client.post(
        reverse("admin:articles_article_placements", args=[story.pk]),
        {"action": "place", "site": network["b"].pk, "section": network["kanal_b"].pk},
    )
    assert Placement.objects.filter(article=story, site=network["b"]).exists() == may_place


@pytest.mark.parametrize(
    ("role", "sees_b", "edits_b"),
    [("Penulis", False, False), ("Editor", False, False), ("Admin", True, True)],
)
def test_the_role_matrix_across_two_sites(network, role, sees_b, edits_b):
    """Each role on site A: all of A's rights as before, none on B's stories, except a
    network admin."""
    user = make_staff(role, "orang", sites=[network["a"]])
    own = story_on(network["a"], network["kanal_a"], status=Status.DRAFT, published_at=None,
                   author=user)  # fmt: skip
    other = story_on(network["b"], network["kanal_b"], status=Status.DRAFT, published_at=None,
                     author=user)  # fmt: skip
    client = logged_in(user)
    listed = set(client.get(reverse("admin:articles_article_changelist")).context["cl"].result_list)
    assert own in listed and (other in listed) == sees_b
    assert workflow.can_edit(user, own)
    assert workflow.can_edit(user, other) == edits_b
    assert (workflow.refusal(user, other, workflow.Action.SUBMIT) is None) == edits_b


def test_an_editor_of_b_sees_a_story_placed_on_b_but_cannot_edit_it(network):
    story = story_on(network["a"], network["kanal_a"])
    place(story, network["b"])
    editor_b = make_staff("Editor", "editor-b", sites=[network["b"]])
    client = logged_in(editor_b)
    assert client.get(reverse("admin:articles_article_change", args=[story.pk])).status_code == 200
    assert not workflow.can_edit(editor_b, story)
    on_b = Placement.objects.get(article=story, site=network["b"])
    with pytest.raises(workflow.TransitionRefused):  # the origin is not their site
        workflow.withdraw_placement(on_b, user=editor_b)


def test_the_story_list_filters_by_site(network):
    story_a = story_on(network["a"], network["kanal_a"])
    story_b = story_on(network["b"], network["kanal_b"])
    place(story_a, network["c"])
    client = logged_in(make_staff("Admin", "admin"))
    url = reverse("admin:articles_article_changelist")
    shown = lambda site: set(client.get(url, {"situs": site.pk}).context["cl"].result_list)  # noqa: E731
    assert shown(network["a"]) == {story_a}
    assert shown(network["b"]) == {story_b}
    assert shown(network["c"]) == {story_a}  # placed there


# Query budgets ------------------------------------------------------------------------


def page_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from articles import network as network_module
    from tests.conftest import clear_cache

    clear_cache()
    network_module.forget_sites()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_query_counts_do_not_grow_with_the_number_of_sites(network):
    a = network["a"]
    story = story_on(a, network["kanal_a"])
    DailyViews.objects.create(article=story, day=timezone.localdate(), views=5)  # Terpopuler
    urls = ["/", story.get_absolute_url(), "/kanal/jabar/", "/tag/banjir/", "/indeks/",
            "/rss/", "/sitemap.xml", "/sitemap-berita.xml", "/sitemap-news.xml"]  # fmt: skip
    few = {url: page_queries(reader(a), url) for url in urls}
    for _ in range(20):
        site = make_site(sections=[network["kanal_a"]])
        other = story_on(site, network["kanal_a"])
        place(other, a)
        place(story, site)
    assert {url: page_queries(reader(a), url) for url in urls} == few


# Purges -------------------------------------------------------------------------------


def test_publishing_on_a_purges_a_and_the_sites_it_is_placed_on_only(
    network, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 60
    a, b, c = network["a"], network["b"], network["c"]
    story = story_on(a, network["kanal_a"], status=Status.IN_REVIEW, published_at=None)
    place(story, b)
    for site in (a, b, c):
        assert reader(site).get("/")["X-Page-Cache"] == "miss"
        assert reader(site).get("/")["X-Page-Cache"] == "hit"
    before = {site: host_generation(site.domain) for site in (a, b, c)}
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(story, "publish", user=make_staff("Admin", "admin"))
    assert host_generation(a.domain) != before[a]
    assert host_generation(b.domain) != before[b]
    assert host_generation(c.domain) == before[c]
    assert reader(c).get("/")["X-Page-Cache"] == "hit"
    assert reader(b).get("/")["X-Page-Cache"] == "miss"
    assert story.headline in text(reader(b).get("/"))


# Seeds --------------------------------------------------------------------------------


@pytest.fixture
def seed(seed_text):
    """The shipped seed with another dateline."""
    return lambda dateline: seed_text.replace("ZONA PRIANGAN - ", f"{dateline} - ", 1)


def test_loadseeds_picks_the_site_by_dateline_or_by_site_option(network, seed, tmp_path):
    (tmp_path / "sulawesi.txt").write_text(seed("MAKASSAR, ZONA SULAWESI"))
    call_command("loadseeds", tmp_path / "sulawesi.txt")
    story = Article.objects.get()
    assert story.site == network["b"]
    assert export_article(Article.objects.for_page().get()) == seed("MAKASSAR, ZONA SULAWESI")
    Article.objects.all().delete()

    (tmp_path / "lain.txt").write_text(seed("BANDUNG, KORAN LAIN"))
    call_command("loadseeds", tmp_path / "lain.txt")
    assert Article.objects.get().site == network["a"]  # the default site
    Article.objects.all().delete()

    call_command("loadseeds", tmp_path / "lain.txt", "--site", "zonapapua.localhost")
    assert Article.objects.get().site == network["c"]
    assert Placement.objects.get().site == network["c"]


def test_loadseeds_names_an_unknown_site(network, seed, tmp_path):
    from django.core.management.base import CommandError

    (tmp_path / "a.txt").write_text(seed("ZONA PRIANGAN"))
    with pytest.raises(CommandError, match="--site tidak-ada.localhost: tidak ada situs"):
        call_command("loadseeds", tmp_path / "a.txt", "--site", "tidak-ada.localhost")
    assert not Article.objects.exists()


def test_exportseed_prints_the_story_as_its_origin_prints_it(network, seed_text):
    call_command("loadseeds")
    story = Article.objects.for_page().get()
    place(story, network["b"], headline="Judul Lain di Sulawesi")
    assert export_article(Article.objects.for_page().get()) == seed_text


def test_sync_keeps_the_origin_placement_equal_to_the_story(network):
    story = story_on(network["a"], network["kanal_a"])
    story.section = None
    story.published_at = timezone.now() - timedelta(minutes=5)
    story.save()
    placements.sync_origin(story)
    origin = Placement.objects.get(article=story)
    assert (origin.site, origin.section, origin.published_at) == (
        network["a"],
        None,
        story.published_at,
    )


def test_view_on_site_opens_the_story_at_its_origin_on_this_installs_port(network):
    story = story_on(network["b"], network["kanal_b"])
    client = logged_in(make_staff("Admin", "admin"))
    change = text(client.get(reverse("admin:articles_article_change", args=[story.pk])))
    on_site = reverse("admin:articles_article_on_site", args=[story.pk])
    assert f'href="{on_site}"' in change
    expected = f"http://zonasulawesi.localhost{story.get_absolute_url()}"
    assert client.get(on_site)["Location"] == expected
    with_port = client.get(on_site, HTTP_HOST="localhost:8000")["Location"]
    assert with_port == f"http://zonasulawesi.localhost:8000{story.get_absolute_url()}"


# Photos belong to sites ---------------------------------------------------------------


@pytest.fixture
def photos(network):
    """A photo of each of sites A and B, each the photo of a live story there."""
    a, b = network["a"], network["b"]
    photo_a = make_photo(caption="Banjir di Garut", sites=[a])
    photo_b = make_photo(caption="Pantai Losari", credit="Dok. Sulawesi", sites=[b])
    return {
        "a": photo_a,
        "b": photo_b,
        "story_a": story_on(a, network["kanal_a"], photo=photo_a),
        "story_b": story_on(b, network["kanal_b"], photo=photo_b, headline="Losari Ramai"),
    }


def photo_url(name, photo=None):
    return reverse(f"admin:articles_photo_{name}", args=[photo.pk] if photo else [])


@pytest.mark.parametrize("role", ["Penulis", "Editor"])
def test_a_desk_sees_picks_and_edits_only_its_own_sites_photos(network, photos, role):
    client = logged_in(make_staff(role, "desk-a", sites=[network["a"]]))
    photo_b = photos["b"]
    listed = text(client.get(photo_url("changelist")))
    assert "Banjir di Garut" in listed and "Pantai Losari" not in listed
    assert client.get(photo_url("change", photo_b)).status_code == 302  # no such photo here
    client.post(photo_url("change", photo_b), {"caption": "Diubah dari A", "credit": ""})
    client.post(photo_url("delete", photo_b), {"post": "yes"})
    autocomplete = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "article", "field_name": "photo"},
    ).json()
    assert [result["id"] for result in autocomplete["results"]] == [str(photos["a"].pk)]

    photo_b.refresh_from_db()
    assert photo_b.caption == "Pantai Losari"
    page = text(reader(network["b"]).get(photos["story_b"].get_absolute_url()))
    assert "Pantai Losari" in page and "Diubah dari A" not in page


def test_a_network_admin_sees_every_sites_photos(network, photos):
    listed = text(logged_in(make_staff("Admin", "jaringan", sites=[])).get(photo_url("changelist")))
    assert "Banjir di Garut" in listed and "Pantai Losari" in listed


def test_a_draft_cannot_take_or_edit_in_place_another_sites_photo(network, photos):
    penulis = make_staff("Penulis", "penulis-a", sites=[network["a"]])
    draft = story_on(network["a"], network["kanal_a"], author=penulis, status=Status.DRAFT,
                     published_at=None, photo=None)  # fmt: skip
    client = logged_in(penulis)
    change = reverse("admin:articles_article_change", args=[draft.pk])
    form = story_form(draft, photo=photos["b"].pk, photo_caption="Keterangan penulis A")

    refused = client.post(change, form)

    assert refused.status_code == 200 and "photo" in refused.context["adminform"].form.errors
    draft.refresh_from_db()
    assert draft.photo is None
    # Its own site's photo it may take, but the story form offers no pencil to edit it in place.
    assert client.post(change, form | {"photo": photos["a"].pk}).status_code == 302
    assert 'id="change_id_photo"' not in text(client.get(change))
    photos["a"].refresh_from_db()
    assert photos["a"].caption == "Banjir di Garut"


def test_a_photo_uploaded_in_the_admin_belongs_to_the_uploaders_sites(network):
    client = logged_in(make_staff("Penulis", "penulis-b", sites=[network["b"]]))
    upload = SimpleUploadedFile("foto.jpg", image_bytes(), content_type="image/jpeg")
    response = client.post(
        photo_url("add"), {"caption": "Foto baru", "credit": "", "image": upload}
    )
    assert response.status_code == 302
    assert list(Photo.objects.get().sites.all()) == [network["b"]]


def test_editing_a_photo_in_use_changes_no_live_story(network, photos):
    client = logged_in(make_staff("Editor", "editor-a", sites=[network["a"]]))
    photo, story = photos["a"], photos["story_a"]
    image_name = photo.image.name
    form = client.get(photo_url("change", photo)).context["adminform"].form
    assert "image" not in form.fields  # its picture is the stories' picture

    upload = SimpleUploadedFile("lain.jpg", image_bytes(), content_type="image/jpeg")
    edited = {"caption": "Keterangan baru", "credit": "ANTARA", "image": upload}
    saved = client.post(photo_url("change", photo), edited)
    assert saved.status_code == 302
    assert client.post(photo_url("delete", photo), {"post": "yes"}).status_code == 403

    photo.refresh_from_db()
    story.refresh_from_db()
    assert (photo.caption, photo.image.name) == ("Keterangan baru", image_name)
    assert (story.photo, story.photo_caption, story.photo_credit) == (
        photo, "Banjir di Garut", "Dok. Redaksi",
    )  # fmt: skip
    page = text(reader(network["a"]).get(story.get_absolute_url()))
    assert "Banjir di Garut" in page and "Keterangan baru" not in page


def test_migration_0014_gives_stories_their_captions_and_photos_their_sites(network):
    migration = importlib.import_module(
        "articles.migrations.0014_story_photo_caption_and_photo_sites"
    )
    on_a_and_b = Photo.objects.create(caption="Dipakai dua situs", credit="Dok.")
    unused = Photo.objects.create(caption="Belum dipakai")
    stories = [
        story_on(network["a"], network["kanal_a"], photo=on_a_and_b),
        story_on(network["b"], network["kanal_b"], photo=on_a_and_b),
    ]
    Article.objects.update(photo_caption=None, photo_credit=None)  # as before the migration

    migration.copy_to_stories_and_sites(django_apps, None)

    assert set(Article.objects.values_list("photo_caption", "photo_credit")) == {
        ("Dipakai dua situs", "Dok.")
    }
    assert set(on_a_and_b.sites.all()) == {network["a"], network["b"]}
    assert list(unused.sites.all()) == [network["a"]]  # the default site
    Article.objects.filter(pk=stories[0].pk).update(
        photo_caption="Diperbaiki di A", updated_at=timezone.now() + timedelta(minutes=1)
    )
    migration.copy_back_to_photos(django_apps, None)
    on_a_and_b.refresh_from_db()
    assert on_a_and_b.caption == "Diperbaiki di A"  # the story changed last
