"""Store each story's search vectors on PostgreSQL instead of recomputing them per query.

The GIN index of migration 0006 was built on an expression, so PostgreSQL kept
the tsvector only inside the index: every `@@` check outside a bitmap scan, and
every `ts_rank`, parsed the whole unaccented body again, a few tenths of a
millisecond per story. Two generated columns now hold the vectors search reads:
`search_document` (headline A, body B: `articles.readers.search.document_vector()`) with
the GIN index, and `search_headline` (`headline_vector()`), which orders the
stories whose headline alone matches. They are written out here in SQL, so that
this migration does not change when that code does; a test checks that both
still agree. PostgreSQL computes them on every insert and update (bulk inserts,
admin saves and `loaddata` included). Django does not know the columns, since
SQLite has no tsvector: `articles.readers.search.StoredVector` names them in queries.

An index on UPPER(headline) serves search's exact-headline candidate
(`headline__iexact`) without reading the whole table. ANALYZE gives the planner
element statistics for the stored vector, so it can tell a word found in most
stories (walk the newest stories, stop early) from a rare one (GIN bitmap).

Adding the columns rewrites the table under an exclusive lock: about 45 seconds
at 100,000 stories. Nothing happens on SQLite.
"""

from django.db import migrations

from ._vendor_sql import run_sql_on

HEADLINE = "to_tsvector('simple'::regconfig, COALESCE(newsroom_unaccent(headline), ''))"
DOCUMENT = f"""setweight({HEADLINE}, 'A')
    || setweight(to_tsvector('simple'::regconfig, COALESCE(newsroom_unaccent(body), '')), 'B')"""
FORWARD = [
    "DROP INDEX IF EXISTS article_search_document",
    f"""ALTER TABLE articles_article
        ADD COLUMN search_document tsvector GENERATED ALWAYS AS ({DOCUMENT}) STORED,
        ADD COLUMN search_headline tsvector GENERATED ALWAYS AS ({HEADLINE}) STORED""",
    "CREATE INDEX article_search_document ON articles_article USING gin (search_document)",
    "CREATE INDEX article_headline_upper ON articles_article (UPPER(headline))",
    "ANALYZE articles_article",
]
BACKWARD = [
    "DROP INDEX IF EXISTS article_headline_upper",
    """ALTER TABLE articles_article
        DROP COLUMN IF EXISTS search_document, DROP COLUMN IF EXISTS search_headline""",
    f"CREATE INDEX article_search_document ON articles_article USING gin (({DOCUMENT}))",
]


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_search_index")]

    operations = [run_sql_on("postgresql", FORWARD, BACKWARD)]
