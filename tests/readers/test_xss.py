"""Everything an editor types is shown as text, never run, on every page that shows it.

Each payload of `tests.xss.PAYLOADS` is typed into every editor-typed field at once
(with the field's marker), then every page in PAGES is fetched and scanned. To cover a
new page (feeds, sitemaps, section pages...), add a `Page` naming the fields it shows.
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from taggit.models import Tag

from articles.editorial import revisions
from articles.models import Article, Photo, RelatedLink, Section, Site, Source, StateChange
from tests.factories import image_bytes, make_article, make_editor, make_related_link, make_source
from tests.xss import ONLY_DANGEROUS_ELSEWHERE, PAYLOADS, as_web_url, scan, scan_feed, scan_xml

pytestmark = pytest.mark.django_db

# Marker -> the field an editor types it into.
FIELDS = {
    "hl": "judul berita",
    "dl": "dateline",
    "bd": "isi berita",
    "cp": "keterangan foto",
    "cr": "kredit foto",
    "bt": "judul Baca Juga",
    "bu": "URL Baca Juga",
    "tg": "tag",
    "sc": "nama kanal",
    "sd": "deskripsi kanal",
    "so": "nama sumber",
    "su": "URL sumber",
    "ed": "nama editor",
    "bi": "biografi editor",
    "ko": "koreksi",
    "nt": "catatan alur kerja",
    "rn": "catatan revisi",
}
URL_FIELDS = {"bu", "su"}


@dataclass
class TypedSite:
    article: object
    photo: object
    editor: object
    source: object
    section: object
    tag: object
    typed: dict


@dataclass
class Page:
    name: str
    url: Callable[[TypedSite], str]
    shows: set
    admin: bool = False
    scanner: Callable = scan


def admin_pages(model, site_attribute, *, listed, edited, app="articles"):
    def change_url(site):
        return reverse(f"admin:{app}_{model}_change", args=[getattr(site, site_attribute).pk])

    return [
        Page(
            f"admin {model} list",
            lambda site: reverse(f"admin:{app}_{model}_changelist"),
            listed,
            True,
        ),
        Page(f"admin {model} form", change_url, edited, True),
    ]


PAGES = [
    Page(
        "article",
        lambda site: site.article.get_absolute_url(),
        {"hl", "dl", "bd", "cp", "cr", "bt", "bu", "tg", "so", "su", "ed", "ko"},
    ),
    Page("home", lambda site: reverse("articles:home"), {"hl", "sc"}),
    Page("tag", lambda site: reverse("articles:tag", args=[site.tag.slug]), {"tg", "hl"}),
    Page("editor", lambda site: site.editor.get_absolute_url(), {"ed", "bi", "hl"}),
    Page("section", lambda site: site.section.get_absolute_url(), {"sc", "sd", "hl"}),
    Page("source", lambda site: reverse("articles:source", args=[site.source.slug]), {"so", "hl"}),
    Page("indeks", lambda site: reverse("articles:indeks"), {"hl"}),
    Page(
        "search (the query is shown back)",
        lambda site: reverse("articles:search") + "?" + urlencode({"q": site.typed["hl"]}),
        {"hl"},
    ),
    Page(
        "feed", lambda site: reverse("articles:feed"), {"hl", "bd", "ed", "sc"}, scanner=scan_feed
    ),
    Page(
        "section feed",
        lambda site: reverse("articles:section_feed", args=[site.section.slug]),
        {"hl", "bd", "sc", "sd"},
        scanner=scan_feed,
    ),
    Page(
        "tag feed",
        lambda site: reverse("articles:tag_feed", args=[site.tag.slug]),
        {"hl", "bd", "tg"},
        scanner=scan_feed,
    ),
    Page("news sitemap", lambda site: reverse("articles:news_sitemap"), {"hl"}, scanner=scan_xml),
    Page("sitemap", lambda site: reverse("articles:sitemap"), set(), scanner=scan_xml),
    # The tag widget quotes names with spaces, so "tg" is scanned there but not looked for.
    *admin_pages(
        "article",
        "article",
        listed={"hl", "ed"},
        edited={"hl", "dl", "bd", "bt", "bu", "so", "ed", "cp", "cr", "sc", "ko", "nt"},
    ),
    Page(
        "admin article preview",
        lambda site: reverse("admin:articles_article_preview", args=[site.article.pk]),
        {"hl", "dl", "bd", "cp", "cr", "bt", "bu", "tg", "so", "su", "ed", "ko"},
        True,
    ),
    Page(
        "admin article revisions",
        lambda site: reverse("admin:articles_article_revisions", args=[site.article.pk]),
        {"hl", "rn"},
        True,
    ),
    Page(
        "admin revision preview",
        lambda site: reverse("admin:articles_article_revision_preview", args=[site.article.pk, 1]),
        {"hl", "dl", "bd", "bt", "tg", "so", "ed", "ko"},
        True,
    ),
    Page(
        "admin article delete",
        lambda site: reverse("admin:articles_article_delete", args=[site.article.pk]),
        {"hl"},
        True,
    ),
    *admin_pages("photo", "photo", listed={"cp", "cr"}, edited={"cp", "cr"}),
    *admin_pages("editor", "editor", listed={"ed"}, edited={"ed", "bi"}),
    *admin_pages("source", "source", listed={"so", "su"}, edited={"so", "su"}),
    *admin_pages("section", "section", listed={"sc"}, edited={"sc", "sd"}),
    *admin_pages("tag", "tag", listed={"tg"}, edited={"tg"}, app="taggit"),
]


def squeeze(text):
    """Runs of whitespace as one space: pages may fold them, which changes nothing shown."""
    return " ".join(text.split())


def type_everywhere(payload):
    """A published story whose every editor-typed field holds `payload` (with its marker)."""
    typed = {marker: payload.format(m=marker) for marker in FIELDS}
    for marker in URL_FIELDS:
        typed[marker] = as_web_url(typed[marker])
    editor = make_editor(name=typed["ed"], bio=typed["bi"])
    section = Section.objects.create(name=typed["sc"], slug="kanal-uji", description=typed["sd"])
    section.sites.add(Site.objects.default())
    photo = Photo.objects.create(
        caption=typed["cp"],
        credit=typed["cr"],
        image=SimpleUploadedFile("f.png", image_bytes("PNG")),
    )
    source = make_source(name=typed["so"], url=typed["su"])
    source.full_clean()  # what the admin would accept
    article = make_article(
        headline=typed["hl"],
        dateline=typed["dl"],
        body=f"{typed['bd']}\n\nParagraf kedua.",
        photo=photo,
        editor=editor,
        section=section,
        tags=[typed["tg"]],
        sources=[source],
        correction=typed["ko"],
    )
    link = make_related_link(article, after_paragraph=1, title=typed["bt"], url=typed["bu"])
    link.full_clean()
    revisions.record(article, note=typed["rn"])
    StateChange.objects.create(
        article=article, action="request_changes", note=typed["nt"],
        from_status=Article.Status.IN_REVIEW, to_status=Article.Status.DRAFT,
    )  # fmt: skip
    return TypedSite(article, photo, editor, source, section, Tag.objects.get(), typed)


@pytest.mark.parametrize(
    "payload", PAYLOADS, ids=[f"p{number:02}" for number in range(len(PAYLOADS))]
)
def test_payload_typed_in_every_field_is_shown_as_text_on_every_page(client, admin_client, payload):
    site = type_everywhere(payload)
    problems = []
    for page in PAGES:
        url = page.url(site)
        response = (admin_client if page.admin else client).get(url)
        if response.status_code != 200:
            problems.append(f"{page.name} {url}: HTTP {response.status_code}")
            continue
        findings, shown = page.scanner(response.content.decode())
        problems += [f"{page.name}: {finding}" for finding in findings]
        problems += [
            f"{page.name}: {FIELDS[marker]} not shown as typed"
            for marker in sorted(page.shows)
            if squeeze(site.typed[marker]) not in squeeze(shown)
        ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", ["!!!", "<>", "日本"])
def test_a_tag_without_a_usable_slug_is_shown_without_a_link(client, name):
    """A tag whose slug is empty (or not ASCII) has no tag page, but must not break the story."""
    article = make_article(tags=[name, "Ukraina"])

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    assert f"<li>{escape(name)}</li>" in response.content.decode()
    assert f'href="{reverse("articles:tag", args=["ukraina"])}"' in response.content.decode()


def test_pages_list_covers_every_field_on_the_public_site():
    public = set().union(*(page.shows for page in PAGES if not page.admin))
    # Workflow and revision notes are for the newsroom only.
    assert public == set(FIELDS) - {"nt", "rn"}


def test_the_scanner_reports_the_payloads_pasted_raw_into_a_page():
    """Guards the guard: unescaped, every payload is caught, save those aimed at other contexts."""
    missed = set()
    for payload in PAYLOADS:
        typed = payload.format(m="xx")
        if not scan(f'<p title="{typed}"><a href="{typed}">{typed}</a></p>')[0]:
            missed.add(payload)
    assert missed == ONLY_DANGEROUS_ELSEWHERE


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript://contoh.id/%0aalert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
        "ftp://contoh.id/berkas",
        "//contoh.id/tanpa-skema",
    ],
)
@pytest.mark.parametrize("model", [Source, RelatedLink])
def test_url_fields_accept_only_web_addresses(model, url):
    with pytest.raises(ValidationError) as refused:
        model._meta.get_field("url").clean(url, None)
    assert "Masukkan alamat web yang diawali http:// atau https://." in refused.value.messages


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("javascript:alert(1)", "Masukkan URL yang valid."),
        ("ftp://contoh.id/berkas", "Masukkan alamat web yang diawali http:// atau https://."),
    ],
)
def test_source_admin_form_refuses_addresses_that_are_not_web_pages(admin_client, url, error):
    response = admin_client.post(
        reverse("admin:articles_source_add"), {"name": "Sumber", "slug": "", "url": url}
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["url"] == [error]
    assert not Source.objects.exists()
