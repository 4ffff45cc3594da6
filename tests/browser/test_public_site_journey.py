"""The public site in a real browser: keyboard, focus, contrast, photos, layout shift.

Run at phone and desktop widths on every page type, with screenshots saved under
test-artifacts/ for people to look at.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser import DESKTOP, PHONE, requires_chromium, screenshot
from tests.factories import make_article, make_photo, make_section

pytestmark = [
    pytest.mark.browser,
    requires_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Text whose colour contrast with its background is below WCAG AA (4.5:1, or 3:1 for
# large text), as [text, ratio]. Backgrounds are read up the ancestors.
LOW_CONTRAST = """() => {
  const rgb = (value) => value.match(/[\\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => {
    const [R, G, B] = [r, g, b].map((c) => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * R + 0.7152 * G + 0.0722 * B;
  };
  const background = (element) => {
    for (let node = element; node; node = node.parentElement) {
      const colour = rgb(getComputedStyle(node).backgroundColor);
      if (colour.length < 4 || colour[3] > 0) return colour;
    }
    return [255, 255, 255];
  };
  const failures = [];
  for (const element of document.querySelectorAll("body *")) {
    const text = [...element.childNodes]
      .filter((n) => n.nodeType === 3).map((n) => n.textContent).join("").trim();
    const box = element.getBoundingClientRect();
    if (!text || box.width < 2 || box.height < 2) continue;
    const style = getComputedStyle(element);
    if (style.visibility === "hidden") continue;
    const [l1, l2] = [luminance(rgb(style.color)), luminance(background(element))]
      .sort((a, b) => b - a);
    const ratio = (l1 + 0.05) / (l2 + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) failures.push([text.slice(0, 40), ratio.toFixed(2)]);
  }
  return failures;
}"""

LAYOUT_SHIFT = """() => new Promise((resolve) => {
  let total = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(total), 300);
})"""


@pytest.fixture
def site(settings):
    settings.ROOT_URLCONF = "tests.urls"  # serves the renditions
    section = make_section(name="Jabar", slug="jabar")
    now = timezone.now()
    lead = make_article(
        headline="Banjir bandang terjang tiga desa di Garut", section=section, tags=["Garut"],
        photo=make_photo(width=1600, height=1000, caption="Warga mengungsi"), published_at=now,
    )  # fmt: skip
    for hours in range(1, 8):
        make_article(
            section=section, published_at=now - timedelta(hours=hours),
            photo=make_photo(width=600, height=400) if hours % 3 else None,
        )  # fmt: skip
    return {
        "home": "/",
        "article": lead.get_absolute_url(),
        "section": section.get_absolute_url(),
        "search": "/cari/?q=banjir+garut",
        "indeks": "/indeks/",
        "404": "/tidak-ada/",
    }


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_every_page_type_reads_well_and_works_with_the_keyboard(
    browser, live_server, site, viewport
):
    device = "phone" if viewport is PHONE else "desktop"
    page = browser.new_page(viewport=viewport)
    for name, path in site.items():
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], name
        assert page.evaluate(LOW_CONTRAST) == [], name
        assert page.evaluate(LAYOUT_SHIFT) < 0.1, name
        assert page.locator("h1").count() == 1, name
        for landmark in ("banner", "navigation", "main", "contentinfo"):
            assert page.get_by_role(landmark).count() >= 1, (name, landmark)

        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Langsung ke konten"
        assert page.locator(".skip-link").bounding_box()["x"] >= 0  # shown when focused
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "konten", name
        for _ in range(3):
            page.keyboard.press("Tab")
            outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert outline != "none", (name, page.evaluate("document.activeElement.outerHTML"))
        screenshot(page, f"public-{name}-{device}")
    page.close()


def test_photos_come_as_avif_sized_and_the_lead_is_not_lazy(browser, live_server, site):
    page = browser.new_page(viewport=PHONE)
    page.goto(live_server.url + site["article"])
    photo = page.locator(".article__photo img")
    photo.evaluate("img => img.decode()")
    # 358 CSS pixels wide at 1x: the smallest rendition that fills it, in AVIF
    assert photo.evaluate("img => img.currentSrc").endswith("-480x300.avif")
    assert (
        photo.get_attribute("loading") is None and photo.get_attribute("alt") == "Warga mengungsi"
    )
    box = photo.bounding_box()
    assert abs(box["width"] / box["height"] - 1.6) < 0.02  # the photo's own shape, reserved
    broken = page.evaluate(
        "[...document.images].filter(img => img.complete && !img.naturalWidth).length"
    )
    assert broken == 0
    page.close()
