"""Brute-force protection for logins that come through the site."""

from axes.backends import AxesStandaloneBackend


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
