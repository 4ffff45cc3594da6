# The edge cache in front of the newsroom's app servers (Varnish 7 with xkey from
# varnish-modules). Readers' pages are kept as long as the app says (s-maxage),
# and dropped by tag when the app sends `PURGE` with an `xkey-purge` header
# (articles.edge). Editors (a session cookie), the admin and every method but
# GET/HEAD pass straight through; no cookie ever reaches or leaves a cached page.
#
# Run:  varnishd -a :80 -f /etc/varnish/newsroom.vcl -s malloc,1G
# Several app servers: add a backend each and list them in vcl_init's director.
vcl 4.1;

import directors;
import xkey;

backend app1 {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
    .probe = { .url = "/livez"; .interval = 2s; .timeout = 1s; .window = 3; .threshold = 2; .initial = 2; }
}

# Who may purge: the app servers (add their addresses).
acl purgers {
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
        if (!req.http.xkey-purge) {
            return (synth(400, "xkey-purge header required"));
        }
        set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.n-gone));
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
    # Shared links carry tracking parameters: the same page for everyone.
    if (req.url ~ "[?&](utm_[a-z]+|fbclid|gclid)=") {
        set req.url = regsuball(req.url, "(utm_[a-z]+|fbclid|gclid)=[^&]*&?", "");
        set req.url = regsub(req.url, "[?&]$", "");
    }
    return (hash);
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
