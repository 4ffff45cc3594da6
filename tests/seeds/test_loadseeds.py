"""The loadseeds and exportseed commands against the database."""

import time
from io import StringIO
from threading import Event, Thread

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from taggit.models import Tag

from articles.models import Article, DailyViews, Editor, Photo, RelatedLink, Source, StateChange
from articles.seeds.documents import Outcome, export_article, import_story
from articles.seeds.format import decode, parse
from tests.factories import make_article
from tests.seed_documents import documents
from tests.seeds.test_seedformat import FULL, MINIMAL, TAGS_APART

pytestmark = pytest.mark.django_db


def load(*paths, update=False):
    out, err = StringIO(), StringIO()
    args = [str(path) for path in paths] + (["--update"] if update else [])
    try:
        call_command("loadseeds", *args, stdout=out, stderr=err)
    except CommandError as error:
        return False, out.getvalue(), err.getvalue() + str(error)
    return True, out.getvalue(), err.getvalue()


def table_counts():
    return {
        model.__name__: model.objects.count()
        for model in (Article, Editor, Source, Photo, RelatedLink, Tag, DailyViews)
    }


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_loading_the_shipped_seeds_publishes_the_story_at_its_date_line(seed_dir):
    ok, out, _ = load()
    assert ok, out
    article = Article.objects.get()
    assert article.is_published
    assert article.published_at.isoformat() == "2022-05-14T11:45:00+00:00"
    assert article.date_line == "14 Mei 2022, 18:45 WIB"
    assert article.photo.credit == "Pool via REUTERS/Amanda Andrade-Rhoades"
    assert article.related_links.count() == 3
    assert article.editor.name == "Yurri Erfansyah"
    assert [source.name for source in article.sources.all()] == ["Reuters"]


def test_second_load_changes_nothing_and_says_so(seed_dir):
    load()
    before = table_counts()
    updated_at = Article.objects.get().updated_at
    ok, out, _ = load()
    assert ok
    assert "tidak berubah" in out
    assert table_counts() == before
    assert Article.objects.get().updated_at == updated_at


def test_editors_sources_and_tags_are_reused_case_insensitively(tmp_path):
    Editor.objects.create(name="asep saepudin")
    Source.objects.create(name="antara")
    Tag.objects.create(name="banjir", slug="banjir")
    ok, _, err = load(write(tmp_path, "a.txt", FULL))
    assert ok, err
    assert Editor.objects.count() == 1
    assert Source.objects.filter(name__iexact="antara").count() == 1
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Tasikmalaya", "banjir"]


def test_baca_juga_links_to_stories_of_the_same_run_whatever_the_order(tmp_path):
    linked_later = FULL.replace("Hujan Deras Diprediksi Sepekan", "Judul Singkat")
    # "a.txt" names the story that "b.txt" holds: it loads first, so the link is made after.
    ok, _, err = load(write(tmp_path, "a.txt", linked_later), write(tmp_path, "b.txt", MINIMAL))
    assert ok, err
    link = RelatedLink.objects.get(title="Judul Singkat")
    assert link.target == Article.objects.get(headline="Judul Singkat")
    assert RelatedLink.objects.get(title="BPBD Siagakan Perahu Karet").target is None


def test_malformed_file_is_reported_with_its_line_changes_nothing_and_others_load(tmp_path):
    bad = write(tmp_path, "a-bad.txt", MINIMAL.replace("Desember", "Decembre"))
    good = write(tmp_path, "b-good.txt", FULL)
    ok, _, err = load(bad, good)
    assert not ok
    assert f"{bad}:3: unknown month 'Decembre'" in err
    assert "1 dari 2 berkas gagal" in err
    assert list(Article.objects.values_list("headline", flat=True)) == [
        "Banjir Rendam Ratusan Rumah di Tasikmalaya"
    ]


@pytest.mark.parametrize(
    "data",
    [b"", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"Judul\n\nTanpa tanggal"],
    ids=["empty", "binary", "no-date-line"],
)
def test_bad_files_write_nothing(tmp_path, data):
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    before = table_counts()
    ok, _, err = load(path)
    assert not ok
    assert str(path) + ":" in err
    assert table_counts() == before


def test_a_story_edited_since_its_load_is_kept_unless_update_is_asked(tmp_path):
    path = write(tmp_path, "a.txt", FULL)
    load(path)
    Article.objects.update(headline="Banjir Rendam Ratusan Rumah di Tasikmalaya", dateline="DIUBAH")
    ok, out, _ = load(path)
    assert ok and "dibiarkan" in out
    assert Article.objects.get().dateline == "DIUBAH"
    ok, out, _ = load(path, update=True)
    assert ok and "diperbarui" in out
    assert Article.objects.get().dateline == "TASIKMALAYA, ZONA PRIANGAN"
    assert RelatedLink.objects.count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_an_update_waits_for_a_save_in_progress_and_takes_the_next_version(tmp_path):
    """An editor's save holds the row when `loadseeds --update` starts: the import reads
    the story after that save, so the two never leave one version number for two texts."""
    path = write(tmp_path, "a.txt", FULL)
    load(path)
    Article.objects.update(dateline="DIUBAH")
    story = Article.objects.get()
    holding = Event()

    def editors_save():
        try:
            with transaction.atomic():
                held = Article.objects.select_for_update().get(pk=story.pk)
                holding.set()
                time.sleep(0.5)  # the import starts meanwhile
                Article.objects.filter(pk=held.pk).update(version=held.version + 1)
        finally:
            connections.close_all()

    editor = Thread(target=editors_save)
    editor.start()
    holding.wait(5)
    ok, out, _ = load(path, update=True)
    editor.join()
    assert ok and "diperbarui" in out
    assert Article.objects.get().version == story.version + 2


def test_a_withdrawn_story_loaded_again_with_update_says_so_in_its_history(tmp_path):
    path = write(tmp_path, "a.txt", FULL)
    load(path)
    story = Article.objects.get()
    assert [(c.from_status, c.to_status) for c in story.state_changes.all()] == [
        ("draft", "published")
    ]
    Article.objects.update(status=Article.Status.UNPUBLISHED, dateline="DITARIK")
    load(path)
    assert Article.objects.get().status == Article.Status.UNPUBLISHED  # kept without --update
    ok, out, _ = load(path, update=True)
    assert ok and Article.objects.get().status == Article.Status.PUBLISHED
    last = story.state_changes.order_by("pk").last()
    assert (last.action, last.from_status, last.to_status) == ("import", "unpublished", "published")


def test_missing_path_is_a_clear_error(tmp_path):
    ok, _, err = load(tmp_path / "nope.txt")
    assert not ok and "tidak ada berkas" in err


def test_export_prints_the_loaded_seed_back(seed_text):
    load()
    out = StringIO()
    call_command("exportseed", Article.objects.get().slug, stdout=out)
    assert out.getvalue() == seed_text


def test_the_story_keeps_its_caption_and_credit_whatever_its_photo_says_later(seed_text):
    load()
    article = Article.objects.get()
    assert (article.photo_caption, article.photo_credit) == (
        article.photo.caption, "Pool via REUTERS/Amanda Andrade-Rhoades",
    )  # fmt: skip
    assert list(article.photo.sites.all()) == [article.site]
    Photo.objects.update(caption="Keterangan lain", credit="Kredit lain")
    out = StringIO()
    call_command("exportseed", article.slug, stdout=out)
    assert out.getvalue() == seed_text
    ok, out, _ = load(update=True)
    assert ok and "tidak berubah" in out
    assert Photo.objects.get().caption == "Keterangan lain"  # a photo it shows stays as it is


def test_export_all_writes_one_file_per_story_that_loads_back_identically(tmp_path):
    sources = [write(tmp_path, "a.txt", FULL), write(tmp_path, "b.txt", MINIMAL)]
    load(*sources)
    out_dir = tmp_path / "export"
    call_command("exportseed", "--all", str(out_dir), stdout=StringIO())
    exported = sorted(path.read_text(encoding="utf-8") for path in out_dir.glob("*.txt"))
    assert exported == sorted([FULL, MINIMAL])


def test_export_of_an_unknown_slug_is_a_clear_error():
    with pytest.raises(CommandError, match="Tidak ada berita"):
        call_command("exportseed", "tidak-ada", stdout=StringIO())


HEADLINE = "Banjir Rendam Ratusan Rumah di Tasikmalaya"


def test_two_seeds_whose_headlines_slugify_alike_are_two_stories(tmp_path):
    first = write(tmp_path, "a.txt", FULL)
    second = write(tmp_path, "b.txt", FULL.replace(HEADLINE, f"{HEADLINE}!", 1))
    ok, out, _ = load(first, second)
    assert ok and out.count("dibuat") == 2
    slugs = {story.headline: story.slug for story in Article.objects.all()}
    base = "banjir-rendam-ratusan-rumah-di-tasikmalaya"
    assert slugs == {HEADLINE: base, f"{HEADLINE}!": f"{base}-2"}
    for update in (False, True):  # neither is taken for the other, nor overwritten by it
        ok, out, _ = load(first, second, update=update)
        assert ok and out.count("tidak berubah") == 2


def test_an_editors_own_story_of_the_same_slug_is_never_taken_for_the_seed(tmp_path):
    own = make_article(headline=HEADLINE, dateline="MILIK EDITOR")
    ok, out, _ = load(write(tmp_path, "a.txt", FULL), update=True)
    assert ok and "dibuat" in out
    own.refresh_from_db()
    assert own.dateline == "MILIK EDITOR" and own.seed_headline is None
    assert Article.objects.get(seed_headline=HEADLINE).slug == f"{own.slug}-2"


def test_a_retitled_story_is_still_its_seeds_and_older_loads_are_found_by_slug(tmp_path):
    path = write(tmp_path, "a.txt", FULL)
    load(path)
    Article.objects.update(headline="Judul Baru dari Editor")
    ok, out, _ = load(path)
    assert ok and "dibiarkan" in out and Article.objects.count() == 1
    Article.objects.update(seed_headline=None)  # as loaded before the column
    ok, out, _ = load(path)
    assert ok and "dibiarkan" in out
    assert Article.objects.get().seed_headline is None  # retitled: it may be another seed's
    Article.objects.update(headline=HEADLINE)
    ok, out, _ = load(path)
    assert ok and "tidak berubah" in out
    assert Article.objects.get().seed_headline == HEADLINE


@hypothesis_settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=documents(), known=st.booleans())
def test_every_document_loadseeds_accepts_exports_back_byte_for_byte(text, known):
    data = text.encode("utf-8")
    with transaction.atomic():  # each document on a database of its own
        if known:  # the site has its editor, sources and tags already, tags in another order
            story = parse(text)
            Editor.objects.create(name=story.editor)
            for name in story.sources:
                Source.objects.create(name=name)
            for name in reversed(story.tags):
                Tag.objects.create(name=name)
        result = import_story(parse(decode(data)))
        assert result.differences == ()
        stored = Article.objects.for_page().get(pk=result.article.pk)
        assert export_article(stored).encode("utf-8") == data
        assert import_story(parse(decode(data))).outcome is Outcome.UNCHANGED
        transaction.set_rollback(True)


def test_a_file_written_otherwise_exports_as_it_was_written(tmp_path):
    data = ("\ufeff" + TAGS_APART.replace("Editor: ", "Editor:") + "\n").replace("\n", "\r\n")
    path = tmp_path / "a.txt"
    path.write_bytes(data.encode("utf-8"))
    ok, out, err = load(path)
    assert ok and "dibuat" in out and f"{path}:" not in out.replace(f"{path}: ", ""), err
    out_dir = tmp_path / "export"
    call_command("exportseed", "--all", str(out_dir), stdout=StringIO())
    assert [p.read_bytes() for p in out_dir.glob("*.txt")] == [data.encode("utf-8")]


def test_tags_export_in_the_storys_order_when_the_site_had_them_before(tmp_path):
    for name in ["Tasikmalaya", "Cibeureum", "Banjir"]:
        Tag.objects.create(name=name, slug=name.lower())
    text = FULL.replace("Banjir\nTasikmalaya", "Banjir\nCibeureum\nTasikmalaya")
    path = write(tmp_path, "a.txt", text)
    load(path)
    out = StringIO()
    call_command("exportseed", Article.objects.get().slug, stdout=out)
    assert out.getvalue() == text
    ok, out, _ = load(path)
    assert ok and "tidak berubah" in out


def test_the_same_story_in_another_layout_changes_only_the_layout(tmp_path):
    path = write(tmp_path, "a.txt", FULL)
    load(path)
    version = Article.objects.get().version
    path.write_text(TAGS_APART + "\n", encoding="utf-8")
    ok, out, _ = load(path)
    assert ok and "tata letak berkas diperbarui" in out
    story = Article.objects.get()
    assert story.version == version and story.revisions.count() == 1
    out = StringIO()
    call_command("exportseed", story.slug, stdout=out)
    assert out.getvalue() == TAGS_APART + "\n"
    ok, out, _ = load(path)
    assert ok and "tidak berubah" in out and "tata letak" not in out


def test_what_the_database_keeps_otherwise_is_reported_line_by_line(tmp_path):
    Editor.objects.create(name="Asep Saepudin")
    text = FULL.replace("Editor: Asep Saepudin", "Editor: ASEP SAEPUDIN").replace(
        "Banjir\nTasikmalaya", "Banjir\nTasikmalaya\nbanjir"
    )
    path = write(tmp_path, "a.txt", text)
    ok, out, _ = load(path)
    assert ok and "dibuat" in out
    assert (
        f"{path}:16: disimpan sebagai 'Editor: Asep Saepudin' (di berkas: 'Editor: ASEP SAEPUDIN')"
        in out
    )
    assert f"{path}:24: 'banjir' tidak disimpan" in out
    ok, out, _ = load(path)  # the same story, as the database keeps it
    assert ok and "tidak berubah" in out


def test_a_bulk_load_purges_once_at_its_end_not_once_per_story(
    tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    edge_purges = []
    monkeypatch.setattr(
        "articles.delivery.purge.queue_purge", lambda tags, **kwargs: edge_purges.append(tags)
    )
    paths = [
        write(tmp_path, f"{number}.txt", FULL.replace(HEADLINE, f"{HEADLINE} {number}", 1))
        for number in range(3)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        ok, out, _ = load(*paths)
    assert ok and out.count("dibuat") == 3
    assert Article.objects.published().count() == 3
    assert edge_purges == [[f"site-{Article.objects.first().site_id}"]]
    assert set(
        StateChange.objects.filter(action="import").values_list("article__headline", flat=True)
    ) == {f"{HEADLINE} {number}" for number in range(3)}
