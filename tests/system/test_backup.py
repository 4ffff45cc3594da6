"""`backup` then `restore` into an emptied database gives back the whole site, row for row."""

from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import ForeignKey
from taggit.models import Tag, TaggedItem

from articles.models import (
    Article,
    ArticleSource,
    DailyViews,
    Editor,
    Photo,
    RelatedLink,
    Revision,
    Section,
    Source,
    StateChange,
)
from tests.factories import image_bytes, make_article, make_related_link, make_section, make_source

pytestmark = pytest.mark.django_db

BACKED_UP = [
    Article, ArticleSource, RelatedLink, Photo, Editor, Source, Section, Revision, StateChange,
    DailyViews, Tag, TaggedItem, LogEntry, Group, get_user_model(),
]  # fmt: skip


def to_milliseconds(row):
    """Django's JSON serializer keeps times to the millisecond; nothing here needs finer."""
    return {
        key: value.replace(microsecond=value.microsecond // 1000 * 1000)
        if isinstance(value, datetime)
        else value
        for key, value in row.items()
    }


def snapshot():
    """Every row of every backed-up model; content types by name, since their ids may change."""
    tables = {}
    for model in BACKED_UP:
        columns = [
            f"{field.name}__model"
            if isinstance(field, ForeignKey) and field.related_model is ContentType
            else field.attname
            for field in model._meta.concrete_fields
        ]
        tables[model.__name__] = [
            to_milliseconds(row) for row in model.objects.order_by("pk").values(*columns)
        ]
    tables["user permissions"] = sorted(
        get_user_model().objects.values_list("username", "user_permissions__codename")
    )
    tables["group permissions"] = sorted(Group.objects.values_list("name", "permissions__codename"))
    tables["memberships"] = sorted(get_user_model().objects.values_list("username", "groups__name"))
    return tables


def start_a_new_database():
    """Empty every table and make content types and permissions anew, as `migrate` would.

    Runs inside the test's transaction, so everything comes back afterwards.
    """
    if connection.vendor == "postgresql":
        # TRUNCATE refuses tables with foreign-key checks still pending from this transaction.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    if connection.vendor == "postgresql":
        # Checked at the end again, as in the new database's own transaction: a backup
        # lists models in the order they are defined, not the order their rows load in.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@pytest.fixture(autouse=True)
def forget_content_type_ids():
    """Flushing makes content types anew, with other ids: don't let later tests use cached ones."""
    yield
    ContentType.objects.clear_cache()


@pytest.fixture
def populated_site(django_user_model):
    editor_account = django_user_model.objects.create_user("redaktur", password="x", is_staff=True)
    editor_account.groups.set(Group.objects.all()[:1])
    editor_account.user_permissions.add(
        *ContentType.objects.get_for_model(Article).permission_set.all()
    )
    section = make_section(name="Jabar", slug="jabar", description="Berita Jawa Barat")
    reuters = make_source(name="Reuters", url="https://www.reuters.com/")
    photo = Photo.objects.create(
        caption="Pasar Baru",
        credit="Dok. Redaksi",
        image=SimpleUploadedFile("p.jpg", image_bytes("JPEG")),
    )
    older = make_article(headline="Berita lama", tags=["Ukraina", "Rusia"], section=section)
    story = make_article(
        headline="Berita utama",
        photo=photo,
        author=editor_account,
        tags=["Ukraina"],
        sources=[reuters],
    )
    story.editor.user = editor_account
    story.editor.save()
    make_related_link(story, target=older, title="")
    make_related_link(story, url="https://contoh.id/luar", title="Tautan luar", after_paragraph=3)
    make_article(headline="Draf", status=Article.Status.DRAFT, published_at=None)
    for number, article in enumerate([older, story], start=1):
        Revision.objects.create(
            article=article, article_key=article.pk, number=number, author=editor_account,
            content={"headline": article.headline, "tags": ["Ukraina"]}, note="simpan",
        )  # fmt: skip
        StateChange.objects.create(
            article=article, actor=editor_account, action="publish",
            from_status=Article.Status.IN_REVIEW, to_status=Article.Status.PUBLISHED,
        )  # fmt: skip
    # A deleted story's revisions are kept for restore, pointing at no story.
    Revision.objects.create(
        article=None, article_key=999, number=1, content={"headline": "Dihapus"}
    )
    for days_ago, views in [(0, 7), (1, 1_234_567)]:
        DailyViews.objects.create(
            article=story, day=date.today() - timedelta(days=days_ago), views=views
        )
    LogEntry.objects.log_actions(editor_account.pk, [story], ADDITION, single_object=True)
    return snapshot()


def test_backup_and_restore_give_back_every_row(populated_site, tmp_path):
    backup = tmp_path / "cadangan.json.gz"
    output = StringIO()

    call_command("backup", backup, stdout=output)
    assert "3 berita, 3 revisi" in output.getvalue()
    start_a_new_database()
    assert not Article.objects.exists() and ContentType.objects.exists()
    call_command("restore", backup, stdout=StringIO())

    assert snapshot() == populated_site
    photo = Photo.objects.exclude(image="").get()
    assert photo.image.name.startswith("foto/") and photo.image.storage.exists(photo.image.name)
    assert Article.objects.get(headline="Berita utama").tags.get().name == "Ukraina"
    # New rows get fresh ids after the restored ones (sequences were moved on).
    assert make_article().pk > max(row["id"] for row in populated_site["Article"])


def test_restore_refuses_a_database_that_already_has_stories(populated_site, tmp_path):
    backup = tmp_path / "cadangan.json"
    call_command("backup", backup, stdout=StringIO())

    with pytest.raises(CommandError, match="sudah berisi berita atau akun"):
        call_command("restore", backup, stdout=StringIO())


def test_restore_dry_run_checks_the_file_and_changes_nothing(populated_site, tmp_path):
    backup = tmp_path / "cadangan.json.xz"
    call_command("backup", backup, stdout=StringIO())
    start_a_new_database()
    output = StringIO()

    call_command("restore", backup, "--dry-run", stdout=output)

    assert "bisa dipulihkan (3 berita, 3 revisi)" in output.getvalue()
    assert not Article.objects.exists()


def test_backup_never_overwrites_an_earlier_backup(tmp_path):
    backup = tmp_path / "cadangan.json"
    backup.write_text("[]")

    with pytest.raises(CommandError, match="sudah ada"):
        call_command("backup", backup, stdout=StringIO())
