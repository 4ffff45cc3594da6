"""Social share links: plain addresses of the networks' own share pages, no script of
theirs.
"""

from urllib.parse import urlencode

# (name shown, CSS modifier, share page, how it takes the address and the headline)
NETWORKS = (
    ("WhatsApp", "whatsapp", "https://wa.me/", lambda url, text: {"text": f"{text} {url}"}),
    (
        "Facebook",
        "facebook",
        "https://www.facebook.com/sharer/sharer.php",
        lambda url, text: {"u": url},
    ),
    ("X", "x", "https://x.com/intent/post", lambda url, text: {"url": url, "text": text}),
    (
        "Telegram",
        "telegram",
        "https://t.me/share/url",
        lambda url, text: {"url": url, "text": text},
    ),
)


def links(url, text):
    """[(name, css modifier, href)] sharing `url` (the page's canonical) with `text`."""
    return [
        (name, modifier, f"{page}?{urlencode(params(url, text))}")
        for name, modifier, page, params in NETWORKS
    ]
