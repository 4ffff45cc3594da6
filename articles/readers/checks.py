"""System checks of the readers' wing: code written against Django's internals is
tied to the Django version it was written and measured for.

`precompiled` compiles a queryset once and turns the raw rows into instances itself,
through the SQL compiler (`get_compiler`, `klass_info`, `select`, `results_iter`) and
`get_related_populators`: none of it is public API, and any of it may change in a
new Django release without notice. On another version the check fails until that
code is read again against it (and the version here moved on).
"""

import django
from django.core import checks

WRITTEN_FOR = (5, 2)  # the Django version `precompiled` was written and tested against


@checks.register(checks.Tags.compatibility)
def check_django_internals(app_configs, **kwargs):
    """An error on a Django other than `WRITTEN_FOR`, naming what depends on it."""
    if django.VERSION[:2] == WRITTEN_FOR:
        return []
    running = ".".join(map(str, django.VERSION[:2]))
    written_for = ".".join(map(str, WRITTEN_FOR))
    return [
        checks.Error(
            f"articles.readers.precompiled ditulis untuk Django {written_for}, bukan "
            f"{running}: ia memakai bagian dalam Django (compiler SQL: klass_info, "
            "select, results_iter; get_related_populators) yang bisa berubah tanpa "
            "pemberitahuan di versi lain.",
            hint=(
                "Baca ulang precompiled.py terhadap versi ini, jalankan "
                "tests/test_reader_precompiled.py dan tests/test_query_plans.py, lalu "
                "ubah WRITTEN_FOR di articles/readers/checks.py."
            ),
            id="articles.E001",
        )
    ]
