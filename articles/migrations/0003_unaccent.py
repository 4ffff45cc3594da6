"""PostgreSQL's `unaccent`, so that search finds "Sao Paulo" in "São Paulo".

A trusted extension since PostgreSQL 13: the database owner may create it.
Nothing happens on SQLite.
"""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_editorial_roles")]

    operations = [UnaccentExtension()]
