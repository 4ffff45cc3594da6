"""Brute-force protection for logins that come through the site."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for logins made through a request.

    Axes refuses `authenticate()` without a request; logins made by code (the
    shell, `Client.login()` in tests) have no address to count and no attacker
    behind them, so they pass straight to the next backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def client_address(request):
    """The address a login attempt came from, for counting failures per address.

    Behind our own HTTPS proxy every request comes from the proxy, so the address is
    the last one the proxy appended to X-Forwarded-For (earlier entries are the
    client's to invent).
    """
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.BEHIND_HTTPS_PROXY and forwarded:
        return forwarded.rsplit(",", 1)[-1].strip()
    return request.META.get("REMOTE_ADDR")
