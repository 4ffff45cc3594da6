"""Screenshot pages of a running site in Debian's headless Chromium, phone and desktop.

.venv/bin/python scripts/screenshot.py http://localhost:8000/ [URL ...] --out shots/
"""

import argparse
import re
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
WIDTHS = {"phone": 390, "desktop": 1280}
SCROLL_THROUGH = """async () => {
  for (let y = 0; y < document.body.scrollHeight; y += 600) {
    window.scrollTo(0, y);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--out", type=Path, default=Path("shots"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for url in args.urls:
            name = re.sub(r"[^a-z0-9]+", "-", url.split("//", 1)[-1].lower()).strip("-")
            for device, width in WIDTHS.items():
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(url)
                # Scroll through once so lazily loaded photos are in the picture.
                page.evaluate(SCROLL_THROUGH)
                page.wait_for_load_state("networkidle")
                page.evaluate("window.scrollTo(0, 0)")
                path = args.out / f"{name}-{device}.png"
                page.screenshot(path=path, full_page=True)
                page.close()
                print(path)
        browser.close()


if __name__ == "__main__":
    main()
