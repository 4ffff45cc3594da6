"""Brute-force protection for logins that come through the site, password resets, and
the reader's address."""

import ipaddress
from functools import cache

from axes.backends import AxesStandaloneBackend
from axes.utils import reset as reset_login_failures
from django.conf import settings
from django.contrib.auth import views as auth_views


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


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's, and the account's login lockouts are lifted: whoever set a new password
    through the link e-mailed to the account is its owner, and may sign in at once."""

    def form_valid(self, form):
        response = super().form_valid(form)
        reset_login_failures(username=form.user.get_username())
        return response


def client_address(request):
    """The reader's address: what login failures and view counts are limited by.

    REMOTE_ADDR, unless that is one of our own proxies (TRUSTED_PROXIES): then the
    X-Forwarded-For entries, read from the right (each proxy appends the address it
    was reached from), up to the first one that is not one of our proxies. Entries
    left of that one are the client's to invent. A REMOTE_ADDR that is no address (a
    Unix socket) is a proxy on this machine.
    """
    address = parsed_address(request.META.get("REMOTE_ADDR", ""))
    if address is None or is_trusted_proxy(address):
        for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
            hop = parsed_address(entry)
            if hop is None:  # not written by a proxy of ours: stop at the last one that was
                break
            address = hop
            if not is_trusted_proxy(hop):
                break
    return str(address) if address is not None else request.META.get("REMOTE_ADDR")


def parsed_address(text):
    """An IPv4 or IPv6 address (an IPv4 one written as IPv6 as IPv4), or None."""
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    return getattr(address, "ipv4_mapped", None) or address


def is_trusted_proxy(address):
    return any(address in network for network in trusted_networks(tuple(settings.TRUSTED_PROXIES)))


@cache
def trusted_networks(cidrs):
    return [ipaddress.ip_network(cidr, strict=False) for cidr in cidrs]
