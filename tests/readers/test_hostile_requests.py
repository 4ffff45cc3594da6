"""No public URL answers 500 to any input: property-based tests over paths, slugs and queries.

PUBLIC_ROUTES lists every public page with a real object behind it; add new pages
(sections, search, archives by date, feeds, sitemaps) there and they are covered.
"""

from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_article, make_section, make_source

pytestmark = pytest.mark.django_db

ALLOWED = {200, 301, 302, 400, 404}
EXAMPLES = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# (name, URL of a real page): every public page, with a real object behind it.
PUBLIC_ROUTES = [
    ("home", lambda site: reverse("articles:home")),
    ("article", lambda site: site.get_absolute_url()),
    ("section", lambda site: site.section.get_absolute_url()),
    ("tag", lambda site: reverse("articles:tag", args=[site.tags.get().slug])),
    ("editor", lambda site: site.editor.get_absolute_url()),
    ("source", lambda site: reverse("articles:source", args=[site.sources.get().slug])),
    ("indeks", lambda site: reverse("articles:indeks")),
    ("indeks day", lambda site: reverse("articles:indeks_day", args=["2026", "05", "14"])),
    ("search", lambda site: reverse("articles:search")),
    ("feed", lambda site: reverse("articles:feed")),
    ("section feed", lambda site: reverse("articles:section_feed", args=[site.section.slug])),
    ("tag feed", lambda site: reverse("articles:tag_feed", args=[site.tags.get().slug])),
    ("news sitemap", lambda site: reverse("articles:news_sitemap")),
    ("sitemap", lambda site: reverse("articles:sitemap")),
    ("robots", lambda site: reverse("articles:robots")),
]
# Public URL patterns with a variable part.
SLUG_ROUTES = [
    "/berita/{}/", "/kanal/{}/", "/tag/{}/", "/editor/{}/", "/sumber/{}/", "/kanal/{}/rss/",
    "/tag/{}/rss/", "/sitemap-{}.xml", "/indeks/{}/", "/indeks/2026/{}/01/", "/indeks/{}/05/14/",
]  # fmt: skip
# Query parameters the public pages read (or soon will): pages, searches, dates.
PARAMETERS = ["page", "q", "tanggal", "tahun", "bulan", "hari", "sort", "format", "utm_source"]

tricky_text = st.sampled_from(
    [
        "", "0", "-1", "1e9", "99999999999999999999999", "last", "NaN", "1.5", " 1", "1 ",
        "\x00", "%00", "a\x00b", "../../etc/passwd", "..%2f..%2f", "%", "%%", "%ff", "%c0%af",
        "2026-02-30", "0000-00-00", "9999-12-31", "2026-13-01", "-2026-01-01",
        "\u202e\u0645\u0631\u062d\u0628\u0627", "日本語", "😀" * 50, "ﬁ", "İ", "ß",
        "<script>alert(1)</script>", "' OR 1=1 --", "\r\nSet-Cookie: x=1", "a" * 10_000,
    ]
)  # fmt: skip
hostile_text = st.one_of(
    tricky_text,
    st.text(max_size=200),
    st.binary(max_size=200).map(lambda raw: raw.decode("latin-1")),
    st.text(min_size=2_000, max_size=20_000, alphabet=st.characters(codec="utf-8")),
)
path_segment = st.one_of(
    hostile_text.map(lambda text: quote(text.encode("utf-8", "surrogatepass"), safe="")),
    st.binary(max_size=100).map(lambda raw: quote(raw, safe="")),
    st.from_regex(r"\A[-a-zA-Z0-9_]{1,300}\Z"),
)
query_string = st.one_of(
    st.dictionaries(st.sampled_from(PARAMETERS) | hostile_text, hostile_text, max_size=5).map(
        lambda query: urlencode(
            {
                k.encode("utf-8", "surrogatepass"): v.encode("utf-8", "surrogatepass")
                for k, v in query.items()
            }
        )
    ),
    st.binary(max_size=300).map(lambda raw: raw.decode("latin-1")),
    # Unencoded, as a WSGI server passes raw bytes on (PEP 3333: bytes as latin-1 text).
    st.builds(lambda value: f"page={value}".encode().decode("latin-1"), tricky_text),
)
header_value = st.one_of(
    st.just(""),
    hostile_text.map(lambda text: text.encode("utf-8", "surrogatepass").decode("latin-1")),
)


@pytest.fixture
def site(db):
    """A published story with a tag and an editor, and enough stories for two list pages."""
    section = make_section(name="Jabar", slug="jabar")
    story = make_article(tags=["Ukraina"], section=section, sources=[make_source(name="Reuters")])
    for _ in range(21):
        make_article(tags=["Ukraina"], editor=story.editor, section=section)
    return story


def fetch(path, query="", **headers):
    client = Client()
    return client.get(path, QUERY_STRING=query, **headers)


@given(route=st.sampled_from(PUBLIC_ROUTES), query=query_string)
@EXAMPLES
def test_any_query_string_on_any_public_page(site, route, query):
    name, url = route
    response = fetch(url(site), query)
    assert response.status_code in ALLOWED, (name, query[:200], response.status_code)


@given(pattern=st.sampled_from(SLUG_ROUTES), segment=path_segment)
@EXAMPLES
def test_any_slug_on_any_slug_route(site, pattern, segment):
    response = fetch(pattern.format(segment))
    assert response.status_code in ALLOWED, (pattern, segment[:200], response.status_code)


@given(segments=st.lists(path_segment, min_size=1, max_size=6), trailing_slash=st.booleans())
@EXAMPLES
def test_any_path(site, segments, trailing_slash):
    path = "/" + "/".join(segments) + ("/" if trailing_slash else "")
    response = fetch(path)
    assert response.status_code in ALLOWED, (path[:200], response.status_code)


@given(year=st.integers(0, 9999), month=st.integers(0, 99), day=st.integers(0, 99))
@EXAMPLES
def test_any_date_in_the_indeks(site, year, month, day):
    response = fetch(f"/indeks/{year:04}/{month:02}/{day:02}/")
    assert response.status_code in ALLOWED, (year, month, day, response.status_code)


@given(
    route=st.sampled_from(PUBLIC_ROUTES),
    language=header_value,
    user_agent=header_value,
    cookie=header_value,
    host=st.sampled_from(["localhost", "evil.example", "localhost:99999", "", "[::1", "a" * 300]),
)
@EXAMPLES
def test_any_headers_on_any_public_page(site, route, language, user_agent, cookie, host):
    name, url = route
    response = fetch(
        url(site),
        HTTP_ACCEPT_LANGUAGE=language,
        HTTP_USER_AGENT=user_agent,
        HTTP_COOKIE=cookie,
        HTTP_HOST=host,
    )
    assert response.status_code in ALLOWED, (name, response.status_code)


@pytest.mark.parametrize("page", ["0", "-1", "3", "abc", "1" * 40, "%00", "2.0", "last"])
def test_out_of_range_and_malformed_page_numbers_are_not_found(client, site, page):
    url = reverse("articles:tag", args=["ukraina"])
    assert client.get(url, QUERY_STRING="page=2").status_code == 200

    assert client.get(url, QUERY_STRING=f"page={page}").status_code == 404


# The test client reads a leading "//" as a host, so these start with "////" to reach
# the site as the paths //[, //evil.example/ and ///[/.
@pytest.mark.parametrize("path", ["////%5B", "////evil.example/", "/////%5B/"])
def test_paths_that_look_like_another_host_stay_paths_on_this_site(client, site, path):
    response = client.get(path)

    assert response.status_code == 404
    assert b'"http://evil.example/' not in response.content
