"""Headless Chromium for journey tests: Debian's /usr/bin/chromium driven by Playwright."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "kata-sandi-uji-2026"  # of the staff the journeys make

requires_chromium = pytest.mark.skipif(
    not shutil.which(CHROMIUM),
    reason=f"{CHROMIUM} is not installed (make test installs it as root)",
)


def screenshot(page, name):
    """Save a full-page screenshot under test-artifacts/ for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def log_in(page, live_server, username, password=PASSWORD):
    """Sign `page` in to the desk as `username` through the admin's log-in form."""
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(f"**{reverse('admin:index')}")


def wait_for_autosave(page):
    """The change form's autosave has stored what was typed."""
    page.wait_for_selector("#autosave:has-text('Tersimpan otomatis')", timeout=15_000)
