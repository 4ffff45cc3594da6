"""Full-text search on both databases: ranking, query syntax, marks, escaping, indexes."""

import time

import pytest
from django.db import connection
from django.utils import timezone

from articles.models import Article
from articles.readers.search import (
    ELLIPSIS,
    EXCERPT_WORDS,
    EXCERPT_WORDS_BEFORE,
    FTS5_TABLE,
    START,
    STOP,
    Marker,
    Results,
    clean_query,
    fts5_query,
    highlight,
    matching,
    sought_words,
)
from tests.factories import make_article

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL full-text search (DATABASE_URL=postgres://...)",
)


def found(query):
    return [story.headline for story in matching(Article.objects.published(), query)]


def test_exact_headline_match_ranks_first():
    words = "Harga cabai di Pasar Cikurubuk naik"
    make_article(
        headline="Cabai dan bawang", body=" ".join([words] * 30), published_at=timezone.now()
    )
    make_article(headline=f"{words} lagi hari ini", body="Isi.")
    exact = make_article(
        headline=words, body="Isi lain.", published_at=timezone.now() - timezone.timedelta(days=30)
    )
    assert found(words.lower())[0] == exact.headline


def test_headline_outranks_body_and_marks_the_matched_words():
    make_article(headline="Rapat di balai kota", body="Wali kota membahas banjir Garut.")
    make_article(headline="Banjir Garut meluas", body="Air naik semalam <b>deras</b>.")
    results = list(matching(Article.objects.published(), "banjir garut"))
    assert [story.headline for story in results] == ["Banjir Garut meluas", "Rapat di balai kota"]
    assert (
        str(highlight(results[0].headline_marked))
        == "<mark>Banjir</mark> <mark>Garut</mark> meluas"
    )
    assert "<mark>banjir</mark> <mark>Garut</mark>" in str(highlight(results[1].excerpt_marked))


def test_search_is_case_insensitive_and_understands_quotes_or_and_minus():
    make_article(headline="Persib menang di Bandung")
    make_article(headline="Persib kalah di Jakarta")
    assert found("PERSIB -jakarta") == ["Persib menang di Bandung"]
    assert found('"menang di bandung"') == ["Persib menang di Bandung"]
    assert found('"bandung di menang"') == []
    assert sorted(found("bandung or jakarta")) == [
        "Persib kalah di Jakarta",
        "Persib menang di Bandung",
    ]
    assert found("persib -jakarta -bandung") == [] and found("-jakarta") == []
    assert found("persi") == []  # whole words only
    assert found("-a -b -c -d -e -f -g -h -i bandung") == ["Persib menang di Bandung"]
    assert found('-"menang di bandung"') == []  # a negated phrase alone asks for nothing


def test_a_headline_with_every_word_beats_a_body_that_repeats_them():
    make_article(headline="Persib kalah", body="Persib Bandung. " * 40, published_at=timezone.now())
    in_headline = make_article(
        headline="Persib Bandung juara", published_at=timezone.now() - timezone.timedelta(days=3)
    )
    assert found("persib bandung")[0] == in_headline.headline


def test_every_word_must_match_somewhere_and_headline_hits_come_first():
    body_hit = make_article(
        headline="Kabar kota", body="Persib bermain di Bandung.", published_at=timezone.now()
    )
    headline_hit = make_article(
        headline="Persib di Bandung", published_at=timezone.now() - timezone.timedelta(days=1)
    )
    make_article(headline="Persib saja", body="Tanpa kota itu.")
    assert found("persib bandung") == [headline_hit.headline, body_hit.headline]


def test_the_page_marks_matches_but_escapes_what_editors_wrote(client):
    make_article(
        headline="Banjir <script>alert(1)</script> di Garut", body="Banjir <i>besar</i> & meluas."
    )
    html = client.get("/cari/", {"q": "banjir"}).content.decode()
    assert "<script>alert(1)" not in html and "<i>besar</i>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<mark>Banjir</mark> &lt;script&gt;" in html
    assert "<mark>Banjir</mark> &lt;i&gt;besar&lt;/i&gt; &amp; meluas." in html


def test_whole_words_are_marked_whatever_their_case_or_accents_but_not_negated_ones():
    marker = Marker("SAO banjir -paulo")
    assert marker.marked("Banjir di São Paulo, banjirnya surut") == (
        f"{START}Banjir{STOP} di {START}São{STOP} Paulo, banjirnya surut"
    )
    assert marker.marked("Banjir di Sao Paulo") == f"{START}Banjir{STOP} di {START}Sao{STOP} Paulo"
    assert Marker("São").marked("Tiba di Sao Paulo") == f"Tiba di {START}Sao{STOP} Paulo"
    make_article(headline="Banjir di Garut", body="Persib menang.")
    (story,) = matching(Article.objects.published(), "banjir GARUT")
    assert story.headline_marked == f"{START}Banjir{STOP} di {START}Garut{STOP}"
    assert sought_words('"Kota" -persib or covid-19') == ["kota", "covid", "19"]
    assert sought_words('-"kota lama" baru') == ["baru"]  # a negated phrase is not sought


def test_the_excerpt_of_a_story_of_several_pages_shows_no_page_break_marker():
    make_article(headline="Rapat", body="Warga banjir datang.\n\n[halaman]\n\nBanjir surut.")
    [result] = matching(Article.objects.published(), "banjir")
    assert "halaman" not in result.excerpt_marked.lower()
    assert "datang." in result.excerpt_marked and "surut." in result.excerpt_marked


def test_the_excerpt_starts_a_few_words_before_the_first_match_and_never_mid_word():
    words = [f"kata{number}" for number in range(100)]
    source = "ta" + " ".join(words[:60]) + " banjir " + " ".join(words[60:])  # cut mid-word
    shown = Marker("banjir").excerpt(source)
    assert shown.startswith(f"{ELLIPSIS} kata{60 - EXCERPT_WORDS_BEFORE} ")
    assert shown.endswith(ELLIPSIS) and f"{START}banjir{STOP}" in shown
    assert len(shown.removeprefix(ELLIPSIS).split()) == EXCERPT_WORDS
    inside_a_word = Marker("banjir").excerpt("Satu dua tiga empat lima enam tujuh kebanjiran.")
    assert inside_a_word == f"{ELLIPSIS} dua tiga empat lima enam tujuh kebanjiran."
    assert Marker("banjir").excerpt("Banjir surut. Warga pulang.") == (
        f"{START}Banjir{STOP} surut. Warga pulang."
    )
    new_sentence = Marker("banjir").excerpt(
        'Hari ini hujan deras. "Sungai meluap," kata warga, banjir.'
    )
    assert new_sentence == f'"Sungai meluap," kata warga, {START}banjir{STOP}.'
    new_paragraph = Marker("banjir").excerpt("Hujan deras sejak pagi ini.\n\nLalu banjir.")
    assert new_paragraph == f"Lalu {START}banjir{STOP}."
    assert Marker("komodo").excerpt("Tanpa kata itu.") == "Tanpa kata itu."
    assert Marker("-komodo").excerpt("Tanpa kata itu.") == "Tanpa kata itu."


def test_a_story_withdrawn_after_the_ranking_is_left_out(admin_user):
    kept, withdrawn = make_article(headline="Banjir A"), make_article(headline="Banjir B")
    ranked_ids = [withdrawn.pk, kept.pk]
    withdrawn.status = Article.Status.DRAFT
    withdrawn.save()
    results = Results(Article.objects.published(), "banjir", ranked_ids)
    assert [story.headline for story in results[0:2]] == ["Banjir A"]


def test_highlight_escapes_first_and_drops_unbalanced_marks():
    assert highlight(f"a {START}<b>{STOP} & c") == "a <mark>&lt;b&gt;</mark> &amp; c"
    assert highlight(f"{START}tanpa penutup") == "tanpa penutup"


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        (None, ""),
        ("  banjir \t garut\n", "banjir garut"),
        ("a\x00b", "a b"),
        ("x" * 500, "x" * 100),
    ],
)
def test_clean_query(raw, cleaned):
    assert clean_query(raw) == cleaned


def test_empty_query_finds_nothing():
    make_article()
    assert found("") == []


def test_accents_do_not_matter():
    make_article(headline="Timnas tiba di São Paulo", body="Café di dekat stadion penuh.")
    assert found("sao paulo") == ["Timnas tiba di São Paulo"]
    assert found("cafe") == ["Timnas tiba di São Paulo"]
    assert found("São") == ["Timnas tiba di São Paulo"]


def stored_and_computed(story):
    """The story's stored search vectors (migration 0007) next to what search.py computes."""
    from articles.readers import search

    return (
        Article.objects.filter(pk=story.pk)
        .annotate(
            stored_document=search.StoredVector("search_document"),
            computed_document=search.document_vector(),
            stored_headline=search.StoredVector("search_headline"),
            computed_headline=search.headline_vector(),
        )
        .values("stored_document", "computed_document", "stored_headline", "computed_headline")
        .get()
    )


@postgres_only
@pytest.mark.postgres
def test_stored_search_vectors_are_the_search_expressions_and_follow_every_write():
    """Migration 0007 writes the expressions out in SQL; they must stay what search.py means."""
    story = make_article(headline="Timnas tiba di São Paulo", body="Café di dekat stadion penuh.")
    row = stored_and_computed(story)
    assert "'sao':" in row["stored_headline"] and "'cafe':" in row["stored_document"]
    assert row["stored_document"] == row["computed_document"]
    assert row["stored_headline"] == row["computed_headline"]

    story.headline, story.body = "Persib juara", "Pawai di Bandung."
    story.save()
    Article.objects.filter(pk=story.pk).update(body="Pawai di Cimahi.")
    (bulk,) = Article.objects.bulk_create(
        [Article(headline="Banjir di Garut", slug="banjir-di-garut", body="Air naik.")]
    )
    for stored in (story, bulk):
        row = stored_and_computed(stored)
        assert row["stored_document"] == row["computed_document"]
        assert row["stored_headline"] == row["computed_headline"]
    assert found("cimahi") == ["Persib juara"] and found("bandung") == []


def test_the_excerpt_is_marked_where_the_words_are_in_a_long_story():
    body = "Paragraf tanpa kata yang dicari. " * 300 + "Seekor komodo terlihat di pasar."
    make_article(headline="Kabar dari Garut", body=body)
    (story,) = matching(Article.objects.published(), "komodo")
    assert "<mark>komodo</mark> terlihat di pasar." in str(highlight(story.excerpt_marked))


def test_only_the_newest_matches_are_ranked_but_an_exact_headline_always_is(settings):
    from articles.readers import search

    old = make_article(
        headline="Banjir", published_at=timezone.now() - timezone.timedelta(days=900)
    )
    for _ in range(3):
        make_article(headline="Banjir lagi di Garut")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "RANK_CANDIDATES", 2)
        found = list(search.matching(Article.objects.published(), "banjir"))
    assert found[0] == old
    assert len(found) == 3  # the exact headline, then the two newest


def slow_ranking(stories, query):
    """Stands for a ranking that walks the whole archive (`banjir -banjir` at scale)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(5)")
    return [stories.get().pk]


@postgres_only
@pytest.mark.postgres
def test_a_search_that_takes_too_long_is_stopped_and_the_reader_told(
    client, settings, monkeypatch, caplog
):
    settings.SEARCH_TIMEOUT_MS = 200
    make_article(headline="Banjir di Garut")
    monkeypatch.setattr("articles.readers.search.ranking", slow_ranking)
    started = time.monotonic()
    response = client.get("/cari/", {"q": "banjir -banjir"})
    assert time.monotonic() - started < 2
    assert response.status_code == 200 and response.context["too_slow"]
    assert "dihentikan karena terlalu lama" in response.content.decode()
    assert "Search for 'banjir -banjir' stopped after 200 ms" in caplog.text
    monkeypatch.undo()  # the connection is usable, with no time limit left behind
    assert found("banjir") == ["Banjir di Garut"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(0.4)")


@postgres_only
@pytest.mark.postgres
def test_a_quick_search_keeps_no_time_limit_on_the_connection(settings):
    settings.SEARCH_TIMEOUT_MS = 200
    make_article(headline="Banjir di Garut")
    assert found("banjir") == ["Banjir di Garut"]
    with connection.cursor() as cursor:  # longer than the limit, after it
        cursor.execute("SELECT pg_sleep(0.4)")


sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 index")


@pytest.mark.parametrize(
    ("query", "expression"),
    [
        ("banjir garut", '("banjir") AND ("garut")'),
        ('"menang di" bandung', '("menang di") AND ("bandung")'),
        ("persib or persija -jakarta", '(("persib" OR "persija")) NOT "jakarta"'),
        ("OR persib or", '("persib")'),
        ("covid-19", '("covid 19")'),
        ("-jakarta", ""),
        ('" * ( ) NEAR headline: ^', '("NEAR headline")'),  # an open quote runs to the end
        ("* ( ) NEAR headline: ^", '("NEAR") AND ("headline")'),
        ('body:banjir "kota', '("body banjir") AND ("kota")'),
    ],
)
def test_the_readers_query_is_written_for_fts5_as_quoted_phrases_only(query, expression):
    assert fts5_query(query) == expression


@pytest.mark.parametrize("query", ['"', "NEAR(", "a AND", "*", "^banjir", "headline:x", "(((", "'"])
def test_no_query_a_reader_types_is_an_error(client, query):
    make_article(headline="Banjir di Garut")
    assert client.get("/cari/", {"q": query}).status_code == 200


@sqlite_only
def test_the_sqlite_index_follows_every_write():
    """Migration 0008's triggers: save, update(), bulk_create and delete all reach search."""
    story = make_article(headline="Timnas tiba di Bekasi", body="Latihan pagi.")
    assert found("bekasi") == ["Timnas tiba di Bekasi"]
    story.headline, story.body = "Persib juara", "Pawai di Bandung."
    story.save()
    assert found("bekasi") == [] and found("bandung") == ["Persib juara"]
    Article.objects.filter(pk=story.pk).update(body="Pawai di Cimahi.")
    assert found("cimahi") == ["Persib juara"] and found("bandung") == []
    Article.objects.bulk_create(
        [Article(headline="Banjir di Garut", slug="banjir-di-garut", body="Air naik.")]
    )
    Article.objects.filter(slug="banjir-di-garut").update(
        status=Article.Status.PUBLISHED, published_at=timezone.now()
    )
    assert found("garut") == ["Banjir di Garut"]
    story.delete()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {FTS5_TABLE} WHERE {FTS5_TABLE} MATCH 'cimahi'")
        assert cursor.fetchone() == (0,)


def test_what_the_page_makes_once_is_asked_for_by_name():
    """`made_once(name, make)` keeps the ranking and each page's excerpts by name."""
    make_article(headline="Banjir di Garut", body="Air naik di Garut.")
    kept = {}

    def made_once(name, make):
        if name not in kept:
            kept[name] = make()
        return kept[name]

    for _ in range(2):
        [story] = matching(Article.objects.published(), "garut", made_once=made_once)
        assert story.headline == "Banjir di Garut"
    assert sorted(kept) == [f"excerpts:[{story.pk}]", "ranking"]
