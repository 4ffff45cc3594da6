"""`manage.py check --deploy` warns of a Redis that would lose buffered views on restart."""

import pytest
from django.core import checks as django_checks
from redis.exceptions import ResponseError

from articles.delivery import checks
from articles.delivery.readership import redis_client


def deploy_warnings():
    found = django_checks.run_checks(tags=["caches"], include_deployment_checks=True)
    return [message.id for message in found if message.id.startswith("articles.")]


class FakeRedis:
    def __init__(self, answer):
        self.answer = answer

    def config_get(self, name):
        if isinstance(self.answer, Exception):
            raise self.answer
        return {name: self.answer}


@pytest.mark.parametrize(
    ("answer", "warned"),
    [
        ("no", ["articles.W001"]),
        ("yes", []),
        (ResponseError("unknown command 'CONFIG'"), []),  # managed Redis: nothing to say
    ],
)
def test_a_redis_without_appendonly_is_warned_of_when_it_says_so(monkeypatch, answer, warned):
    monkeypatch.setattr(checks, "redis_client", lambda: FakeRedis(answer))
    assert deploy_warnings() == warned


def test_the_real_redis_is_read_as_it_is_configured(redis_cache):
    appendonly = redis_client().config_get("appendonly")["appendonly"]
    assert deploy_warnings() == (["articles.W001"] if appendonly == "no" else [])


def test_no_warning_without_redis_or_when_it_cannot_be_reached(settings):
    assert deploy_warnings() == []  # the tests' local-memory cache
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2},
        }
    }
    assert deploy_warnings() == []
