"""The network of sites on one install: which site a request is for, who works on which.

The request's host picks the site (its domain or one of its aliases). A host that
names no site gets the 404 page: never the default site's pages under a stray
name, never another site's. The admin, health checks and static files answer on
any allowed host.
"""

import time

from django.conf import settings
from django.http import Http404
from django.http.request import split_domain_port

from .models import Photo, Site

# Host -> site, per process: every reader request needs it, and sites rarely change.
# A change clears this process's copy once it commits (`forget_sites`); other
# processes see it within SITE_CACHE_SECONDS.
SITE_CACHE_SECONDS = 60
_sites_by_host = {}
NETWORK_PERMISSION = "articles.work_on_every_site"


def host_name(request):
    """The request's host name, lower case, without the port."""
    domain, _ = split_domain_port(request.get_host())
    return domain.lower()


def site_for_host(host):
    now = time.monotonic()
    found = _sites_by_host.get(host)
    if found is None or found[1] < now:
        found = (Site.objects.for_host(host), now + SITE_CACHE_SECONDS)
        _sites_by_host[host] = found
    return found[0]


def forget_sites():
    _sites_by_host.clear()


def is_public_path(path):
    return not path.startswith(
        (f"/{settings.ADMIN_URL}", "/healthz", "/livez", f"/{settings.STATIC_URL}")
    )


class SiteMiddleware:
    """Sets `request.site` for the reader's pages; one for a host of no site is a 404.
    (The admin, health checks and static files look for no site: `site_of()`.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_public_path(request.path_info):
            request.site = site_for_host(host_name(request))
            if request.site is None:
                raise Http404("Situs ini tidak dikenal.")
        return self.get_response(request)


def site_of(request):
    """The site of the request's host, outside the reader's pages too (the admin), or None."""
    if not hasattr(request, "site"):
        request.site = site_for_host(host_name(request))
    return request.site


def works_on_every_site(user):
    return user.is_active and user.has_perm(NETWORK_PERMISSION)


def user_sites(user):
    """The sites whose stories `user` may see and act on."""
    if works_on_every_site(user):
        return Site.objects.all()
    return Site.objects.filter(staff=user) if user.is_active else Site.objects.none()


def user_site_ids(user):
    """`user_sites()` as a set of ids, once per user object."""
    if not hasattr(user, "_newsroom_site_ids"):
        user._newsroom_site_ids = set(user_sites(user).values_list("pk", flat=True))
    return user._newsroom_site_ids


def may_work_on(user, site_id):
    return site_id is not None and (works_on_every_site(user) or site_id in user_site_ids(user))


def user_photos(user):
    """The photos `user` may see, pick and edit: those of their sites."""
    if works_on_every_site(user):
        return Photo.objects.all()
    return Photo.objects.on_sites(user_site_ids(user))


def upload_sites(user):
    """The sites a photo `user` uploads belongs to: those they are staff of, else (a
    network admin of none) the default site."""
    staff_of = list(Site.objects.filter(staff=user))
    return staff_of or [Site.objects.default()]
