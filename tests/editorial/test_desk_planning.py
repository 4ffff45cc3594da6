"""The story budget: an assignment becomes a draft; the calendar reads each on its own clock."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.editorial import planning
from articles.models import Article, Assignment, Placement
from tests.factories import make_article, make_section, make_site, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    papua = make_site(name="Zona Papua", dateline="ZONA PAPUA", time_zone="WIT")
    kanal = make_section(name="Jayapura", sites=[papua])
    return {
        "papua": papua,
        "kanal": kanal,
        "reporter": make_staff("Penulis", "yohanes", sites=[papua]),
        "editor": make_staff("Editor", "editor", sites=[papua]),
    }


def assignment(desk, **fields):
    fields.setdefault("title", "Festival Danau Sentani")
    fields.setdefault("site", desk["papua"])
    fields.setdefault("section", desk["kanal"])
    fields.setdefault("reporter", desk["reporter"])
    fields.setdefault("due_at", timezone.now() + timedelta(days=1))
    return Assignment.objects.create(**fields)


def test_an_assignment_becomes_a_draft_with_its_reporter_and_kanal(client, desk):
    planned = assignment(desk)
    client.force_login(desk["editor"])
    response = client.post(
        reverse("admin:articles_assignment_changelist"),
        {"action": "make_drafts", "_selected_action": [planned.pk]},
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert (article.headline, article.author, article.section, article.site) == (
        "Festival Danau Sentani",
        desk["reporter"],
        desk["kanal"],
        desk["papua"],
    )
    assert article.status == Article.Status.DRAFT and article.time_zone == "WIT"
    assert Placement.objects.get(article=article).site == desk["papua"]
    planned.refresh_from_db()
    assert planned.article == article and planned.status == Assignment.Status.ASSIGNED
    # Once only: the button opens the draft made before.
    again = client.post(reverse("admin:articles_assignment_draft", args=[planned.pk]))
    assert again.url == reverse("admin:articles_article_change", args=[article.pk])
    assert Article.objects.count() == 1
    # The reporter may now edit their own draft.
    client.force_login(desk["reporter"])
    assert client.get(again.url).status_code == 200


def test_another_sites_editor_cannot_draft_or_see_the_assignment(client, desk):
    planned = assignment(desk)
    outsider = make_staff("Editor", "luar", sites=[make_site()])
    client.force_login(outsider)
    assert (
        client.post(reverse("admin:articles_assignment_draft", args=[planned.pk])).status_code
        == 404
    )
    changelist = client.get(reverse("admin:articles_assignment_changelist")).content.decode()
    assert "Festival Danau Sentani" not in changelist
    assert not Article.objects.exists()


def test_the_calendar_shows_scheduled_and_planned_items_in_their_own_zone(client, desk):
    wit = ZoneInfo("Asia/Jayapura")
    day = (timezone.now() + timedelta(days=3)).astimezone(wit).date()
    at = lambda hour, minute=0: datetime(day.year, day.month, day.day, hour, minute, tzinfo=wit)  # noqa: E731
    assignment(desk, title="Rencana Pagi", due_at=at(9, 30))
    make_article(
        headline="Berita Terjadwal WIT",
        site=desk["papua"],
        time_zone="WIT",
        published_at=at(23, 30),
    )
    make_article(headline="Berita WIB", time_zone="WIB", published_at=at(12))  # another site's
    placed = make_article(
        headline="Berita Priangan", published_at=timezone.now() - timedelta(hours=1)
    )
    Placement.objects.create(article=placed, site=desk["papua"], published_at=at(14))
    # 00:30 WIT of the next day is still the day before in WIB: it belongs to the next day.
    assignment(desk, title="Rencana Esok", due_at=at(23, 59) + timedelta(minutes=31))
    client.force_login(desk["editor"])
    response = client.get(reverse("admin:articles_assignment_calendar"), {"hari": day.isoformat()})
    items = [(item.time_label, item.title) for item in response.context["items"]]
    assert items == [
        ("09:30 WIT", "Rencana Pagi"),
        ("12:00 WIB", "Berita Priangan"),  # placed at 14:00 WIT: on the story's own clock
        ("23:30 WIT", "Berita Terjadwal WIT"),
    ]
    html = response.content.decode()
    assert "23:30 WIT" in html and "Berita WIB" not in html and "Rencana Esok" not in html


def test_calendar_bad_dates_are_404(client, desk):
    client.force_login(desk["editor"])
    assert (
        client.get(
            reverse("admin:articles_assignment_calendar"), {"hari": "2026-13-40"}
        ).status_code
        == 404
    )


def test_planning_service_refuses_a_user_of_another_site(desk):
    from django.core.exceptions import PermissionDenied

    outsider = make_staff("Editor", "luar", sites=[make_site()])
    with pytest.raises(PermissionDenied):
        planning.draft_from_assignment(assignment(desk), user=outsider)


def test_an_editor_plans_an_assignment_for_a_reporter_of_the_site(client, desk):
    outsider = make_staff("Penulis", "luar", sites=[make_site()])
    client.force_login(desk["editor"])
    add = reverse("admin:articles_assignment_add")
    form = client.get(add).context["adminform"].form
    assert list(form.fields["reporter"].queryset) == [desk["editor"], desk["reporter"]]
    due = timezone.localtime() + timedelta(days=2)
    data = {
        "title": "Banjir Rob di Jayapura",
        "notes": "Wawancara warga Hamadi.",
        "site": desk["papua"].pk,
        "section": desk["kanal"].pk,
        "due_at_0": due.strftime("%Y-%m-%d"),
        "due_at_1": "10:00:00",
        "status": "assigned",
    }
    assert client.post(add, data | {"reporter": outsider.pk}).status_code == 200
    response = client.post(add, data | {"reporter": desk["reporter"].pk})
    assert response.status_code == 302
    planned = Assignment.objects.get()
    assert planned.reporter == desk["reporter"] and planned.created_by == desk["editor"]
    assert f"{planned.local_due_at:%H:%M}" == "10:00"  # on Zona Papua's clock: WIT
    assert planned.due_at.astimezone(ZoneInfo("UTC")).hour == 1


def test_a_reply_to_an_unknown_note_is_a_404(client, desk):
    article = make_article(site=desk["papua"])
    client.force_login(desk["editor"])
    url = reverse("admin:articles_article_notes", args=[article.pk])
    assert client.post(url, {"body": "x", "parent": "abc"}).status_code == 404
    assert client.post(url, {"body": "x", "parent": "999999"}).status_code == 404
