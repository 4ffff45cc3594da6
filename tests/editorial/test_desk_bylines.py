"""Bylines: in order on the page and in JSON-LD; the seed's Editor: line is untouched."""

import pytest

from articles.models import Article, Byline
from articles.seeds.documents import export_article
from tests.factories import make_article, make_editor
from tests.readers.test_standards import json_ld
from tests.seeds.test_loadseeds import load, write
from tests.seeds.test_seedformat import FULL

pytestmark = pytest.mark.django_db


def credit(article, *people):
    for position, (person, role) in enumerate(people):
        Byline.objects.create(article=article, person=person, role=role, position=position)


def test_bylines_show_in_page_order_and_as_the_json_ld_author_list(client):
    article = make_article()
    sari, dodi, budi = (make_editor(name=name) for name in ("Sari Lestari", "Dodi Permana", "Budi"))
    credit(
        article,
        (dodi, Byline.Role.CONTRIBUTOR),
        (sari, Byline.Role.WRITER),
        (budi, Byline.Role.PHOTOGRAPHER),
    )
    Byline.objects.filter(person=dodi).update(position=5)  # moved to the end
    html = client.get(article.get_absolute_url()).content.decode()
    assert html.index("Penulis: <a") < html.index("Fotografer: <a") < html.index("Kontributor: <a")
    data = json_ld(html)
    assert [(author["@type"], author["name"]) for author in data["author"]] == [
        ("Person", "Sari Lestari"),
        ("Person", "Budi"),
        ("Person", "Dodi Permana"),
    ]
    assert data["author"][0]["jobTitle"] == "Penulis"
    assert data["editor"]["name"] == article.editor.name


def test_a_story_without_bylines_keeps_its_editor_as_author(client):
    article = make_article()
    assert json_ld(client.get(article.get_absolute_url()).content.decode())["author"]["name"] == (
        article.editor.name
    )


def test_bylines_leave_the_seed_round_trip_unchanged(tmp_path):
    assert load(write(tmp_path, "a.txt", FULL))[0]
    article = Article.objects.for_page().get()
    credit(article, (make_editor(name="Fotografer Lapangan"), Byline.Role.PHOTOGRAPHER))
    article = Article.objects.for_page().get()
    assert export_article(article) == FULL
    ok, out, _ = load(write(tmp_path, "a.txt", FULL))
    assert ok and "tidak berubah" in out
