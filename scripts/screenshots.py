"""Screenshots of the built site at desktop and phone widths, for looking at changes.

Usage: python scripts/screenshots.py [SITE_DIR] [OUT_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402  (one place for the browser's flags)

SIZES = {"desktop": (1280, 900), "phone": (390, 844)}


def main() -> None:
    site = Path(sys.argv[1] if len(sys.argv) > 1 else "site").resolve()
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    paper = sorted((site / "papers").glob("*.html"))[0]
    topic = site / "topics" / "quantization.html"
    pages = {"home": site / "index.html", "topic": topic, "paper": paper}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size, (w, h) in SIZES.items():
            page = browser.new_page(viewport={"width": w, "height": h})
            for name, path in pages.items():
                page.goto(path.as_uri())
                page.screenshot(path=str(out / f"{name}-{size}.png"), full_page=False)
            page.close()
        browser.close()
    print(f"screenshots in {out}/")


if __name__ == "__main__":
    main()
