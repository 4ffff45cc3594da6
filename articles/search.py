"""Full-text search over headline and body, on PostgreSQL and (simpler) on SQLite.

PostgreSQL has no Indonesian stemmer, so the `simple` configuration is used: it
lowercases and keeps every word whole, which suits Indonesian, whose affixes
(me-, -kan, -nya) a wrong-language stemmer would mangle. Text and query both go
through `unaccent` (migrations 0003 and 0006), so "Sao Paulo" finds "São Paulo"; the
highlighted text keeps its accents, and a word matched only without them is not
marked. An exact headline match comes first, then stories whose
headline alone matches the whole query, then the rest by rank (headline weighs A,
body B); `ts_headline` marks the matched words. Both backends order alike. On
PostgreSQL the vectors searched are stored in the table (migration 0007, see
`StoredVector`), so a query never parses a story's text except to mark it.

Marked text comes back with START/STOP around each match; `highlight()` escapes
the text and only then turns those two characters into `<mark>` tags.
"""

import re

from django.contrib.postgres.lookups import Unaccent
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db import connections
from django.db.models import Case, Expression, F, Func, IntegerField, Q, TextField, Value, When
from django.db.models.functions import Coalesce, Greatest, Least, Lower, NullIf, StrIndex, Substr
from django.utils.html import escape
from django.utils.safestring import mark_safe

MAX_QUERY_LENGTH = 100
RANK_CANDIDATES = 500
MAX_FALLBACK_WORDS = 8
EXCERPT_LENGTH = 240
EXCERPT_SOURCE_LENGTH = 3000
EXCERPT_LEAD = 400
START, STOP = "\x02", "\x03"
CONFIG = "simple"
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]")


def clean_query(raw):
    """The reader's query as we search it: printable, single-spaced, not too long."""
    return " ".join(_UNPRINTABLE.sub(" ", raw or "").split())[:MAX_QUERY_LENGTH].strip()


def matching(stories, query):
    """`stories` that match `query` (already cleaned), best first, with marked text.

    Each result carries `headline_marked` and `excerpt_marked` for `highlight()`.
    """
    if not query:
        return stories.none()
    exact_headline = Case(
        When(headline__iexact=query, then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    if connections[stories.db].vendor == "postgresql":
        return _postgres_matching(stories, query, exact_headline)
    return _simple_matching(stories, query, exact_headline)


class ImmutableUnaccent(Func):
    """`unaccent` declared immutable (migration 0006), so an index can be built on it."""

    function = "newsroom_unaccent"
    output_field = TextField()


def document_vector():
    """Headline (weight A) and body (B) as one tsvector, as the `search_document` column holds it.

    Migration 0006 indexed this expression; migration 0007 stores its result in a
    column (written out there in SQL, so the two must be kept alike: a test checks it).
    """
    return SearchVector(ImmutableUnaccent("headline"), weight="A", config=CONFIG) + SearchVector(
        ImmutableUnaccent("body"), weight="B", config=CONFIG
    )


def headline_vector():
    """The headline alone as a tsvector, as the `search_headline` column holds it."""
    return SearchVector(ImmutableUnaccent("headline"), config=CONFIG)


class StoredVector(Expression):
    """A tsvector column that PostgreSQL keeps for search and the model does not declare.

    Migration 0007 adds, on PostgreSQL only, `search_document` (`document_vector()`,
    GIN-indexed) and `search_headline` (`headline_vector()`) as generated columns:
    PostgreSQL computes them on every insert and update, so a query reads a stored
    vector instead of parsing the text again. They are not model fields, since
    SQLite has no tsvector and Django must never write them; this expression names
    one in a query, as a column of the story table under whatever alias that query
    gives it (`U0` in a subquery).
    """

    contains_column_references = True

    def __init__(self, column, alias=None):
        super().__init__(output_field=SearchVectorField())
        self.column, self.alias = column, alias

    def resolve_expression(self, query=None, *args, **kwargs):
        return StoredVector(self.column, query.get_initial_alias())

    def relabeled_clone(self, relabels):
        return StoredVector(self.column, relabels.get(self.alias, self.alias))

    def as_sql(self, compiler, connection):
        table, column = compiler.quote_name_unless_alias(self.alias), self.column
        return f"{table}.{connection.ops.quote_name(column)}", []


def _postgres_matching(stories, query, exact_headline):
    """Rank the newest RANK_CANDIDATES matches, plus a story whose headline is the query.

    Ranking reads each candidate's stored vector; a common word matches most of the
    archive, so ranking every match would take seconds. For the newest matches
    PostgreSQL walks the stories newest first and stops at the limit when the word
    is common, or reads the GIN index and sorts when it is rare (ANALYZE keeps the
    statistics it decides by). The exact headline comes through the UPPER(headline)
    index; UNION, unlike OR, lets both candidate lists come from an index instead of
    a scan of every story. The excerpt is marked in `excerpt_source()`, not the whole body.
    """
    search_query = SearchQuery(Unaccent(Value(query)), config=CONFIG, search_type="websearch")
    document = StoredVector("search_document")
    newest_matches = (
        stories.alias(document=document)
        .filter(document=search_query)
        .order_by("-published_at", "-pk")
        .values("pk")[:RANK_CANDIDATES]
    )
    exact_match = stories.filter(headline__iexact=query).order_by().values("pk")
    marks = {"config": CONFIG, "start_sel": START, "stop_sel": STOP}
    return (
        stories.filter(pk__in=newest_matches.union(exact_match))
        .alias(headline_vector=StoredVector("search_headline"))
        .annotate(
            exact_headline=exact_headline,
            headline_hit=Case(
                When(headline_vector=search_query, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            rank=SearchRank(document, search_query),
            headline_marked=SearchHeadline("headline", search_query, highlight_all=True, **marks),
            excerpt_marked=SearchHeadline(
                excerpt_source(query),
                search_query,
                max_words=35,
                min_words=15,
                **marks,
            ),
        )
        .order_by("-exact_headline", "-headline_hit", "-rank", "-published_at", "-pk")
    )


def excerpt_source(query):
    """The stretch of the body that `ts_headline` marks the excerpt in.

    `ts_headline` parses all the text it is given, about 0.1 ms per 1,000 characters
    for each result: a page of 20,000-character stories would spend 40 ms on it,
    more than the rest of the search. It gets EXCERPT_SOURCE_LENGTH characters (all
    of most stories), starting EXCERPT_LEAD characters before the first place one of
    the query's words appears (enough for the words it shows before a match near
    the end), or at the top. The place comes from a plain search in the lowercased
    body, so a word that matches only without its accents, or a query of negated
    words alone, starts at the top.
    """
    words = []
    for token in query.lower().split()[:MAX_FALLBACK_WORDS]:
        word = token.strip("\"'.,;:!?()")
        if word and word != "or" and not token.startswith("-"):
            words.append(word)
    if not words:
        return Substr("body", 1, EXCERPT_SOURCE_LENGTH)
    hits = [NullIf(StrIndex(Lower("body"), Value(word)), Value(0)) for word in words]
    first_hit = Least(*hits) if len(hits) > 1 else hits[0]  # LEAST skips NULLs on PostgreSQL
    start = Greatest(Coalesce(first_hit, Value(1)) - Value(EXCERPT_LEAD), Value(1))
    return Substr("body", start, EXCERPT_SOURCE_LENGTH)


def _simple_matching(stories, query, exact_headline):
    """Every word in the headline or the body; exact and headline matches first."""
    words = query.split()[:MAX_FALLBACK_WORDS]
    every_word = Q()
    in_headline = Q()
    for word in words:
        every_word &= Q(headline__icontains=word) | Q(body__icontains=word)
        in_headline &= Q(headline__icontains=word)
    return (
        stories.filter(every_word)
        .annotate(
            exact_headline=exact_headline,
            headline_hit=Case(
                When(in_headline, then=Value(1)), default=Value(0), output_field=IntegerField()
            ),
            headline_marked=F("headline"),
            excerpt_marked=Substr("body", 1, EXCERPT_LENGTH),
        )
        .order_by("-exact_headline", "-headline_hit", "-published_at", "-pk")
    )


def highlight(marked):
    """Escaped text with START...STOP turned into <mark>...</mark>."""
    html = escape(marked).replace(START, "<mark>").replace(STOP, "</mark>")
    if html.count("<mark>") != html.count("</mark>"):
        html = html.replace("<mark>", "").replace("</mark>", "")
    return mark_safe(html)
