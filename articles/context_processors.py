from django.conf import settings

from .sections import navigation_sections


def site(request):
    """Site name and origin, the page's canonical URL and (lazily) the navigation kanal."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_ORIGIN": request.build_absolute_uri("/").rstrip("/"),
        "canonical_url": request.build_absolute_uri(request.path),
        "navigation_sections": navigation_sections,
    }
