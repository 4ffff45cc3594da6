"""SQL that only one database runs (Django's loader skips this module: its name starts with _)."""

from django.db import migrations


def run_sql_on(vendor, forward, backward):
    """An operation running the `forward` statements on `vendor` (`backward` to reverse)."""

    def run(statements):
        def operation(apps, schema_editor):
            if schema_editor.connection.vendor == vendor:
                for sql in statements:
                    schema_editor.execute(sql)

        return operation

    return migrations.RunPython(run(forward), run(backward))
