"""Full-text search over headline and body, on PostgreSQL and (simpler) on SQLite.

PostgreSQL has no Indonesian stemmer, so the `simple` configuration is used: it
lowercases and keeps every word whole, which suits Indonesian, whose affixes
(me-, -kan, -nya) a wrong-language stemmer would mangle. Text and query both go
through `unaccent` (migrations 0003 and 0006), so "Sao Paulo" finds "São Paulo"; the
highlighted text keeps its accents, and a word matched only without them is not
marked. An exact headline match comes first, then stories whose
headline alone matches the whole query, then the rest by rank (headline weighs A,
body B); `ts_headline` marks the matched words. Both backends order alike.

Marked text comes back with START/STOP around each match; `highlight()` escapes
the text and only then turns those two characters into `<mark>` tags.
"""

import re

from django.contrib.postgres.lookups import Unaccent
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import Case, F, Func, IntegerField, Q, Subquery, TextField, Value, When
from django.db.models.functions import Substr
from django.utils.html import escape
from django.utils.safestring import mark_safe

MAX_QUERY_LENGTH = 100
RANK_CANDIDATES = 500
MAX_FALLBACK_WORDS = 8
EXCERPT_LENGTH = 240
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
    """Headline (weight A) and body (B) as one tsvector: the expression the GIN index holds.

    The index (migration 0006) is built from this very expression, so PostgreSQL
    uses it for `@@` instead of reading every story.
    """
    return SearchVector(ImmutableUnaccent("headline"), weight="A", config=CONFIG) + SearchVector(
        ImmutableUnaccent("body"), weight="B", config=CONFIG
    )


def _postgres_matching(stories, query, exact_headline):
    """Match through the GIN index, then rank only the newest RANK_CANDIDATES matches.

    Ranking reads every matching story's text; a common word matches tens of
    thousands of stories, so ranking them all would take seconds. A story whose
    headline is exactly the query is always a candidate.
    """
    search_query = SearchQuery(Unaccent(Value(query)), config=CONFIG, search_type="websearch")
    headline_vector = SearchVector(ImmutableUnaccent("headline"), config=CONFIG)
    vector = document_vector()
    newest_matches = (
        stories.annotate(search_vector=vector)
        .filter(search_vector=search_query)
        .order_by("-published_at", "-pk")
        .values("pk")[:RANK_CANDIDATES]
    )
    marks = {"config": CONFIG, "start_sel": START, "stop_sel": STOP}
    return (
        stories.filter(Q(pk__in=Subquery(newest_matches)) | Q(headline__iexact=query))
        .annotate(headline_vector=headline_vector)
        .annotate(
            exact_headline=exact_headline,
            headline_hit=Case(
                When(headline_vector=search_query, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            rank=SearchRank(vector, search_query),
            headline_marked=SearchHeadline("headline", search_query, highlight_all=True, **marks),
            excerpt_marked=SearchHeadline(
                "body", search_query, max_words=35, min_words=15, **marks
            ),
        )
        .order_by("-exact_headline", "-headline_hit", "-rank", "-published_at", "-pk")
    )


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
