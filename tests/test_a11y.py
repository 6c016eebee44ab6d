"""Accessibility: axe-core finds no serious or critical violation on any kind of page, light or
dark, and the site can be used with the keyboard alone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .browser import serve
from .conftest import ROOT
from .test_browser import browser, search  # noqa: F401  (module fixture, helper)
from .test_site import seeds_site  # noqa: F401  (session fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Installed from npm by ./dev.sh test (tests/a11y/package.json, package-lock.json).
AXE = ROOT / "tests" / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
MATERIAL_SEARCH = Path(__import__("material").__file__).parent / "templates" / "partials" / "search.html"


def page_types(site: Path) -> dict[str, str]:
    """One page of every kind the site has."""
    first_listing = sorted(p.name for p in (site / "listings").glob("*.html") if p.stem != "index")[0]
    return {
        "home": "index.html",
        "topics": "topics/index.html",
        "topic": "topics/quantization.html",
        "paper": "papers/" + sorted(p.name for p in (site / "papers").glob("*.html"))[0],
        "a-z": "az/index.html",
        "letter": "az/a.html",
        "listings": "listings/index.html",
        "listing": "listings/" + first_listing,
        "not found": "404.html",
    }


def serious(page) -> list[str]:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: ./dev.sh test installs it (npm ci in tests/a11y)")
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => (await axe.run(document)).violations
             .filter(v => v.impact === 'serious' || v.impact === 'critical')
             .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at ' + v.nodes.map(n => n.target.join(' ')).join(', '))"""
    )
    return found


@pytest.fixture(scope="module")
def site_root(seeds_site):  # noqa: F811
    with serve(seeds_site) as url:
        yield url


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violation_on_any_kind_of_page(browser, seeds_site, site_root, scheme):  # noqa: F811
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    try:
        problems = {}
        for kind, path in page_types(seeds_site).items():
            page.goto(site_root + path)
            expected = "slate" if scheme == "dark" else "default"
            assert page.get_attribute("body", "data-md-color-scheme") == expected, kind
            if found := serious(page):
                problems[kind] = found
        page.goto(site_root + "index.html")
        search(page, "quantization")  # the open search dialog with results, too
        if found := serious(page):
            problems["search results"] = found
        assert problems == {}
    finally:
        context.close()


def test_the_search_dialog_partial_is_materials_own_but_for_its_name():
    ours = (ROOT / "overrides" / "partials" / "search.html").read_text()
    theirs = MATERIAL_SEARCH.read_text()
    body = re.sub(r"^\{#-.*?-#\}\n", "", ours, count=1, flags=re.S)
    assert body.replace(" aria-label=\"{{ lang.t('search') }}\"", "", 1) == re.sub(
        r"^\{#-.*?-#\}\n", "", theirs, count=1, flags=re.S
    ), "Material's partials/search.html changed: copy it again into overrides/partials/ and name the dialog"


def _focused(page) -> dict:
    """The focused element, and whether focus changes how it looks (outline, shadow, colours)."""
    return page.evaluate(
        """() => { const e = document.activeElement;
                   const look = () => { const s = getComputedStyle(e);
                     return [s.outlineStyle, s.outlineWidth, s.boxShadow, s.backgroundColor, s.color].join('|'); };
                   const focused = look(); e.blur(); const plain = look(); e.focus({focusVisible: true});
                   return {tag: e.tagName, text: (e.innerText || e.getAttribute('aria-label') || '').trim(),
                           href: e.getAttribute('href'), inArticle: !!e.closest('article'),
                           visible: focused !== plain}; }"""
    )


def test_every_link_of_a_page_is_reached_by_tab_with_a_visible_focus(browser, seeds_site, site_root):  # noqa: F811
    page = browser.new_page()
    try:
        path = page_types(seeds_site)["paper"]
        page.goto(site_root + path)
        # Styles are compared at once, focused and not: transitions would hide the change.
        page.add_style_tag(content="*, *::before, *::after { transition: none !important; }")
        page.keyboard.press("Tab")
        first = _focused(page)
        assert first["text"].lower().startswith("skip to content")  # the first stop skips the header
        links = page.eval_on_selector_all("article a[href]", "as => as.map(a => a.getAttribute('href'))")
        reached = []
        for _ in range(400):
            page.keyboard.press("Tab")
            now = _focused(page)
            if now["inArticle"]:
                assert now["visible"], f"focus does not show on {now}"
                reached.append(now["href"])
            if now["tag"] == "BODY" or (reached and not now["inArticle"] and len(set(reached)) >= len(set(links))):
                break
        assert set(links) <= set(reached)
    finally:
        page.close()


def test_search_works_from_the_keyboard_alone(browser, seeds_site, site_root):  # noqa: F811
    page = browser.new_page()
    try:
        page.goto(site_root + "index.html")
        page.keyboard.press("/")  # Material's shortcut: focus the search box
        page.keyboard.type("mixture of experts", delay=5)
        page.wait_for_selector(".md-search-result__item")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        # The first result ("Mixture of experts", the topic) opens, with the words marked.
        page.wait_for_url(re.compile(r"/(papers|topics)/[^/]+\.html\?h=mixture"))
        assert "mixture" in page.locator("article h1").inner_text().lower()
    finally:
        page.close()


def test_the_colour_scheme_toggle_works_from_the_keyboard(browser, site_root):  # noqa: F811
    page = browser.new_page(color_scheme="light")
    try:
        page.goto(site_root + "index.html")
        toggle = page.locator("form[data-md-component=palette] label:visible").first
        toggle.focus()
        page.keyboard.press("Enter")
        assert page.get_attribute("body", "data-md-color-scheme") == "slate"
    finally:
        page.close()
