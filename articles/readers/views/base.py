"""What every reader page shares: the Terkini and Terpopuler sidebar, the shared
values read in one cache round trip, Pilihan Editor, and the server error page.
"""

import re

from django.conf import settings
from django.http import HttpResponseServerError
from django.template import loader
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from ...delivery.fragments import cache_until, prefetch_shared, shared_between_purges
from ...models import (
    PICKS_SHOWN,
    editor_picks,
)
from ..context_processors import site_urls
from ..lists import terkini, terpopuler
from ..navigation import navigation_key

PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,5}")


class ReaderListsMixin:
    """Adds the Terkini and Terpopuler lists every reader page shows.

    They are read only when used: a sidebar served from the cache needs no query.
    The site's generation, the navigation and the page's shared values are read from
    the cache in one round trip (`shared_names`).
    """

    def own_shared_name(self):
        """The name of the markup this page itself shares (a story's, a list page's
        cards), or None where it makes it afresh every time (a preview, a search)."""
        return None

    def shared_names(self):
        """The shared values (`delivery.fragments.shared_between_purges`) this page will ask for."""
        own = self.own_shared_name()
        return ["fragment:sidebar", *([own] if own else [])]

    def own_shared(self, make):
        """`make()`, shared between purges under `own_shared_name()` when there is one."""
        name = self.own_shared_name()
        return make() if name is None else shared_between_purges(self.request, name, make)

    def prefetch(self):
        """One cache round trip for the generation, the navigation and `shared_names()`
        (once per request: list pages do it before finding their subject)."""
        if not getattr(self, "prefetched", False):
            self.prefetched = True
            keys = [navigation_key(self.request.site)]
            prefetch_shared(self.request, self.shared_names(), keys=keys)

    def get_context_data(self, **kwargs):
        site = self.request.site
        self.prefetch()
        return super().get_context_data(
            terkini=SimpleLazyObject(lambda: terkini(site)),
            terpopuler=SimpleLazyObject(lambda: terpopuler(site)),
            **kwargs,
        )


def picks_name(slug):
    return f"picks:{slug or ''}"


def current_picks(request, section=None):
    """Pilihan Editor of the request's site (home page, or one kanal): chosen once per
    purge and shared (`delivery.fragments.shared_between_purges`), then each pick shown only until
    its own expiry, to the second; a page showing picks is cached no longer than the
    first of them lasts (`delivery.fragments.cache_until`)."""
    site = request.site
    chosen = shared_between_purges(
        request,
        picks_name(section.slug if section else None),
        # A few more than are shown, to stand in for picks that expire meanwhile.
        lambda: editor_picks(site, section, limit=2 * PICKS_SHOWN),
    )
    now = timezone.now()
    picks = [pick for pick in chosen if pick.pick_expires_at > now][:PICKS_SHOWN]
    if picks:
        cache_until(request, min(pick.pick_expires_at for pick in picks))
    return picks


def server_error(request):
    """The 500 page, rendered without the database: it may be why we are here."""
    site = getattr(request, "site", None)
    context = {"SITE_NAME": site.name if site else settings.NEWSROOM_NAME, "SITE_URLS": site_urls()}
    html = loader.get_template("500.html").render(context)
    return HttpResponseServerError(html)
