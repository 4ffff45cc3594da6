"""Full-text search over headline and body, on PostgreSQL and on SQLite, alike.

The reader's query is read as a web search: every word must match, "quoted
words" as a phrase, `a or b` either, `-word` not. Words match whole, whatever
their case or accents ("Sao Paulo" finds "São Paulo"). An exact headline match
comes first, then stories whose headline alone matches the whole query, then the
rest by relevance (headline above body), newest first among equals; only the
newest RANK_CANDIDATES matches are ranked, so a common word costs no more than
a rare one.

PostgreSQL has no Indonesian stemmer, so the `simple` configuration is used: it
lowercases and keeps every word whole, which suits Indonesian, whose affixes
(me-, -kan, -nya) a wrong-language stemmer would mangle. Text and query both go
through `unaccent` (migrations 0003 and 0006), and the vectors searched are
stored in the table (migration 0007, see `StoredVector`), so a query never
parses a story's text. SQLite uses its FTS5 index (migration 0008), whose
tokenizer folds case and accents alike; `fts5_query()` writes the query for it.

The words found are marked here in Python, alike for both backends, on the
headline and on a short stretch of the body around the first match: PostgreSQL's
`ts_headline` parses the text again and cost more than the rest of a page.
Marked text has START/STOP around each match; `highlight()` escapes the text and
only then turns those two characters into `<mark>` tags.
"""

import logging
import re
import unicodedata
from contextlib import contextmanager
from itertools import islice

from django.conf import settings
from django.contrib.postgres.lookups import Unaccent
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db import OperationalError, connections, transaction
from django.db.models import (
    BooleanField,
    Case,
    Expression,
    Func,
    IntegerField,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Upper
from django.db.models.lookups import Exact
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .. import text

MAX_QUERY_LENGTH = 100
RANK_CANDIDATES = 500
MAX_MARKED_TERMS = 8  # of the query, marked in its results
FTS5_TABLE = "article_search"  # SQLite's index of headline and body (migration 0008)
TS_RANK_HEADLINE_WEIGHT = 2.5  # ts_rank's default weights: A (headline) 1.0, B (body) 0.4
EXCERPT_WORDS = 32
EXCERPT_WORDS_BEFORE = 6
EXCERPT_LOOKBEHIND = 200  # characters: more than EXCERPT_WORDS_BEFORE words
START, STOP = "\x02", "\x03"
ELLIPSIS = "…"
CONFIG = "simple"
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]")
_WORD = re.compile(r"\w+")
_TERM = re.compile(r'(-?)(?:"([^"]*)"?|(\S+))')  # -? then "quoted words" or a bare term
_FTS5_MATCHES = f"SELECT rowid FROM {FTS5_TABLE} WHERE {FTS5_TABLE} MATCH %s"

logger = logging.getLogger(__name__)


QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE for a statement_timeout


class TooSlow(Exception):
    """The ranking ran past SEARCH_TIMEOUT_MS and was stopped."""


def clean_query(raw):
    """The reader's query as we search it: printable, single-spaced, not too long."""
    return " ".join(_UNPRINTABLE.sub(" ", raw or "").split())[:MAX_QUERY_LENGTH].strip()


def matching(stories, query, made_once=None):
    """`stories` that match `query` (already cleaned), best first, with marked text.

    `made_once(name, make)` returns what `make()` returns, or what it returned for the
    same name before: the search page shares the ranking and the excerpts between
    readers until the next purge.
    """
    made_once = made_once or made_now
    ranked_ids = made_once("ranking", lambda: ranked(stories, query)) if query else []
    return Results(stories, query, ranked_ids, made_once)


def ranked(stories, query):
    """`ranking()`'s ids as a list; on PostgreSQL, TooSlow past SEARCH_TIMEOUT_MS.

    Most queries rank in milliseconds, but one whose words rarely meet (or cancel
    out: `banjir -banjir`) walks every story: about a second at 100,000 stories,
    longer with a cold cache, and a reader can send as many as they like. SQLite
    has no such limit; its index answers those in milliseconds.
    """
    milliseconds = settings.SEARCH_TIMEOUT_MS
    if connections[stories.db].vendor != "postgresql" or not milliseconds:
        return list(ranking(stories, query))
    try:
        with statement_timeout(stories.db, milliseconds):
            return list(ranking(stories, query))
    except TooSlow:
        logger.warning("Search for %r stopped after %s ms", query, milliseconds)
        raise


@contextmanager
def statement_timeout(using, milliseconds):
    """PostgreSQL stops the queries run inside after `milliseconds`; TooSlow is raised.

    The limit is set for this transaction only, and put back when the block ends
    well, since inside an outer transaction it would outlast the block.
    """
    connection = connections[using]
    try:
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('statement_timeout'), "
                "set_config('statement_timeout', %s, true)",
                [str(milliseconds)],
            )
            previous = cursor.fetchone()[0]
            yield
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) == QUERY_CANCELED:
            raise TooSlow from error
        raise


def ranking(stories, query):
    """The ids of `stories` matching `query`, best first (a lazy query on PostgreSQL):
    the newest RANK_CANDIDATES matches, ranked, and an exact headline beyond them. A
    query that only names words to leave out (`-jakarta`) finds nothing, as on web
    search engines."""
    if not sought_words(query):
        return []
    if connections[stories.db].vendor == "postgresql":
        return _postgres_ranking(stories, query).values_list("pk", flat=True)
    return _sqlite_ranking(stories, query)


class Results:
    """Search results as a paginator reads them: ranked once, marked a page at a time.

    Each story carries `headline_marked` and `excerpt_marked` for `highlight()`.
    The rows are read afresh, so a story no longer in `stories` (withdrawn since it
    was ranked) is left out and a new headline shows at once. An excerpt follows from
    the query and the body alone, so `made_once(name, make)` may keep the excerpts as the
    ranking is kept (the search page shares both between purges): the bodies are
    then neither read nor searched again.
    """

    ordered = True

    def __init__(self, stories, query, ranked_ids, made_once=None):
        self.stories, self.query, self.ranked_ids = stories, query, ranked_ids
        self.made_once = made_once or made_now

    def __getitem__(self, window):
        ids = self.ranked_ids[window]
        marker = Marker(self.query)
        excerpts = self.made_once(f"excerpts:{ids}", lambda: self.excerpts(ids, marker))
        stories = self.stories.in_order(ids)
        for story in stories:
            story.headline_marked = marker.marked(story.headline_here)
            story.excerpt_marked = excerpts[story.pk]
        return stories

    def __iter__(self):
        return iter(self[:])

    def excerpts(self, ids, marker):
        """{id: marked excerpt} for these stories, whatever their state."""
        bodies = self.stories.model._default_manager.filter(pk__in=ids).values_list("pk", "body")
        return {pk: marker.excerpt("\n\n".join(text.text_paragraphs(body))) for pk, body in bodies}


def made_now(name, make):
    """A `made_once` that keeps nothing: `make()` every time."""
    return make()


def _terms(query):
    """The query's terms as a web search reads them: (negated, words) each, None for OR."""
    for minus, quoted, bare in _TERM.findall(query):
        if not minus and bare.lower() == "or":
            yield None
        else:
            yield bool(minus), _WORD.findall(quoted or bare)


def sought_words(query, limit=None):
    """The words the query asks for, lowercased: not the negated ones, nor OR;
    those of its first `limit` terms when a limit is given."""
    words = []
    for term in islice(_terms(query.lower()), limit):
        if term is not None and not term[0]:
            words.extend(term[1])
    return words


def _folded(word):
    """A word as search compares it: lowercased, without accents ("São" is "sao")."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


class Marker:
    """Marks the words a query asks for in the text of its results, with START/STOP:
    whole words, whatever their case or accents ("sao" marks "São")."""

    def __init__(self, query):
        sought = sought_words(query, MAX_MARKED_TERMS)
        self.folded = {_folded(word) for word in sought}
        self.anywhere = _any_of(set(sought) | self.folded)
        self.ascii_word = re.compile(rf"\b(?:{_any_of(self.folded).pattern})\b", re.IGNORECASE)

    def marked(self, text):
        if text.isascii():  # most text: one regular expression does it
            return self.ascii_word.sub(f"{START}\\g<0>{STOP}", text)
        return _WORD.sub(
            lambda word: f"{START}{word[0]}{STOP}" if _folded(word[0]) in self.folded else word[0],
            text,
        )

    def excerpt(self, body):
        """EXCERPT_WORDS of `body`, marked, from a few words before the first word that
        holds a sought word (the top when none does: a negated word, a word matched
        only without its accents). It starts with the sentence that holds the word when
        that begins within those few words; an ellipsis stands for text left out."""
        hit = self.anywhere.search(body)
        at = hit.start() if hit else 0
        start = max(at - EXCERPT_LOOKBEHIND, 0)
        before = [word.span() for word in _WORD.finditer(body, start, at)]
        if before and before[-1][1] == at:
            at = before.pop()[0]  # the hit is inside a word: start with that word
        if start > 0:
            before = before[1:]  # it may be the end of a word cut by `start`
        starts = [span[0] for span in before[-EXCERPT_WORDS_BEFORE:]] + [at]
        sentences = (_sentence_start(body, index) for index in reversed(starts))
        sentence = next((index for index in sentences if index is not None), None)
        begin, opening = (starts[0], f"{ELLIPSIS} ") if sentence is None else (sentence, "")
        words = list(islice(_WORD.finditer(body, begin), EXCERPT_WORDS + 1))
        cut = len(words) > EXCERPT_WORDS
        stop = words[EXCERPT_WORDS - 1].end() if cut else len(body)
        return f"{opening}{self.marked(body[begin:stop].strip())}{ELLIPSIS if cut else ''}"


def _sentence_start(text, index):
    """Where the sentence that the word at `index` opens begins (with its opening quote),
    or None when the word opens none: the text's first word, or one after . ! or ?"""
    begin = index
    while begin > 0 and text[begin - 1] in "\"'(“‘":
        begin -= 1
    before = text[max(begin - 4, 0) : begin].rstrip().rstrip("\"')”’")
    return begin if begin == 0 or before.endswith((".", "!", "?")) else None


def _any_of(words):
    """A case-blind pattern for any of `words`, longest first; for none, one that never matches."""
    longest_first = sorted(map(re.escape, words), key=len, reverse=True)
    return re.compile("|".join(longest_first) or "(?!)", re.IGNORECASE)


def _search_query(query):
    return SearchQuery(Unaccent(Value(query)), config=CONFIG, search_type="websearch")


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


class OnTheStoryRow(Expression):
    """SQL about the story row a query is at, under whatever alias that query gives
    the story table (`U0` in a subquery)."""

    contains_column_references = True
    alias = None

    def resolve_expression(self, query=None, *args, **kwargs):
        return self.under(query.get_initial_alias())

    def relabeled_clone(self, relabels):
        return self.under(relabels.get(self.alias, self.alias))

    def under(self, alias):
        clone = self.copy()
        clone.alias = alias
        return clone

    def column_sql(self, compiler, connection, column):
        table = compiler.quote_name_unless_alias(self.alias)
        return f"{table}.{connection.ops.quote_name(column)}"


class StoredVector(OnTheStoryRow):
    """A tsvector column that PostgreSQL keeps for search and the model does not declare.

    Migration 0007 adds, on PostgreSQL only, `search_document` (`document_vector()`,
    GIN-indexed) and `search_headline` (`headline_vector()`) as generated columns:
    PostgreSQL computes them on every insert and update, so a query reads a stored
    vector instead of parsing the text again. They are not model fields, since
    SQLite has no tsvector and Django must never write them; this expression names
    one in a query.
    """

    output_field = SearchVectorField()

    def __init__(self, column):
        super().__init__()
        self.column = column

    def as_sql(self, compiler, connection):
        return self.column_sql(compiler, connection, self.column), []


def _postgres_ranking(stories, query):
    """Rank the newest RANK_CANDIDATES matches, plus a story whose headline is the query.

    Ranking reads each candidate's stored vector; a common word matches most of the
    archive, so ranking every match would take seconds. For the newest matches
    PostgreSQL walks the stories newest first and stops at the limit when the word
    is common, or reads the GIN index and sorts when it is rare (ANALYZE keeps the
    statistics it decides by). The exact headline comes through the UPPER(headline)
    index; UNION, unlike OR, lets both candidate lists come from an index instead of
    a scan of every story.
    """
    search_query = _search_query(query)
    document = StoredVector("search_document")
    newest_matches = (
        stories.alias(document=document)
        .filter(document=search_query)
        .order_by("-published_at", "-pk")
        .values("pk")[:RANK_CANDIDATES]
    )
    exact_match = stories.filter(headline__iexact=query).order_by().values("pk")
    return (
        stories.filter(pk__in=newest_matches.union(exact_match))
        .alias(
            headline_vector=StoredVector("search_headline"),
            exact_headline=Case(
                When(headline__iexact=query, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            headline_hit=Case(
                When(headline_vector=search_query, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            rank=SearchRank(document, search_query),
        )
        .order_by("-exact_headline", "-headline_hit", "-rank", "-published_at", "-pk")
    )


def _sqlite_ranking(stories, query):
    """As `_postgres_ranking()`, from SQLite's FTS5 index (migration 0008), in one
    statement: FTS5's bm25 ranks, weighing the headline as ts_rank weighs A against B.

    Each step is kept to the candidates, as bm25 costs a full pass over its words'
    entries per query it runs in: the newest matches walk the stories' publication
    index (the unary + keeps SQLite from reading every match's row instead), and
    the candidates are scored in one FTS5 query, not one per story. At 100,000
    stories a word found in most of them ranks in 45-90 ms.
    """
    expression = fts5_query(query)
    newest_matches = (
        stories.filter(Fts5Match(expression))
        .order_by("-published_at", "-pk")
        .values("pk")[:RANK_CANDIDATES]
    )
    exact_match = Exact(Upper("headline"), Upper(Value(query)))  # the UPPER(headline) index
    candidates, params = (
        stories.filter(Q(pk__in=newest_matches) | Q(exact_match))
        .order_by()
        .values("pk")
        .query.sql_with_params()
    )
    story_table = stories.model._meta.db_table
    with connections[stories.db].cursor() as cursor:
        cursor.execute(
            f"""WITH candidate(id) AS MATERIALIZED ({candidates}),
            scored AS MATERIALIZED (
                SELECT rowid AS id, bm25({FTS5_TABLE}, {TS_RANK_HEADLINE_WEIGHT}, 1.0) AS score
                FROM {FTS5_TABLE} WHERE {FTS5_TABLE} MATCH %s AND +rowid IN candidate
            )
            SELECT story.id FROM candidate
            JOIN {story_table} story ON story.id = candidate.id
            LEFT JOIN scored ON scored.id = story.id
            ORDER BY UPPER(story.headline) = UPPER(%s) DESC,
                +story.id IN ({_FTS5_MATCHES}) DESC,
                scored.score, story.published_at DESC, story.id DESC""",
            [*params, expression, query, f"headline : ({expression})"],
        )
        return [story_id for (story_id,) in cursor.fetchall()]


class Fts5Match(OnTheStoryRow):
    """SQLite: the story matches the FTS5 `expression`. The unary + keeps SQLite from
    driving the query from every match's row when it should walk an index instead."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, expression):
        super().__init__()
        self.expression = expression

    def as_sql(self, compiler, connection):
        story_id = self.column_sql(compiler, connection, "id")
        return f"+{story_id} IN ({_FTS5_MATCHES})", [self.expression]


def fts5_query(query):
    """The reader's query in FTS5's syntax, meaning what PostgreSQL's web-search syntax
    means; empty when it asks for no word. Each term becomes a quoted phrase of its
    words, so nothing the reader types is read as FTS5 syntax."""
    groups, negated, either = [], [], False
    for term in _terms(query):
        if term is None:
            either = bool(groups)
            continue
        minus, words = term
        if not words:
            continue
        phrase = f'"{" ".join(words)}"'
        if minus:
            negated.append(phrase)
        elif either:
            groups[-1].append(phrase)
        else:
            groups.append([phrase])
        either = False
    expression = " AND ".join(f"({' OR '.join(group)})" for group in groups)
    for phrase in negated if groups else ():
        expression = f"({expression}) NOT {phrase}"
    return expression


def highlight(marked):
    """Escaped text with START...STOP turned into <mark>...</mark>."""
    html = escape(marked).replace(START, "<mark>").replace(STOP, "</mark>")
    if html.count("<mark>") != html.count("</mark>"):
        html = html.replace("<mark>", "").replace("</mark>", "")
    return mark_safe(html)
