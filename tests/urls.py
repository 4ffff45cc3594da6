"""The project's URLs plus what tests need: a view that fails, uploaded media, and a page
of embed cards (until the story page renders the body's embeds itself)."""

from csp.decorators import csp_update
from django.conf import settings
from django.http import HttpResponse
from django.template import engines
from django.urls import path, re_path
from django.views.static import serve

from articles.media.embeds import EMBED_FRAME_SOURCES, embed_cards
from newsroom.urls import handler500  # noqa: F401
from newsroom.urls import urlpatterns as project_urlpatterns


def broken_view(request):
    raise RuntimeError("rusak untuk uji halaman 500")


EMBED_PAGE = """{% load static %}<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>Sematan</title>
<link rel="stylesheet" href="{% static 'css/site.css' %}"></head>
<body><main>{% for embed in cards %}{% include "includes/embed_card.html" %}{% endfor %}</main>
<script src="{% static 'js/embeds.js' %}" defer></script></body></html>"""


@csp_update({"frame-src": list(EMBED_FRAME_SOURCES)})
def embed_page(request):
    """The cards of the `?url=` embeds, under the site's CSP with the embeds' frame-src."""
    cards = embed_cards(request.GET.getlist("url")).values()
    return HttpResponse(engines["django"].from_string(EMBED_PAGE).render({"cards": cards}))


urlpatterns = [
    path("rusak/", broken_view),
    path("uji/sematan/", embed_page),
    *project_urlpatterns,
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
]
