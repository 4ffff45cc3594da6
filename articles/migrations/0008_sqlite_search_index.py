"""A full-text index for search on SQLite (FTS5), as PostgreSQL has had since 0006.

Without it, search on SQLite read every story's text with LIKE for every new
query: 0.3-0.5 s at 100,000 stories with the file in memory, 1.6 s and more when
it is not; it also matched parts of words, knew no accents, and read `-word` as
text to find. `article_search` is an FTS5 table over headline and body that
keeps no copy of them (`content=`): triggers write it on every insert, update
and delete (bulk inserts, admin saves and `loaddata` included), and the
`unicode61` tokenizer folds case and accents as PostgreSQL's `unaccent` does.
An index on UPPER(headline) serves the exact-headline candidate, as on PostgreSQL.

Django rebuilds an SQLite table for some later changes to it (copy, drop,
rename), which would drop these triggers and that index: a migration that
alters `articles_article` must run this one's statements again (the search
tests fail otherwise). Nothing happens on PostgreSQL. Indexing 100,000 stories
takes about 13 seconds.
"""

from django.db import migrations

from ._vendor_sql import run_sql_on

COLUMNS = "headline, body"
FORWARD = [
    f"""CREATE VIRTUAL TABLE article_search USING fts5({COLUMNS},
        content='articles_article', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER article_search_insert AFTER INSERT ON articles_article BEGIN
        INSERT INTO article_search(rowid, {COLUMNS}) VALUES (new.id, new.headline, new.body);
    END""",
    f"""CREATE TRIGGER article_search_delete AFTER DELETE ON articles_article BEGIN
        INSERT INTO article_search(article_search, rowid, {COLUMNS})
        VALUES ('delete', old.id, old.headline, old.body);
    END""",
    f"""CREATE TRIGGER article_search_update AFTER UPDATE OF {COLUMNS} ON articles_article BEGIN
        INSERT INTO article_search(article_search, rowid, {COLUMNS})
        VALUES ('delete', old.id, old.headline, old.body);
        INSERT INTO article_search(rowid, {COLUMNS}) VALUES (new.id, new.headline, new.body);
    END""",
    "INSERT INTO article_search(article_search) VALUES ('rebuild')",
    "CREATE INDEX article_headline_upper ON articles_article (UPPER(headline))",
]
BACKWARD = [
    "DROP INDEX IF EXISTS article_headline_upper",
    "DROP TRIGGER IF EXISTS article_search_insert",
    "DROP TRIGGER IF EXISTS article_search_delete",
    "DROP TRIGGER IF EXISTS article_search_update",
    "DROP TABLE IF EXISTS article_search",
]


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_stored_search_document")]

    operations = [run_sql_on("sqlite", FORWARD, BACKWARD)]
