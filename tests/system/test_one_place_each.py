"""What the stories, sites and lists share is written once: each story's and site's
clock, the check that a kanal is one of the site's, and the tag-sharing subquery."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

import articles
from articles.models import Article
from tests.factories import make_section, make_site

pytestmark = pytest.mark.django_db
PACKAGE = Path(articles.__file__).parent


def sources():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if not relative.startswith("migrations/"):
            yield relative, path.read_text(encoding="utf-8")


def test_a_story_prints_any_time_on_its_own_clock():
    moment = datetime(2022, 5, 14, 11, 45, tzinfo=UTC)
    assert Article(time_zone="WITA").date_line_of(moment) == "14 Mei 2022, 19:45 WITA"
    assert Article(time_zone="WIT").zone.utcoffset(moment).total_seconds() == 9 * 3600


def test_the_clock_of_a_story_or_site_is_looked_up_only_by_its_zone():
    """`x.zone` rather than `ZONES[x.time_zone]`, the admin's included."""
    lookup = re.compile(r"ZONES\[(?!self\.time_zone\])[\w.]+\.time_zone\]")
    found = [
        f"{name}:{text[: match.start()].count(chr(10)) + 1}"
        for name, text in sources()
        for match in lookup.finditer(text)
    ]
    assert found == []


def test_a_kanal_of_another_site_is_refused_by_the_site_with_one_message():
    site = make_site(name="Zona Sulawesi")
    own, other = make_section(sites=[site]), make_section(name="Kanal Lain", sites=[])
    assert site.section_refusal(own) is None and site.section_refusal(None) is None
    refused = site.section_refusal(other)
    assert refused.code == "section_not_on_site"
    assert refused.messages == [
        "Kanal Kanal Lain tidak ada di Zona Sulawesi; pilih kanal situs itu."
    ]


def test_the_tag_sharing_subquery_is_written_once():
    """`tagged`, `related_to` and `Topic.select` all build on `carrying_tag`."""
    written = [
        name
        for name, text in sources()
        for _ in range(len(re.findall(r"object_id=(models\.)?OuterRef\(", text)))
    ]
    assert written == ["models/stories.py"]
