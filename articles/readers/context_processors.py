"""Template context of every page: the request's site and its public URLs."""

from django.conf import settings
from django.utils.encoding import escape_uri_path

from ..models import public_url
from .navigation import navigation_sections

# The site-wide links every page has, by name (see `articles/readers/urls.py`).
SITE_LINKS = ("home", "search", "indeks", "feed", "sitemap")


def site(request):
    """The request's site (name, origin), the page's canonical URL, the site-wide links
    and (lazily) the navigation kanal."""
    origin = request.build_absolute_uri("/").rstrip("/")
    current = getattr(request, "site", None)
    return {
        "SITE": current,
        "SITE_NAME": current.name if current else settings.NEWSROOM_NAME,
        "SITE_ORIGIN": origin,
        # Joined, not resolved: a path like //evil.example/ must stay a path on this site.
        "canonical_url": origin + escape_uri_path(request.path),
        "navigation_sections": lambda: navigation_sections(request),
        "SITE_URLS": site_urls(),
        # Shared fragments (`{% shared %}`: the sidebar, the kanal blocks) are kept like
        # whole pages; 0 renders them afresh (a preview).
        "FRAGMENT_CACHE_SECONDS": settings.PAGE_CACHE_SECONDS,
    }


def site_urls():
    """{"home": "/", "indeks": "/indeks/", ...}: remembered, unlike `{% url %}` on every page."""
    return {name: public_url(f"articles:{name}") for name in SITE_LINKS}
