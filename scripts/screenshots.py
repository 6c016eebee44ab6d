"""Screenshots of the built site at desktop and phone widths, light and dark, for looking at
changes: one page of every kind, and a paper with imported authors where the site has one.

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
    papers = sorted((site / "papers").glob("*.html"))
    cited = [p for p in papers if 'name="citation_author"' in p.read_text(encoding="utf-8")]
    topics = sorted(p for p in (site / "topics").glob("*.html") if p.stem != "index")
    listings = sorted(p for p in (site / "listings").glob("*.html") if p.stem != "index")
    pages = {
        "home": site / "index.html",
        "topic": site / "topics" / "quantization.html",
        "topic-archive": next((p for p in topics if p.stem[-1].isdigit()), topics[0]),
        "paper": papers[0],
        "paper-with-authors": cited[0] if cited else papers[0],
        "a-z": site / "az" / "index.html",
        "letter": site / "az" / "a.html",
        "listing": listings[0],
        "not-found": site / "404.html",
    }
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for scheme in ("light", "dark"):
            for size, (w, h) in SIZES.items():
                page = browser.new_page(viewport={"width": w, "height": h}, color_scheme=scheme)
                for name, path in pages.items():
                    page.goto(path.as_uri())
                    page.screenshot(path=str(out / f"{name}-{size}-{scheme}.png"), full_page=False)
                page.close()
        browser.close()
    print(f"screenshots in {out}/")


if __name__ == "__main__":
    main()
