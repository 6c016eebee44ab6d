"""What only a browser shows: search, no requests to other hosts, no script from content."""

from __future__ import annotations

import pytest

from .browser import CHROMIUM, CHROMIUM_ARGS, Guard, serve, serve_pages
from .test_site import hostile_site, seeds_site  # noqa: F401  (session fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Several seed titles are near-identical to this one ("A Survey of GPT-3 Family Large Language Models ...").
EXACT_TITLE = "A Survey of Large Language Models"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(params=["http", "file"])
def site_url(request, seeds_site):  # noqa: F811
    if request.param == "file":
        yield seeds_site.as_uri() + "/"
    else:
        with serve(seeds_site) as url:
            yield url


@pytest.fixture
def page(browser):
    context = browser.new_context()
    guard = Guard(context)
    page = context.new_page()
    page.guard = guard
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    yield page
    context.close()


def search(page, query: str) -> list[dict]:
    page.evaluate("window.__resultsSeen = null")
    page.locator(".md-search__input").first.click(force=True)
    page.keyboard.type(query, delay=5)
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    # Results follow each keystroke, and on a busy machine the answer to "Mixture of exp" can
    # still be on screen when the whole query is typed: wait until the list has stopped
    # changing for half a second with the whole query in the box.
    page.wait_for_function(
        """q => { const i = document.querySelector('.md-search__input');
                  const list = document.querySelector('.md-search-result__list');
                  if (!i || i.value !== q || !list || !list.children.length) return false;
                  const w = window.__resultsSeen || (window.__resultsSeen = {html: null, since: 0});
                  if (w.html !== list.innerHTML) { w.html = list.innerHTML; w.since = performance.now(); return false; }
                  return performance.now() - w.since > 500; }""",
        arg=query,
        polling=100,
        timeout=15000,
    )
    return page.eval_on_selector_all(
        ".md-search-result__item",
        """items => items.map(i => ({
            href: i.querySelector('a').getAttribute('href'),
            title: (i.querySelector('h1, h2') || i).innerText.trim(),
            text: i.innerText.trim(),
        }))""",
    )


def test_pages_make_no_request_to_another_host(page, site_url):
    for path in ("index.html", "topics/quantization.html", "az/index.html"):
        page.goto(site_url + path)
        page.wait_for_load_state("networkidle")
    search(page, "quantization")
    assert page.guard.outside == []
    assert page.errors == []


def test_exact_title_finds_that_paper_first(page, site_url):
    page.goto(site_url + "index.html")
    results = search(page, EXACT_TITLE)
    assert results[0]["title"] == EXACT_TITLE
    assert page.guard.outside == []


def test_a_word_found_only_in_one_abstract_finds_that_paper(page, site_url):
    page.goto(site_url + "index.html")
    results = search(page, "FedSpine")
    assert [r["title"] for r in results] == [
        "Efficient Deployment of Large Language Models on Resource-constrained Devices"
    ]


def test_a_topic_name_finds_the_topic_page(page, site_url):
    page.goto(site_url + "index.html")
    results = search(page, "Mixture of experts")
    assert results[0]["href"].split("?")[0].endswith("topics/mixture-of-experts.html")


def test_a_word_prefix_finds_papers_and_results_show_an_excerpt_not_the_abstract(page, site_url):
    page.goto(site_url + "papers/" + "a-survey-on-mixture-of-experts.html")
    results = search(page, "quantiz")
    assert len(results) >= 5
    assert all("quantiz" in r["text"].lower() for r in results[:5])
    assert all(len(r["text"]) < 400 for r in results)


def test_following_a_search_result_opens_the_paper(page, site_url):
    page.goto(site_url + "index.html")
    search(page, EXACT_TITLE)
    page.locator(".md-search-result__item a").first.click()
    page.wait_for_load_state()
    assert page.locator("article h1").inner_text().replace("\u00b6", "").strip() == EXACT_TITLE


def test_no_script_from_titles_or_abstracts_runs(browser, hostile_site):  # noqa: F811
    context = browser.new_context()
    Guard(context)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pages = ["index.html", "az/index.html", *[f"papers/{p.name}" for p in sorted((hostile_site / "papers").iterdir())]]
    for path in pages:
        page.goto((hostile_site / path).as_uri())
        page.wait_for_load_state("load")
        assert page.evaluate("typeof window.__pwned") == "undefined", path
    # The script text is there, as text, where readers can see it.
    page.goto((hostile_site / "index.html").as_uri())
    assert "<script>window.__pwned = 1</script> Scripted Title" in page.locator("article").inner_text()
    # Search results show titles and excerpts as text too.
    results = search(page, "Scripted Title")
    assert results[0]["title"].startswith("<script>window.__pwned = 1</script>")
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert dialogs == []
    context.close()


def _looks_styled_and_offers_a_way_on(page) -> None:
    page.wait_for_load_state("networkidle")
    header = page.evaluate("getComputedStyle(document.querySelector('.md-header')).backgroundColor")
    assert header not in ("rgba(0, 0, 0, 0)", "transparent"), header  # Material's stylesheet applied
    logo = page.evaluate("document.querySelector('.md-logo img, .md-logo svg').getBoundingClientRect().height")
    assert 0 < logo <= 48
    assert page.locator(".md-search__input").count() == 1
    page.get_by_role("link", name="topics").first.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("topics/index.html") and "Topics" in page.title()


@pytest.mark.parametrize("where", ["root", "sub-path", "disk"])
def test_the_404_page_is_styled_and_leads_on_wherever_it_is_served(page, seeds_site, tmp_path, where):  # noqa: F811
    if where == "disk":
        page.goto((seeds_site / "404.html").as_uri())
        _looks_styled_and_offers_a_way_on(page)
    elif where == "root":
        with serve_pages(seeds_site, {"/": seeds_site}) as url:
            page.goto(url + "no/such/page.html")
            _looks_styled_and_offers_a_way_on(page)
    else:
        (tmp_path / "REPO").symlink_to(seeds_site)
        with serve_pages(tmp_path, {"/REPO/": seeds_site}) as url:
            page.goto(url + "REPO/papers/deep/missing.html")
            _looks_styled_and_offers_a_way_on(page)
    assert page.guard.outside == []
    assert page.errors == []


def test_search_reports_the_true_number_of_matches_and_shows_more_on_request(page, site_url):
    page.goto(site_url + "index.html")
    search(page, "language")
    meta = page.locator(".md-search-result__meta")
    page.wait_for_function(
        "() => /the best 20 shown/.test(document.querySelector('.md-search-result__meta').textContent)"
    )
    total = int(meta.inner_text().split()[0])
    assert total > 200  # "language" is in most abstracts; the worker returns 20 at a time
    # On a busy machine Material can still send the typed query after the click: its answer
    # rightly starts the list again at the first 20, and the reader asks for more again.
    for attempt in range(3):
        page.locator(".rl-search-more").click()
        try:
            page.wait_for_function(
                "() => /the best 70 shown/.test(document.querySelector('.md-search-result__meta').textContent)",
                timeout=15000,
            )
            break
        except Exception as e:  # playwright's TimeoutError; playwright is imported lazily here
            if type(e).__name__ != "TimeoutError":
                raise
            if attempt == 2:
                raise
    assert int(meta.inner_text().split()[0]) == total
    # Material adds results to the list as the reader scrolls down it.
    for _ in range(10):
        page.eval_on_selector(
            ".md-search__scrollwrap", "el => { el.scrollTop = el.scrollHeight; el.dispatchEvent(new Event('scroll')); }"
        )
        page.wait_for_timeout(200)
    assert page.locator(".md-search-result__item").count() > 10  # past Material's first ten
    assert page.guard.outside == [] and page.errors == []


def test_a_query_with_few_matches_says_exactly_how_many(page, site_url):
    page.goto(site_url + "index.html")
    results = search(page, EXACT_TITLE)
    assert results
    page.wait_for_function(
        "() => /matching document/.test(document.querySelector('.md-search-result__meta').textContent)"
    )
    text = page.locator(".md-search-result__meta").inner_text()
    count = int(text.split()[0])
    assert count >= len(results)
    assert ("the best" in text) == (count > 20) and page.locator(".rl-search-more").count() == (count > 20)


def test_no_search_file_is_loaded_before_a_search(browser, seeds_site):  # noqa: F811
    context = browser.new_context()
    requested: list[str] = []
    context.on("request", lambda r: requested.append(r.url))
    page = context.new_page()
    with serve(seeds_site) as url:
        page.goto(url + "index.html")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)
        assert not [u for u in requested if "lunr" in u or "/search/meta.js" in u or "/search/t/" in u]
        page.locator(".md-search__input").first.click(force=True)
        page.keyboard.type("quantization", delay=5)
        page.wait_for_selector(".md-search-result__item", timeout=15000)
        assert [u for u in requested if "/search/meta.js" in u]
    context.close()


def test_links_in_text_are_underlined_and_header_tabs_fully_opaque(page, site_url):
    page.goto(site_url + "index.html")
    script = "getComputedStyle(document.querySelector('article p a[href=\\'papers.json\\']')).textDecorationLine"
    assert page.evaluate(script) == "underline"
    assert page.evaluate("getComputedStyle(document.querySelector('.md-tabs__link')).opacity") == "1"


def test_a_search_can_be_opened_by_address(page, site_url):
    page.goto(site_url + "topics/index.html?q=quantization")
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    titles = page.eval_on_selector_all(
        ".md-search-result__item h1, .md-search-result__item h2", "e => e.map(x => x.innerText)"
    )
    assert any("Quantization" in t for t in titles)
    assert page.guard.outside == [] and page.errors == []


def test_a_reader_finds_and_follows_the_feeds_from_the_pages(page, site_url):
    from urllib.parse import unquote

    import feedparser

    for start, name in [("index.html", "Follow new papers: Atom feed"), ("topics/reasoning.html", "Follow this topic")]:
        page.goto(site_url + start)
        link = page.get_by_role("link", name=name)
        assert link.is_visible()
        href = page.evaluate("a => a.href", link.element_handle())
        advertised = page.eval_on_selector_all(
            "link[rel=alternate][type='application/atom+xml']", "ls => ls.map(l => l.href)"
        )
        assert href in advertised  # the one feed readers discover is the one the link shows
        if href.startswith("http"):
            feed = feedparser.parse(page.request.get(href).body())
        else:
            feed = feedparser.parse(unquote(href.removeprefix("file://")))
        assert not feed.bozo and feed.entries
        assert all(e.link.endswith(".html") and e.title for e in feed.entries)
    assert page.guard.outside == [] and page.errors == []
