"""Accounts and the admin: brute-force lockout, sessions, CSRF, admin path, security headers."""

import os
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from newsroom.security import client_address
from tests.factories import make_article

pytestmark = pytest.mark.django_db

PASSWORD = "kopi-tubruk-priangan-2026"


@pytest.fixture
def editor_user(django_user_model):
    return django_user_model.objects.create_user("redaktur", password=PASSWORD, is_staff=True)


def log_in(client, username, password, address):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
    )


def production_settings(*names, **env):
    """The named settings as the real settings module computes them from `env`."""
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "HTTPS", "ADMIN_URL"}}
    environment.update(
        {"SECRET_KEY": "x" * 50, "DJANGO_SETTINGS_MODULE": "newsroom.settings", **env}
    )
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "from django.urls import reverse; "
        f"print(repr([getattr(settings, n) if n.isupper() else eval(n) for n in {list(names)!r}]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    # The last line: logs go to stdout too (the app's start-up may log before it).
    return eval(result.stdout.splitlines()[-1])  # noqa: S307 - our own repr() of plain values


class TestLoginLockout:
    def test_a_correct_password_logs_in(self, client, editor_user):
        assert log_in(client, "redaktur", PASSWORD, "10.0.0.1").status_code == 302

    def test_an_account_is_locked_for_the_address_that_failed_five_times(self, client, editor_user):
        statuses = [
            log_in(client, "redaktur", "salah", "10.0.1.1").status_code
            for _ in range(settings.AXES_FAILURE_LIMIT)
        ]
        # The login form with its error, until the failure that reaches the limit.
        assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]

        locked = log_in(client, "redaktur", PASSWORD, "10.0.1.1")

        assert locked.status_code == 429
        assert "Terlalu banyak percobaan masuk" in locked.content.decode()
        assert "setelah 15 menit" in locked.content.decode()
        assert reverse("admin_password_reset") in locked.content.decode()
        assert "_auth_user_id" not in client.session
        # The editor, elsewhere, still logs in.
        assert log_in(Client(), "redaktur", PASSWORD, "10.0.2.1").status_code == 302

    def test_failures_from_many_addresses_do_not_lock_the_editor_out(self, editor_user):
        for number in range(3 * settings.AXES_FAILURE_LIMIT):
            log_in(Client(), "redaktur", "salah", f"10.0.3.{number}")

        assert log_in(Client(), "redaktur", PASSWORD, "10.0.3.200").status_code == 302

    def test_failures_on_other_accounts_do_not_lock_out_a_colleague_at_the_same_address(
        self, client, editor_user
    ):
        for number in range(settings.AXES_FAILURE_LIMIT):
            log_in(client, f"tebakan{number}", "salah", "10.0.3.1")

        assert log_in(client, "redaktur", PASSWORD, "10.0.3.1").status_code == 302

    def test_fewer_failures_than_the_limit_do_not_lock(self, client, editor_user):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            log_in(client, "redaktur", "salah", "10.0.4.1")

        assert log_in(client, "redaktur", PASSWORD, "10.0.4.1").status_code == 302

    def test_the_lock_opens_after_the_cool_off(self, client, editor_user):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            log_in(client, "redaktur", "salah", "10.0.5.1")
        assert log_in(client, "redaktur", PASSWORD, "10.0.5.1").status_code == 429

        AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

        assert log_in(client, "redaktur", PASSWORD, "10.0.5.1").status_code == 302

    def test_behind_our_proxies_each_reader_has_their_own_address(
        self, client, editor_user, settings
    ):
        settings.TRUSTED_PROXIES = ["10.0.0.0/24"]

        def through_the_proxies(forwarded, password):
            return Client().post(
                reverse("admin:login"),
                {"username": "redaktur", "password": password},
                REMOTE_ADDR="10.0.0.6",  # the edge, reached through the load balancer
                HTTP_X_FORWARDED_FOR=f"{forwarded}, 10.0.0.5",
            )

        for number in range(settings.AXES_FAILURE_LIMIT):
            through_the_proxies(f"10.9.9.{number}, 203.0.113.7", "salah")  # first part forged

        counted = AccessAttempt.objects.values_list("ip_address", flat=True).distinct()
        assert list(counted) == ["203.0.113.7"]
        assert through_the_proxies("203.0.113.7", PASSWORD).status_code == 429
        # Another reader behind the same proxies is not locked out.
        assert through_the_proxies("198.51.100.2", PASSWORD).status_code == 302

    def test_logins_made_by_code_are_not_throttled(self, client, editor_user):
        assert client.login(username="redaktur", password=PASSWORD)


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),  # not from our proxy: its header is ignored
        ("10.0.0.5", "", "10.0.0.5"),
        ("10.0.0.5", "203.0.113.7", "203.0.113.7"),
        ("10.0.0.5", "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # the left part is forged
        ("10.0.0.5", "203.0.113.7, 10.0.0.9", "203.0.113.7"),  # two of our proxies
        ("127.0.0.1", "203.0.113.7,127.0.0.1", "203.0.113.7"),  # an edge behind local TLS
        ("10.0.0.5", "not-an-address, 10.0.0.9", "10.0.0.9"),
        ("10.0.0.5", "2001:db8::1", "2001:db8::1"),
        ("::ffff:10.0.0.5", "203.0.113.7", "203.0.113.7"),
        ("", "203.0.113.7", "203.0.113.7"),  # a Unix socket: a proxy on this machine
    ],
)
def test_the_readers_address_is_believed_only_from_our_own_proxies(
    rf, settings, remote, forwarded, client
):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "127.0.0.0/8"]
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)

    assert client_address(request) == client


def test_sessions_expire_after_a_shift_and_when_the_browser_closes(client, editor_user):
    log_in(client, "redaktur", PASSWORD, "10.0.6.1")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]

    assert cookie["expires"] == "" and cookie["max-age"] == ""  # gone when the browser closes
    assert cookie["httponly"]
    assert client.session.get_expiry_age() == 8 * 60 * 60
    assert client.get(reverse("admin:index")).status_code == 200

    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))

    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", ""])
def test_a_login_without_a_safe_next_lands_on_the_desk(client, editor_user, next_url):
    response = client.post(
        reverse("admin:login"),
        {"username": "redaktur", "password": PASSWORD, "next": next_url},
        REMOTE_ADDR="10.0.6.2",
    )

    assert response.status_code == 302 and response["Location"] == reverse("admin:index")


INLINE_CODE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=", re.I)


def assert_strict_page(response):
    """Served under the site's CSP, with no inline script or style for it to refuse."""
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert not INLINE_CODE.search(response.content.decode())


class TestPasswordReset:
    NEW_PASSWORD = "sambal-dadak-garut-2027"

    def test_the_login_page_links_to_a_reset_by_email(self, client):
        html = client.get(reverse("admin:login")).content.decode()

        assert f'<a href="{reverse("admin_password_reset")}">Lupa kredensial masuk?</a>' in html

    def test_a_locked_out_editor_sets_a_new_password_through_the_emailed_link(
        self, client, editor_user, mailoutbox
    ):
        editor_user.email = "redaktur@zonapriangan.test"
        editor_user.save()
        for _ in range(settings.AXES_FAILURE_LIMIT):
            log_in(Client(), "redaktur", "salah", "10.0.8.1")

        form = client.get(reverse("admin_password_reset"))
        assert_strict_page(form)
        assert "Setel ulang sandi | Redaksi Zona Priangan" in form.content.decode()
        sent = client.post(reverse("admin_password_reset"), {"email": editor_user.email})
        assert sent["Location"] == reverse("password_reset_done")
        assert_strict_page(client.get(sent["Location"]))

        (message,) = mailoutbox
        assert message.to == [editor_user.email]
        assert message.from_email == settings.DEFAULT_FROM_EMAIL
        assert "redaktur" in message.body  # the username too, in case it was forgotten
        link = re.search(r"http://testserver(/\S+)", message.body)[1]
        choose = client.get(link, follow=True)
        assert_strict_page(choose)
        done = client.post(
            choose.redirect_chain[-1][0],
            {"new_password1": self.NEW_PASSWORD, "new_password2": self.NEW_PASSWORD},
        )
        assert done["Location"] == reverse("password_reset_complete")
        complete = client.get(done["Location"])
        assert_strict_page(complete)
        assert f'href="{reverse("admin:login")}"' in complete.content.decode()

        # The lockout is lifted for the account's owner, who now knows the password.
        assert log_in(Client(), "redaktur", self.NEW_PASSWORD, "10.0.8.1").status_code == 302

    def test_an_unknown_address_gets_the_same_answer_and_no_mail(self, client, mailoutbox):
        sent = client.post(reverse("admin_password_reset"), {"email": "siapa@contoh.test"})

        assert sent["Location"] == reverse("password_reset_done")
        assert mailoutbox == []


class TestCsrf:
    def test_admin_login_without_a_token_is_refused(self, editor_user):
        client = Client(enforce_csrf_checks=True)

        assert log_in(client, "redaktur", PASSWORD, "10.0.7.1").status_code == 403

    def test_admin_login_with_the_forms_token_works(self, editor_user):
        client = Client(enforce_csrf_checks=True)
        token = client.get(reverse("admin:login")).context["csrf_token"]

        response = client.post(
            reverse("admin:login"),
            {"username": "redaktur", "password": PASSWORD, "csrfmiddlewaretoken": str(token)},
        )
        assert response.status_code == 302

    def test_admin_changes_without_a_token_are_refused(self, admin_user):
        client = Client(enforce_csrf_checks=True)
        client.force_login(admin_user)
        article = make_article(headline="Judul asli")

        response = client.post(
            reverse("admin:articles_article_change", args=[article.pk]), {"headline": "Diganti"}
        )

        assert response.status_code == 403
        article.refresh_from_db()
        assert article.headline == "Judul asli"


def test_weak_passwords_are_refused_when_an_admin_creates_an_account(
    admin_client, django_user_model
):
    response = admin_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "baru",
            "password1": "12345678",
            "password2": "12345678",
            "usable_password": "true",
        },
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["password2"]
    assert len(errors) >= 2  # too common, entirely numeric
    assert not django_user_model.objects.filter(username="baru").exists()


def test_the_admin_lives_at_the_configured_path():
    index, login = production_settings(
        "reverse('admin:index')", "reverse('admin:login')", ADMIN_URL="meja-x7/"
    )

    assert (index, login) == ("/meja-x7/", "/meja-x7/login/")


def test_the_old_admin_path_is_not_found_when_moved(client, settings):
    """The default path answers 404 once ADMIN_URL moves the admin (shown with the real urls.py)."""
    paths = production_settings(
        "__import__('django.urls', fromlist=['resolve']).resolve('/meja-x7/').url_name",
        "[p.pattern.regex.pattern for p in "
        "__import__('newsroom.urls', fromlist=['x']).urlpatterns]",
        ADMIN_URL="meja-x7/",
    )
    assert paths[0] == "index"
    assert not any(pattern.startswith("^admin") for pattern in paths[1])


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DEBUG": "0"}, [365 * 24 * 60 * 60, True, True]),
        ({"DEBUG": "0", "HTTPS": "0"}, [0, False, False]),
        ({"DEBUG": "1"}, [0, False, False]),
    ],
    ids=["production", "production-without-https", "development"],
)
def test_production_uses_hsts_and_secure_cookies(env, expected):
    names = ("SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE")
    assert production_settings(*names, **env) == expected


def test_hsts_header_is_sent_over_https(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000

    assert client.get("/", secure=True)["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in client.get("/")


@pytest.mark.parametrize(
    "url",
    [
        lambda: "/",
        lambda: make_article(tags=["Ukraina"]).get_absolute_url(),
        lambda: reverse("articles:tag", args=[make_article(tags=["Ukraina"]).tags.get().slug]),
        lambda: make_article().editor.get_absolute_url(),
        lambda: "/tidak-ada/",
        lambda: reverse("admin:login"),
        lambda: reverse("admin:index"),
    ],
    ids=["home", "article", "tag", "editor", "not-found", "admin-login", "admin-redirect"],
)
def test_every_response_carries_the_security_headers(client, url):
    response = client.get(url())

    assert response.status_code in {200, 302, 404}
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == policy["script-src"] == policy["style-src"] == "'self'"
    assert policy["object-src"] == policy["base-uri"] == policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
