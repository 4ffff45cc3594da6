"""`manage.py check` fails on a Django other than the one the code that reads Django's
internals (`articles.readers.precompiled`) was written for."""

import django
import pytest
from django.core import checks as django_checks


def compatibility_errors():
    found = django_checks.run_checks(tags=[django_checks.Tags.compatibility])
    return [message for message in found if message.id.startswith("articles.")]


def test_the_django_it_was_written_for_passes():
    assert django.VERSION[:2] == (5, 2)
    assert compatibility_errors() == []


@pytest.mark.parametrize("version", [(5, 1, 4, "final", 0), (6, 0, 0, "alpha", 0)])
def test_another_django_is_an_error_that_names_the_reason(monkeypatch, version):
    monkeypatch.setattr(django, "VERSION", version)
    [error] = compatibility_errors()
    assert error.id == "articles.E001" and error.level == django_checks.ERROR
    running = f"{version[0]}.{version[1]}"
    assert "precompiled" in error.msg and f"bukan {running}" in error.msg
    assert "WRITTEN_FOR" in error.hint
