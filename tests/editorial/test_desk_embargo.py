"""Embargo: nobody publishes before its time, by any way in; partners read their feed."""

from datetime import timedelta

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from articles.editorial import revisions, workflow
from articles.models import Article, Partner, Site
from tests.editorial.test_workflow import story_form
from tests.factories import make_article, make_staff
from tests.seeds.test_loadseeds import load, write
from tests.seeds.test_seedformat import FULL

pytestmark = pytest.mark.django_db
Status = Article.Status


def embargoed(**fields):
    fields.setdefault("status", Status.IN_REVIEW)
    fields.setdefault("published_at", None)
    fields.setdefault("embargo_until", timezone.now() + timedelta(hours=2))
    return make_article(**fields)


@pytest.fixture
def people():
    return {role: make_staff(role) for role in ("Editor", "Admin")}


@pytest.mark.parametrize("role", ["Editor", "Admin"])
def test_publish_before_the_embargo_is_refused_for_every_role(role, people):
    article = embargoed()
    with pytest.raises(workflow.TransitionRefused, match="diembargo"):
        workflow.perform(article, "publish", user=people[role])
    too_early = article.embargo_until - timedelta(minutes=1)
    with pytest.raises(workflow.TransitionRefused, match="diembargo"):
        workflow.perform(article, "schedule", user=people[role], publish_at=too_early)
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW
    # At or after the embargo, scheduling is the ordinary workflow.
    workflow.perform(article, "schedule", user=people[role], publish_at=article.embargo_until)
    article.refresh_from_db()
    assert article.is_scheduled


@pytest.mark.parametrize("role", ["Editor", "Admin"])
def test_a_hand_made_publish_post_is_refused_and_the_button_is_not_offered(client, role, people):
    article = embargoed()
    client.force_login(people[role])
    change = reverse("admin:articles_article_change", args=[article.pk])
    assert 'value="publish"' not in client.get(change).content.decode()
    response = client.post(
        reverse("admin:articles_article_workflow", args=[article.pk]),
        {"action": "publish"},
        follow=True,
    )
    assert "diembargo" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW


def test_placing_an_embargoed_story_on_another_site_is_refused(people):
    from tests.factories import make_site

    article = embargoed(status=Status.PUBLISHED, published_at=timezone.now() + timedelta(hours=3))
    article.embargo_until = timezone.now() + timedelta(hours=2)
    article.save()
    other = make_site()
    with pytest.raises(workflow.TransitionRefused, match="diembargo"):
        workflow.place(article, other, user=people["Admin"])


def test_loadseeds_update_refuses_an_embargoed_story_naming_the_file(tmp_path):
    path = write(tmp_path, "embargo.txt", FULL)
    assert load(path)[0]
    article = Article.objects.get()
    Article.objects.filter(pk=article.pk).update(
        status=Status.UNPUBLISHED,
        embargo_until=timezone.now() + timedelta(hours=1),
        headline="Diubah redaksi",  # so that --update would write the seed over it
    )
    ok, _out, err = load(path, update=True)
    assert not ok
    assert f"{path}: Berita ini diembargo sampai" in err
    article.refresh_from_db()
    assert article.status == Status.UNPUBLISHED


def test_restoring_a_revision_or_a_deleted_story_keeps_the_embargo(people):
    admin = people["Admin"]
    article = embargoed()
    revision = revisions.record(article, user=admin)
    revisions.restore(article, revision, user=admin)
    article.refresh_from_db()
    assert article.is_under_embargo and article.status == Status.IN_REVIEW
    with pytest.raises(workflow.TransitionRefused):
        workflow.perform(article, "publish", user=admin)
    key, until = article.pk, article.embargo_until
    article.delete()
    restored = revisions.restore_deleted(key, user=admin).article
    assert restored.embargo_until == until
    with pytest.raises(workflow.TransitionRefused, match="diembargo"):
        workflow.perform(restored, "publish", user=admin)


def test_the_embargo_cannot_be_added_after_publishing(client, people):
    article = make_article()  # live
    client.force_login(people["Editor"])
    change = reverse("admin:articles_article_change", args=[article.pk])
    later = timezone.localtime() + timedelta(days=1)
    response = client.post(
        change,
        story_form(
            article,
            embargo_until_0=later.strftime("%Y-%m-%d"),
            embargo_until_1=later.strftime("%H:%M:%S"),
        ),
    )
    assert response.status_code == 302  # saved: the field is read-only, the value ignored
    article.refresh_from_db()
    assert article.embargo_until is None


def test_a_scheduled_storys_embargo_is_refused_by_the_form(people):
    from articles.admin import ArticleAdminForm

    article = make_article(published_at=timezone.now() + timedelta(hours=1))
    later = timezone.localtime() + timedelta(days=1)
    form = ArticleAdminForm(
        data=story_form(article, embargo_until=later.strftime("%Y-%m-%d %H:%M:%S")),
        instance=article,
    )
    assert not form.is_valid()
    assert form.errors.as_data()["embargo_until"][0].code == "embargo_after_publish"


def test_the_embargo_is_read_on_the_storys_own_clock(client, people):
    article = embargoed(time_zone="WIT")
    client.force_login(people["Editor"])
    change = reverse("admin:articles_article_change", args=[article.pk])
    response = client.post(
        change,
        story_form(
            article, time_zone="WIT", embargo_until_0="2031-05-14", embargo_until_1="09:00:00"
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.embargo_until.isoformat() == "2031-05-14T00:00:00+00:00"  # 09:00 WIT


def test_partner_feed_lists_only_that_partners_embargoed_stories(client):
    chosen, other = Partner.objects.create(name="Kantor Berita A"), Partner.objects.create(name="B")
    shared = embargoed(headline="Hasil Sidang Diumumkan Besok", body="Isi lengkap untuk mitra.")
    shared.embargo_partners.add(chosen)
    embargoed(headline="Untuk Mitra Lain").embargo_partners.add(other)
    lifted = embargoed(
        headline="Embargo Sudah Lewat", embargo_until=timezone.now() - timedelta(hours=1)
    )
    lifted.embargo_partners.add(chosen)
    feed = feedparser.parse(client.get(chosen.get_feed_url()).content)
    assert [entry.title.split("] ")[1] for entry in feed.entries] == [
        "Hasil Sidang Diumumkan Besok"
    ]
    assert "EMBARGO s.d." in feed.entries[0].title and "Isi lengkap" in feed.entries[0].summary
    assert client.get(reverse("articles:partner_feed", args=["salah-token"])).status_code == 404
    chosen.is_active = False
    chosen.save()
    assert client.get(chosen.get_feed_url()).status_code == 404


def test_an_embargoed_story_is_not_on_the_public_site(client):
    article = embargoed(headline="Belum Boleh Dibaca")
    assert client.get(article.get_absolute_url()).status_code == 404
    assert "Belum Boleh Dibaca" not in client.get("/rss/").content.decode()
    assert Site.objects.default()  # the reader's site exists; the story simply is not live
