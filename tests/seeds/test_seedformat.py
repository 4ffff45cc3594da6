"""The seed format on its own: each rule, the malformed cases, and the round trip."""

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from django.conf import settings
from hypothesis import assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from articles.seeds.format import (
    CANONICAL,
    Layout,
    RelatedLink,
    SeedFormatError,
    decode,
    parse,
    render,
)
from tests.seed_documents import documents, edited

SEED_FILES = sorted((Path(settings.BASE_DIR) / "seeds").glob("*.txt"))

FULL = """Banjir Rendam Ratusan Rumah di Tasikmalaya

3 Januari 2023, 07:05 WITA
Warga mengungsi di Kecamatan Cibeureum, Selasa. /ANTARA/Adeng Bustomi/

TASIKMALAYA, ZONA PRIANGAN - Banjir merendam ratusan rumah.

Baca Juga: Hujan Deras Diprediksi Sepekan

Baca Juga: BPBD Siagakan Perahu Karet

Warga diminta waspada.

Air mulai surut sore hari.***

Editor: Asep Saepudin

Sumber: BPBD Tasikmalaya, ANTARA

Tags

Banjir
Tasikmalaya

Terkini

Terpopuler"""

MINIMAL = """Judul Singkat

1 Desember 2024, 00:00 WIT

Satu paragraf saja.

Editor: Rina

Tags

Terkini

Terpopuler"""


def test_full_document_is_read_rule_by_rule():
    story = parse(FULL)
    assert story.headline == "Banjir Rendam Ratusan Rumah di Tasikmalaya"
    assert story.published_local == datetime(2023, 1, 3, 7, 5)
    assert story.time_zone == "WITA"
    assert story.caption == "Warga mengungsi di Kecamatan Cibeureum, Selasa."
    assert story.credit == "ANTARA/Adeng Bustomi"
    assert story.dateline == "TASIKMALAYA, ZONA PRIANGAN"
    assert story.paragraphs == (
        "Banjir merendam ratusan rumah.",
        "Warga diminta waspada.",
        "Air mulai surut sore hari.",
    )
    assert story.related_links == (
        RelatedLink("Hujan Deras Diprediksi Sepekan", after_paragraph=1),
        RelatedLink("BPBD Siagakan Perahu Karet", after_paragraph=1),
    )
    assert story.end_mark is True
    assert story.editor == "Asep Saepudin"
    assert story.sources == ("BPBD Tasikmalaya", "ANTARA")
    assert story.tags == ("Banjir", "Tasikmalaya")


def test_minimal_document_has_no_caption_dateline_sources_or_tags():
    story = parse(MINIMAL)
    assert (story.caption, story.credit, story.dateline) == ("", "", "")
    assert story.sources == story.tags == story.related_links == ()
    assert story.end_mark is False
    assert story.time_zone == "WIT"


def test_shipped_seed_is_read_as_the_site_shows_it(seed_text):
    story = parse(seed_text)
    assert story.published_local == datetime(2022, 5, 14, 18, 45)
    assert story.time_zone == "WIB"
    assert story.credit == "Pool via REUTERS/Amanda Andrade-Rhoades"
    assert story.caption.endswith("3 Mei 2022.")
    assert story.dateline == "ZONA PRIANGAN"
    assert story.paragraphs[0].startswith("Menteri Pertahanan AS")
    assert [link.after_paragraph for link in story.related_links] == [3, 6, 9]
    assert story.end_mark
    assert (story.editor, story.sources, story.tags) == ("Yurri Erfansyah", ("Reuters",), ())


@pytest.mark.parametrize(
    "caption_line, caption, credit",
    [
        ("Foto bersama. /Dok. Pribadi/", "Foto bersama.", "Dok. Pribadi"),
        ("Kurs 24/7 naik. /REUTERS/A/B/", "Kurs 24/7 naik.", "REUTERS/A/B"),
        ("Tanpa kredit sama sekali", "Tanpa kredit sama sekali", ""),
        ("/Hanya Kredit/", "", "Hanya Kredit"),
    ],
)
def test_caption_credit_is_the_trailing_slashed_text(caption_line, caption, credit):
    story = parse(MINIMAL.replace("00:00 WIT\n", f"00:00 WIT\n{caption_line}\n"))
    assert (story.caption, story.credit) == (caption, credit)


def test_dateline_only_opens_the_first_paragraph_in_capitals():
    lowercase = parse(MINIMAL.replace("Satu paragraf saja.", "Bandung - kota kembang."))
    assert lowercase.dateline == ""
    assert lowercase.paragraphs[0] == "Bandung - kota kembang."
    second = parse(MINIMAL.replace("Satu paragraf saja.", "Awal.\n\nGARUT - bukan dateline."))
    assert second.dateline == ""
    assert second.paragraphs[1] == "GARUT - bukan dateline."


def test_bom_and_crlf_are_accepted():
    data = ("\ufeff" + FULL).replace("\n", "\r\n").encode("utf-8")
    assert parse(decode(data)) == parse(FULL)


def test_lines_after_the_page_list_headings_are_ignored():
    story = parse(MINIMAL + "\n\nSatu berita lain\n\nDua berita lain")
    assert story == parse(MINIMAL)


@pytest.mark.parametrize(
    "text, line, expected",
    [
        ("", 1, "the document is empty"),
        ("\n\n   \n", 1, "the document is empty"),
        ("Judul\n\nbukan tanggal\n\nIsi.", 3, "expected a date line like '14 Mei 2022, 18:45 WIB'"),
        ("Judul", 2, "expected a date line"),
        (MINIMAL.replace("Desember", "Decembre"), 3, "unknown month 'Decembre'"),
        (MINIMAL.replace("00:00 WIT", "00:00 GMT"), 3, "unknown time zone 'GMT'"),
        (MINIMAL.replace("1 Desember", "31 Februari").replace("2024", "2023"), 3, "not a real date"),
        (MINIMAL.replace("00:00", "25:00"), 3, "not a real date"),
        (MINIMAL.replace("Editor: Rina", "Penulis: Rina"), 9, "expected an 'Editor: <name>' line"),
        (MINIMAL.replace("Editor: Rina", "Editor: "), 7, "expected 'Editor: <name>'"),
        (MINIMAL.replace("\n\nTags", ""), 9, "expected the heading 'Tags'"),
        (MINIMAL.replace("Terkini\n\nTerpopuler", "Terpopuler"), 11, "expected the heading 'Terkini'"),
        (MINIMAL.replace("\n\nTerpopuler", ""), 11, "expected the heading 'Terpopuler'"),
        ("Judul\n\n1 Mei 2022, 10:00 WIB\n\nEditor: A\n\nTags\n\nTerkini\n\nTerpopuler", 5, "at least one body paragraph"),
        ("\nJudul di baris dua", 1, "expected the headline on line 1"),
        ("Judul\nLanjutan judul\n\n1 Mei 2022, 10:00 WIB", 2, "expected a blank line after the headline"),
        ("Judul\n\nnul \x00 di sini", 3, "NUL byte"),
    ],
)  # fmt: skip
def test_malformed_documents_name_the_line_and_what_was_expected(text, line, expected):
    with pytest.raises(SeedFormatError) as caught:
        parse(text)
    assert caught.value.line == line
    assert expected in caught.value.message


def test_binary_garbage_is_refused_with_the_line_of_the_bad_byte():
    with pytest.raises(SeedFormatError) as caught:
        decode(b"Judul\n\n\xff\xfe\x00garbage")
    assert caught.value.line == 3
    assert "not UTF-8" in caught.value.message


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda path: path.name)
def test_every_shipped_seed_round_trips_byte_for_byte(path):
    data = path.read_bytes()
    assert render(parse(decode(data))).encode("utf-8") == data


@pytest.mark.parametrize("text", [FULL, MINIMAL], ids=["full", "minimal"])
def test_own_documents_round_trip(text):
    assert render(parse(text)) == text


TAGS_APART = FULL.replace("Banjir\nTasikmalaya", "Banjir\n\nTasikmalaya")


@pytest.mark.parametrize(
    "text",
    [
        TAGS_APART,
        FULL + "\n",
        FULL.replace("Editor: Asep Saepudin", "Editor: Asep Saepudin  "),
        FULL.replace("\n", " \n"),
        "\ufeff" + FULL.replace("\n", "\r\n") + "\r\n",
        FULL.replace("\n", "\r"),
        FULL.replace("\n\n", "\n\n\n"),
        FULL.replace("\n\nTags", "\n  \n\t\nTags"),
        FULL.replace("Tags\n\nBanjir", "  Tags\nBanjir"),
        MINIMAL.replace("Tags\n\nTerkini", "Tags\nTerkini"),
        FULL.replace("3 Januari 2023, 07:05 WITA", "03 januari 2023, 7:05 wita"),
        FULL.replace("Editor: ", "Editor:").replace(", ANTARA", " ,ANTARA,"),
        FULL.replace("Baca Juga: ", "Baca Juga:   "),
        MINIMAL.replace("Terkini\n\n", "Terkini\n\nBerita lain\n\n") + "\n\nBerita populer\n",
    ],
    ids=[
        "blank-line-between-tags", "final-newline", "trailing-spaces", "trailing-spaces-everywhere",
        "bom-crlf", "cr", "two-blank-lines", "blank-lines-of-spaces", "tag-under-heading",
        "terkini-under-tags", "date-spelling", "editor-and-sources-spelling", "baca-juga-spacing",
        "scraped-lists",
    ],
)  # fmt: skip
def test_every_layout_the_format_allows_is_kept(text):
    story = parse(text)
    assert render(story) == text
    assert story == parse(render(story, layout=CANONICAL))


def test_a_changed_story_keeps_the_layout_that_still_applies_and_falls_back_elsewhere():
    story = parse(TAGS_APART.replace("Editor: ", "Editor:") + "\n")
    more_tags = replace(story, tags=(*story.tags, "Cibeureum"))
    assert render(more_tags).endswith(
        "Tags\n\nBanjir\n\nTasikmalaya\n\nCibeureum\n\nTerkini\n\nTerpopuler\n"
    )
    assert "\nEditor:Asep Saepudin\n" in render(more_tags)
    new_editor = replace(story, editor="Rina")
    assert "\nEditor: Rina\n" in render(new_editor)
    under_heading = parse(MINIMAL.replace("Tags\n\nTerkini", "Tags\nTerkini"))
    tagged = replace(under_heading, tags=("Banjir",))
    assert render(tagged).endswith("Tags\n\nBanjir\n\nTerkini\n\nTerpopuler")
    assert parse(render(tagged)) == tagged


def test_an_end_mark_on_a_line_of_its_own_is_text():
    story = parse(MINIMAL.replace("Satu paragraf saja.", "Satu paragraf saja.\n***"))
    assert story.paragraphs == ("Satu paragraf saja.\n***",)
    assert story.end_mark is False


def test_layout_from_the_database_that_is_not_a_layout_counts_as_canonical():
    story = parse(FULL)
    for data in (None, [], "x", {"newline": 3, "gaps": "no", "lines": {"editor": 1}}):
        assert Layout.from_json(data) == CANONICAL
        assert render(story, layout=Layout.from_json(data)) == FULL
    tampered = Layout(
        prefix="x", newline="--", gaps={"block": "oops"}, gaps_at={"tag.0": "x"},
        lines={"editor": "Editor: Orang Lain", "tags": "Tags\nX"}, end="tail",
    )  # fmt: skip
    assert render(story, layout=tampered) == FULL
    assert (
        Layout.from_json(parse(TAGS_APART + "\n").layout.to_json())
        == parse(TAGS_APART + "\n").layout
    )


def test_related_links_after_the_last_paragraph_round_trip():
    text = MINIMAL.replace("Satu paragraf saja.", "Satu paragraf saja.\n\nBaca Juga: Penutup")
    story = parse(text)
    assert story.related_links == (RelatedLink("Penutup", after_paragraph=1),)
    assert render(story) == text


def test_seed_directory_is_not_empty():
    assert SEED_FILES, "seeds/ should ship at least one story"


@hypothesis_settings(max_examples=300, deadline=None)
@given(documents())
def test_every_document_the_parser_accepts_renders_back_as_it_was_written(text):
    story = parse(decode(text.encode("utf-8")))
    assert render(story) == text
    canonical = render(story, layout=CANONICAL)
    assert parse(canonical) == story
    assert render(parse(canonical)) == canonical


@hypothesis_settings(max_examples=200, deadline=None)
@given(documents(), st.data())
def test_a_changed_story_keeps_its_layout_only_where_that_still_reads_as_the_story(text, data):
    changed = data.draw(edited(parse(text)))
    assume(parse(render(changed, layout=CANONICAL)) == changed)  # what the format can say
    assert parse(render(changed)) == changed
