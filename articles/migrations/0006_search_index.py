"""A GIN index for full-text search on PostgreSQL, so search stays fast as the archive grows.

`unaccent()` is only STABLE (it reads a dictionary), and PostgreSQL indexes
immutable expressions only; `newsroom_unaccent()` pins the dictionary and is
declared IMMUTABLE, the usual way to index unaccented text. The index is built
from `articles.readers.search.document_vector()`, the expression search filters on.
Nothing happens on SQLite.
"""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

INDEX_NAME = "article_search_document"
CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION newsroom_unaccent(text) RETURNS text
AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
"""


def search_index():
    from articles.readers.search import document_vector

    return GinIndex(document_vector(), name=INDEX_NAME)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION)
    schema_editor.add_index(apps.get_model("articles", "Article"), search_index())


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.remove_index(apps.get_model("articles", "Article"), search_index())
    schema_editor.execute("DROP FUNCTION IF EXISTS newsroom_unaccent(text)")


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_view_batches")]

    operations = [migrations.RunPython(create_index, drop_index)]
