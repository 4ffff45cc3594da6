"""The editorial workflow through the admin, by POST, for every role."""

from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.editorial import workflow
from articles.models import Article, Section, Site, Source, StateChange
from tests.factories import make_article, make_editor, make_staff

pytestmark = pytest.mark.django_db
Status = Article.Status


@pytest.fixture
def make_user(db):
    return make_staff


@pytest.fixture
def penulis(make_user):
    return make_user("Penulis")


@pytest.fixture
def editor(make_user):
    return make_user("Editor")


@pytest.fixture
def admin_user(make_user):
    return make_user("Admin")


def client_for(client, user):
    client.force_login(user)
    return client


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def workflow_url(article):
    return reverse("admin:articles_article_workflow", args=[article.pk])


def story_form(article=None, **overrides):
    """POST data for the story form, as the admin page would send it."""
    data = {
        "headline": article.headline if article else "Jembatan Gantung Cikapundung Diresmikan",
        "slug": article.slug if article else "",
        "dateline": article.dateline if article else "BANDUNG, ZONA PRIANGAN",
        "body": article.body if article else "Paragraf satu.\n\nParagraf dua.",
        "end_mark": "on",
        "correction": "",
        "site": article.site_id if article else Site.objects.default().pk,
        "section": "",
        "editor": article.editor_id or "" if article else "",
        "tags": "",
        "photo": article.photo_id or "" if article else "",
        "time_zone": "WIB",
        "loaded_version": article.version if article else "",
        "photo_caption": article.photo_caption or "" if article else "",
        "photo_credit": article.photo_credit or "" if article else "",
        "articlesource_set-TOTAL_FORMS": "0",
        "articlesource_set-INITIAL_FORMS": "0",
        "related_links-TOTAL_FORMS": "0",
        "related_links-INITIAL_FORMS": "0",
        "bylines-TOTAL_FORMS": "0",
        "bylines-INITIAL_FORMS": "0",
        "live_updates-TOTAL_FORMS": "0",
        "live_updates-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def story(author, status=Status.DRAFT, **fields):
    if status == Status.DRAFT or status == Status.IN_REVIEW:
        fields.setdefault("published_at", None)
    return make_article(author=author, status=status, **fields)


# The permission matrix --------------------------------------------------------

ROLES = ["penulis", "editor", "admin_user"]


@pytest.mark.parametrize(
    "role, allowed",
    [("penulis", True), ("editor", True), ("admin_user", True)],
)
def test_every_role_can_create_a_story_which_starts_as_their_draft(client, request, role, allowed):
    user = request.getfixturevalue(role)
    response = client_for(client, user).post(reverse("admin:articles_article_add"), story_form())
    assert response.status_code == 302, (
        response.context and response.context["adminform"].form.errors
    )
    article = Article.objects.get()
    assert (article.status, article.author) == (Status.DRAFT, user)
    assert article.revisions.count() == 1


@pytest.mark.parametrize(
    "role, whose, status, allowed",
    [
        ("penulis", "own", Status.DRAFT, True),
        ("penulis", "other", Status.DRAFT, False),
        ("penulis", "own", Status.IN_REVIEW, False),
        ("penulis", "own", Status.PUBLISHED, False),
        ("editor", "other", Status.DRAFT, True),
        ("editor", "other", Status.IN_REVIEW, True),
        ("editor", "other", Status.PUBLISHED, True),
        ("admin_user", "other", Status.PUBLISHED, True),
    ],
)
def test_who_may_edit_which_story(client, request, make_user, role, whose, status, allowed):
    user = request.getfixturevalue(role)
    author = user if whose == "own" else make_user("Penulis", "penulis-lain")
    article = story(author, status)
    response = client_for(client, user).post(
        change_url(article), story_form(article, headline="Judul Baru Hasil Suntingan")
    )
    article.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert article.headline == "Judul Baru Hasil Suntingan"
    else:
        assert response.status_code == 403
        assert article.headline != "Judul Baru Hasil Suntingan"


ACTION_MATRIX = [
    # role, action, starting status, allowed
    ("penulis", "submit", Status.DRAFT, True),
    ("penulis", "request_changes", Status.IN_REVIEW, False),
    ("penulis", "publish", Status.IN_REVIEW, False),
    ("penulis", "publish", Status.DRAFT, False),
    ("penulis", "schedule", Status.IN_REVIEW, False),
    ("penulis", "unpublish", Status.PUBLISHED, False),
    ("editor", "submit", Status.DRAFT, True),
    ("editor", "request_changes", Status.IN_REVIEW, True),
    ("editor", "publish", Status.IN_REVIEW, True),
    ("editor", "schedule", Status.IN_REVIEW, True),
    ("editor", "unpublish", Status.PUBLISHED, True),
    ("admin_user", "publish", Status.DRAFT, True),
    ("admin_user", "unpublish", Status.PUBLISHED, True),
]


@pytest.mark.parametrize("role, action, status, allowed", ACTION_MATRIX)
def test_workflow_actions_by_role(client, request, role, action, status, allowed):
    user = request.getfixturevalue(role)
    author = user if role == "penulis" else None
    article = story(author, status)
    data = {"action": action, "note": "Perbaiki judul.", "publish_at": _in_an_hour()}
    response = client_for(client, user).post(workflow_url(article), data, follow=True)
    article.refresh_from_db()
    changed = StateChange.objects.filter(article=article, action=action).exists()
    assert changed is allowed
    assert (
        article.status != status or action == "schedule" and status == Status.PUBLISHED
    ) is allowed
    if not allowed:
        assert any(m.level_tag == "error" for m in response.context["messages"])


def test_a_reporter_cannot_submit_someone_elses_draft(client, penulis, make_user):
    article = story(make_user("Penulis", "penulis-lain"))
    client_for(client, penulis).post(workflow_url(article), {"action": "submit"})
    article.refresh_from_db()
    assert article.status == Status.DRAFT


@pytest.mark.parametrize(
    "role, allowed", [("penulis", False), ("editor", False), ("admin_user", True)]
)
def test_only_admins_delete_stories(client, request, role, allowed):
    user = request.getfixturevalue(role)
    article = story(user if role == "penulis" else None, Status.PUBLISHED)
    url = reverse("admin:articles_article_delete", args=[article.pk])
    response = client_for(client, user).post(url, {"post": "yes"})
    assert Article.objects.filter(pk=article.pk).exists() is not allowed
    assert response.status_code == (302 if allowed else 403)


@pytest.mark.parametrize(
    "role, url_name, allowed",
    [
        ("penulis", "admin:articles_section_add", False),
        ("editor", "admin:articles_section_add", False),
        ("editor", "admin:articles_source_add", False),
        ("editor", "admin:taggit_tag_add", False),
        ("editor", "admin:auth_user_add", False),
        ("admin_user", "admin:articles_section_add", True),
        ("admin_user", "admin:articles_source_add", True),
        ("admin_user", "admin:taggit_tag_add", True),
    ],
)
def test_reference_data_is_managed_by_admins_only(client, request, role, url_name, allowed):
    user = request.getfixturevalue(role)
    data = {"name": "Olahraga", "slug": "olahraga", "position": "1", "url": ""}
    response = client_for(client, user).post(reverse(url_name), data)
    assert (response.status_code == 302) is allowed
    if not allowed:
        assert response.status_code == 403


def test_anonymous_posts_to_the_workflow_go_to_the_login_page(client):
    article = story(None)
    response = client.post(workflow_url(article), {"action": "publish"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    article.refresh_from_db()
    assert article.status == Status.DRAFT


# Transitions ------------------------------------------------------------------


def _in_an_hour():
    return (timezone.localtime() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize(
    "action, status, allowed",
    [
        (action, status, status in workflow.RULES[action].from_statuses)
        for action in workflow.Action
        for status in Status
    ],
)
def test_every_transition_from_every_state(editor, action, status, allowed):
    article = story(editor, status)
    publish_at = timezone.now() + timedelta(hours=2)
    if allowed and status == Status.PUBLISHED and action != workflow.Action.UNPUBLISH:
        allowed = False  # already live: nothing to publish, and no scheduling it away
    try:
        workflow.perform(article, action, user=editor, note="catatan", publish_at=publish_at)
    except workflow.TransitionRefused as refused:
        assert not allowed, refused.message
        assert not StateChange.objects.exists()
        return
    assert allowed
    change = StateChange.objects.get()
    assert (change.actor, change.action, change.from_status) == (editor, action, status)
    assert change.to_status == workflow.RULES[action].to_status
    assert change.note == "catatan"


def test_request_changes_needs_a_note(editor):
    article = story(None, Status.IN_REVIEW)
    with pytest.raises(workflow.TransitionRefused, match="catatan"):
        workflow.perform(article, "request_changes", user=editor, note="  ")


def test_schedule_needs_a_future_time(editor):
    article = story(None, Status.IN_REVIEW)
    with pytest.raises(workflow.TransitionRefused, match="masa depan"):
        workflow.perform(
            article, "schedule", user=editor, publish_at=timezone.now() - timedelta(minutes=1)
        )


def test_full_journey_is_recorded_in_order(penulis, editor):
    article = story(penulis)
    workflow.perform(article, "submit", user=penulis)
    workflow.perform(article, "request_changes", user=editor, note="Tambahkan sumber.")
    workflow.perform(article, "submit", user=penulis)
    workflow.perform(article, "publish", user=editor)
    workflow.perform(article, "unpublish", user=editor, note="Ditarik untuk verifikasi.")
    steps = list(article.state_changes.values_list("from_status", "to_status"))
    assert steps == [
        (Status.DRAFT, Status.IN_REVIEW),
        (Status.IN_REVIEW, Status.DRAFT),
        (Status.DRAFT, Status.IN_REVIEW),
        (Status.IN_REVIEW, Status.PUBLISHED),
        (Status.PUBLISHED, Status.UNPUBLISHED),
    ]


def test_republishing_keeps_the_original_publication_time(editor):
    article = story(None, Status.IN_REVIEW)
    first = workflow.perform(article, "publish", user=editor).published_at
    workflow.perform(article, "unpublish", user=editor)
    again = workflow.perform(article, "publish", user=editor)
    assert again.published_at == first == again.first_published_at


def test_history_shows_on_the_story_page_in_the_admin(client, editor):
    article = story(None, Status.IN_REVIEW)
    workflow.perform(article, "request_changes", user=editor, note="Judul terlalu panjang.")
    html = client_for(client, editor).get(change_url(article)).content.decode()
    assert "Riwayat" in html and "Judul terlalu panjang." in html
    assert "Menunggu tinjauan → Draf" in html


# Scheduling with a controlled clock --------------------------------------------------


@pytest.fixture
def clock():
    """Move `timezone.now()` for the whole project: `clock.set(moment)`."""

    class Clock:
        def __init__(self):
            self.now = timezone.now()

        def set(self, moment):
            self.now = moment

    moving = Clock()
    with mock.patch("django.utils.timezone.now", side_effect=lambda: moving.now):
        yield moving


def test_scheduled_story_goes_live_by_itself_at_its_time(client, editor, clock):
    make_article(headline="Berita Lama")
    article = story(None, Status.IN_REVIEW, headline="Berita Terjadwal Pukul Tujuh")
    go_live = clock.now + timedelta(hours=3)
    workflow.perform(article, "schedule", user=editor, publish_at=go_live)
    client.logout()

    clock.set(go_live - timedelta(seconds=1))
    assert client.get(article.get_absolute_url()).status_code == 404
    assert "Berita Terjadwal Pukul Tujuh" not in client.get("/").content.decode()

    clock.set(go_live)
    home = client.get("/")
    assert [story.headline for story in home.context["terkini"]][
        0
    ] == "Berita Terjadwal Pukul Tujuh"
    assert client.get(article.get_absolute_url()).status_code == 200


def test_schedule_time_is_read_on_the_stories_own_clock(client, editor):
    article = story(None, Status.IN_REVIEW, time_zone="WIT")
    local = (timezone.now() + timedelta(days=1)).astimezone(timezone.get_fixed_timezone(9 * 60))
    value = local.strftime("%Y-%m-%dT%H:%M")
    client_for(client, editor).post(
        workflow_url(article), {"action": "schedule", "publish_at": value}
    )
    article.refresh_from_db()
    assert article.is_scheduled
    assert article.local_published_at.strftime("%Y-%m-%dT%H:%M") == value
    assert article.date_line.endswith(" WIT")
    html = client.get(change_url(article)).content.decode()
    assert "Terjadwal" in html


def test_bad_schedule_input_is_a_message_not_an_error(client, editor):
    article = story(None, Status.IN_REVIEW)
    response = client_for(client, editor).post(
        workflow_url(article), {"action": "schedule", "publish_at": "besok pagi"}, follow=True
    )
    assert response.status_code == 200
    assert "tidak dapat dibaca" in response.content.decode()
    response = client.post(workflow_url(article), {"action": "terbang"}, follow=True)
    assert "Tindakan tidak dikenal" in response.content.decode()
    assert client.get(workflow_url(article)).status_code == 405


# Admin comfort ----------------------------------------------------------------------


def test_changelist_query_count_is_fixed(client, admin_user, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("admin:articles_article_changelist")).status_code == 200
        return len(captured)

    client_for(client, admin_user)
    section = Section.objects.create(name="Jabar", slug="jabar")
    for _ in range(10):
        make_article(section=section, tags=["Ukraina"])
    few = queries()
    for _ in range(90):
        make_article(section=section, tags=["Ukraina", "Rusia"])
    assert queries() == few


def test_changelist_filters_and_search(client, penulis, editor):
    mine = story(penulis, headline="Tulisan Penulis Sendiri")
    story(editor, headline="Tulisan Orang Lain")
    scheduled = make_article(
        headline="Akan Terbit", published_at=timezone.now() + timedelta(days=1)
    )
    client_for(client, penulis)
    url = reverse("admin:articles_article_changelist")
    assert list(client.get(url, {"mine": "1"}).context["cl"].result_list) == [mine]
    assert list(client.get(url, {"status": "scheduled"}).context["cl"].result_list) == [scheduled]
    assert list(client.get(url, {"q": "Orang Lain"}).context["cl"].result_list)[0].headline == (
        "Tulisan Orang Lain"
    )


def test_a_source_in_use_cannot_be_deleted(client, admin_user):
    source = Source.objects.create(name="Reuters")
    make_article(sources=[source])
    client_for(client, admin_user)
    response = client.post(
        reverse("admin:articles_source_delete", args=[source.pk]), {"post": "yes"}
    )
    assert Source.objects.filter(pk=source.pk).exists()
    assert response.status_code == 200  # the page explains what protects it


def test_merging_tags_moves_every_story(client, admin_user):
    one = make_article(tags=["Ukraina"])
    Tag.objects.create(name="ukraina-lama", slug="ukraina-lama")
    two = make_article(tags=["ukraina-lama"])
    both = make_article(tags=["Ukraina", "ukraina-lama"])
    target = Tag.objects.get(name="Ukraina")
    client_for(client, admin_user)
    changelist = reverse("admin:taggit_tag_changelist")
    selected = [str(tag.pk) for tag in Tag.objects.all()]
    confirm = client.post(changelist, {"action": "merge", "_selected_action": selected})
    assert confirm.status_code == 200 and "Gabungkan" in confirm.content.decode()
    client.post(changelist, {"action": "merge", "_selected_action": selected, "target": target.pk})
    assert list(Tag.objects.values_list("name", flat=True)) == ["Ukraina"]
    for article in (one, two, both):
        assert list(article.tags.names()) == ["Ukraina"]


def test_a_tags_page_in_the_admin_does_not_list_its_stories_as_forms(client, admin_user):
    """A big tag is on thousands of stories; their tags are edited on the story form."""
    stories = [make_article(tags=["Banjir"]) for _ in range(3)]
    tag = Tag.objects.get()
    page = client_for(client, admin_user).get(reverse("admin:taggit_tag_change", args=[tag.pk]))
    assert page.status_code == 200 and 'name="name"' in page.content.decode()
    assert "object_id" not in page.content.decode()
    assert all(list(story.tags.names()) == ["Banjir"] for story in stories)


def test_tag_suggestions_offer_existing_tags_most_used_first(client, penulis):
    make_article(tags=["Banjir", "Bandung"])
    make_article(tags=["Bandung"])
    url = reverse("admin:articles_article_tag_suggestions")
    assert client.get(url, {"q": "ban"}).status_code == 302  # staff only
    response = client_for(client, penulis).get(url, {"q": "ban"})
    assert response.json() == {"tags": ["Bandung", "Banjir"]}
    assert client.get(url, {"q": ""}).json() == {"tags": []}
    form = client.get(reverse("admin:articles_article_add")).content.decode()
    assert f'data-suggest-url="{url}"' in form and "js/tag-suggestions.js" in form


@pytest.mark.parametrize(
    "url_name", ["articles_editor", "articles_source", "articles_section", "taggit_tag"]
)
def test_reference_lists_show_how_many_stories_use_each(client, admin_user, url_name):
    source = Source.objects.create(name="Reuters")
    section = Section.objects.create(name="Internasional", slug="internasional")
    for _ in range(3):
        make_article(sources=[source], section=section, tags=["Ukraina"])
    response = client_for(client, admin_user).get(reverse(f"admin:{url_name}_changelist"))
    counts = [row.story_count for row in response.context["cl"].result_list]
    assert 3 in counts or counts == [1, 1, 1]  # three editors, one story each


def test_a_live_story_cannot_be_scheduled_away_but_a_scheduled_one_can_move(editor):
    live = story(None, Status.PUBLISHED)
    with pytest.raises(workflow.TransitionRefused, match="sudah terbit"):
        workflow.perform(
            live, "schedule", user=editor, publish_at=timezone.now() + timedelta(days=1)
        )
    live.refresh_from_db()
    assert live.is_published
    assert workflow.Action.SCHEDULE not in workflow.allowed_actions(editor, live)

    later = story(None, Status.PUBLISHED, published_at=timezone.now() + timedelta(hours=1))
    moved = timezone.now() + timedelta(hours=5)
    assert workflow.perform(later, "schedule", user=editor, publish_at=moved).published_at == moved


@pytest.mark.filterwarnings("error::django.core.paginator.UnorderedObjectListWarning")
def test_editor_autocomplete_pages_through_every_editor_once(client, editor):
    """The usage count groups the query; its order must survive, or pages repeat rows."""
    for number in range(25):
        make_editor(name=f"Editor {number:02d}")
    client_for(client, editor)
    url = reverse("admin:autocomplete")
    params = {"app_label": "articles", "model_name": "article", "field_name": "editor"}
    names = []
    for page in (1, 2):
        response = client.get(url, {**params, "page": page})
        assert response.status_code == 200
        names += [result["text"] for result in response.json()["results"]]
    assert names == sorted(names) and len(set(names)) == len(names) >= 25
