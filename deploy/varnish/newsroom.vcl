# The edge cache in front of the newsroom's app servers (Varnish 7 with xkey from
# varnish-modules). Readers' pages are kept as long as the app says (s-maxage),
# and dropped by tag when the app sends `PURGE` with an `xkey-purge` header
# (articles.delivery.edge). Editors (a session cookie), the admin and every method but
# GET/HEAD pass straight through; no cookie ever reaches or leaves a cached page.
# Nothing a reader sends reaches a kept page or its key unless it is listed here:
# the host (normalised), the path and query (tracking parameters dropped), the
# scheme the edge itself found, and Accept-Encoding as Varnish normalises it.
#
# Run:  varnishd -a :80 -f /etc/varnish/newsroom.vcl -s malloc,1G
# with purge_secret.vcl beside it, written at deploy time (never committed):
#   deploy/varnish/purge-secret-vcl < secret-file > /etc/varnish/purge_secret.vcl
# Several app servers: add a backend each and list them in vcl_init's director.
vcl 4.1;

import directors;
import std;
import xkey;

# `sub check_purge_secret`: a PURGE without the app's EDGE_PURGE_SECRET is refused.
include "purge_secret.vcl";

backend app1 {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
    # /livez is exempt from the app's HTTPS redirect (SECURE_REDIRECT_EXEMPT); the
    # probe's Host is this .host, which must be in the app's ALLOWED_HOSTS.
    .probe = { .url = "/livez"; .interval = 2s; .timeout = 1s; .window = 3; .threshold = 2; .initial = 2; }
}

# Who may purge (with the secret too): the app servers and workers (add their addresses).
acl purgers {
    "127.0.0.1";
    "::1";
}

# The TLS terminators in front of this Varnish (nginx or a load balancer connecting to
# it directly, not with the PROXY protocol): only their X-Forwarded-Proto is believed,
# and they must overwrite the reader's. Everyone else is plain HTTP.
acl tls_terminators {
    "127.0.0.1";
    "::1";
}

sub vcl_init {
    new app = directors.round_robin();
    app.add_backend(app1);
}

sub vcl_recv {
    set req.backend_hint = app.backend();

    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        call check_purge_secret;
        if (!req.http.xkey-purge) {
            return (synth(400, "xkey-purge header required"));
        }
        set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.n-gone));
    }
    # The scheme is the edge's to say, never the reader's: it makes every absolute URL
    # of the page (and the app's HTTPS redirect), and it is part of the page's key.
    if (client.ip ~ tls_terminators && req.http.X-Forwarded-Proto == "https") {
        set req.http.X-Forwarded-Proto = "https";
    } else {
        set req.http.X-Forwarded-Proto = "http";
    }
    # The reader's address is the last X-Forwarded-For entry (the app's login lockout and
    # view counting read it): after a terminator, the one it appended, not its own, which
    # Varnish appends.
    if (client.ip ~ tls_terminators && req.http.X-Forwarded-For ~ ",") {
        set req.http.X-Forwarded-For = regsub(req.http.X-Forwarded-For, "\s*,[^,]*$", "");
    }
    # One name per site in the key: no port, no trailing dot, lower case (each spelling
    # would otherwise be a copy of every page).
    if (req.http.Host) {
        set req.http.Host = std.tolower(regsub(req.http.Host, "\.?(:[0-9]*)?$", ""));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # The editors' desk, and anyone signed in to it, are never cached.
    if (req.url ~ "^/admin/" || req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    # A reader's other cookies (analytics, csrftoken) must not split or leak the cache.
    unset req.http.Cookie;
    unset req.http.Authorization;
    # The site has one language: what a reader's browser asks for changes nothing.
    unset req.http.Accept-Language;
    # Shared links carry tracking parameters: the same page for everyone.
    if (req.url ~ "[?&](utm_[a-z]+|fbclid|gclid)=") {
        set req.url = regsuball(req.url, "(utm_[a-z]+|fbclid|gclid)=[^&]*&?", "");
        set req.url = regsub(req.url, "[?&]$", "");
    }
    return (hash);
}

sub vcl_hash {
    hash_data(req.http.X-Forwarded-Proto);
    # The built-in vcl_hash adds the URL and the host.
}

sub vcl_backend_response {
    # A page answered with a cookie, or marked private, is one reader's: never kept.
    if (beresp.http.Set-Cookie || beresp.http.Cache-Control ~ "private|no-store") {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # Errors are kept briefly, so a failing app server is not hammered.
    if (beresp.status >= 500) {
        set beresp.ttl = 1s;
        set beresp.grace = 0s;
        return (deliver);
    }
    # Nor is what does not say it may be kept (a redirect to HTTPS, a 404 for a stray
    # host), so that Varnish's default lifetime never applies.
    if (!beresp.http.Cache-Control) {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # Kept pages vary on nothing a reader can invent (each value would be a copy):
    # Accept-Encoding alone, which Varnish normalises.
    if (beresp.http.Vary ~ "(?i)accept-encoding") {
        set beresp.http.Vary = "Accept-Encoding";
    } else {
        unset beresp.http.Vary;
    }
    # Stale pages are never served after a purge, but may bridge an app restart.
    set beresp.grace = 30s;
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    set resp.http.X-Cache-Hits = obj.hits;
    # Tags are for this edge; a CDN in front reads Surrogate-Key, browsers need neither.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Control;
    unset resp.http.Via;
    unset resp.http.X-Varnish;
}
