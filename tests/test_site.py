"""The built site, from a real `mkdocs build --strict`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from generator.slugs import slugify

from .conftest import ABSTRACT, ROOT, listing, subprocess_env
from .sitebuild import make_project, mkdocs_build, run_cli

pytestmark = pytest.mark.slow

HOSTILE = [
    "<script>window.__pwned = 1</script> Scripted Title",
    '<img src=x onerror="window.__pwned = 2"> Image Title',
    "**Bold** _under_ | pipe | # hash [link](https://evil.example) `code` Markdown Title",
    "$x^2$ and {{ config.site_name }} {% if 1 %}yes{% endif %} Template Title",
    "&lt;b&gt;Entity&lt;/b&gt; &amp; Ampersand Title",
    "</title><script>window.__pwned = 3</script> Breakout Title",
]
HOSTILE_ABSTRACT = "<script>window.__pwned = 4</script> *emph* [x](javascript:alert(1)) {{ 7*7 }} $E=mc^2$ " + ABSTRACT


@pytest.fixture(scope="session")
def seeds_site(tmp_path_factory) -> Path:
    return mkdocs_build(make_project(tmp_path_factory.mktemp("seeds") / "project"))


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory) -> Path:
    seeds = {"000_hostile.txt": listing(*[(t, HOSTILE_ABSTRACT) for t in HOSTILE], date="Mar 18")}
    return mkdocs_build(make_project(tmp_path_factory.mktemp("hostile") / "project", seeds))


class _Texts(HTMLParser):
    """Collects the text of chosen elements and every tag and attribute seen."""

    def __init__(self, wanted: set[str]):
        super().__init__()
        self.wanted, self.stack, self.texts, self.tags = wanted, [], {}, []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in self.wanted:
            self.stack.append(tag)
            self.texts.setdefault(tag, []).append("")

    def handle_endtag(self, tag):
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_data(self, data):
        if self.stack:
            self.texts[self.stack[-1]][-1] += data


def parse(path: Path, wanted=("h1", "title", "article")) -> _Texts:
    parser = _Texts(set(wanted))
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def paper_pages(site: Path) -> list[Path]:
    return sorted((site / "papers").glob("*.html"))


def test_every_seed_paper_has_a_page(seeds_site):
    assert len(paper_pages(seeds_site)) == 261


def test_hostile_titles_and_abstracts_are_shown_literally(hostile_site):
    pages = paper_pages(hostile_site)
    assert len(pages) == len(HOSTILE)
    seen_titles = set()
    for page in pages:
        doc = parse(page)
        [h1] = [t.replace("\u00b6", "").strip() for t in doc.texts["h1"]]  # minus the permalink mark
        seen_titles.add(h1)
        assert doc.texts["title"] == [f"{h1} - Reading list"]
        article = " ".join(doc.texts["article"][0].split())
        assert " ".join(HOSTILE_ABSTRACT.split()) in article
    assert seen_titles == set(HOSTILE)


def test_nothing_in_untrusted_text_becomes_markup(hostile_site):
    for page in [
        *paper_pages(hostile_site),
        hostile_site / "index.html",
        *sorted((hostile_site / "az").glob("*.html")),
    ]:
        doc = parse(page)
        inline_scripts = [a for t, a in doc.tags if t == "script" and "src" not in a]
        assert all(a.get("id") == "__config" or a == {} for a in inline_scripts)
        text = page.read_text(encoding="utf-8")
        assert "__pwned" not in "".join(re.findall(r"<script\b[^>]*>.*?</script>", text, re.S))
        assert not [a for t, a in doc.tags if t == "img" and a.get("src") == "x"]
        assert not [a for t, a in doc.tags if t == "a" and urlsplit(a.get("href", "")).netloc == "evil.example"]
        assert not [a for t, a in doc.tags if t == "a" and a.get("href", "").startswith("javascript:")]
        if page.parent.name == "papers":  # paper templates use no emphasis, code or tables themselves
            assert not [t for t, _ in doc.tags if t in ("strong", "em", "code", "table")]
        assert "49" not in re.sub(r"<[^>]+>", "", text).replace("2049", "")  # {{ 7*7 }} not evaluated


def _local_targets(site: Path):
    # 404.html included: its addresses are relative to the site's root, where it stands.
    for page in site.rglob("*.html"):
        for tag, attrs in parse(page, wanted=()).tags:
            for key in ("href", "src"):
                url = attrs.get(key)
                if not url or url.startswith(("#", "mailto:", "data:")):
                    continue
                parts = urlsplit(url)
                if parts.scheme or parts.netloc:
                    yield page, tag, key, url, None
                else:
                    yield page, tag, key, url, (page.parent / unquote(parts.path)).resolve()


def test_every_local_link_resolves_to_a_file_so_the_site_works_from_disk(seeds_site):
    broken = [(p.name, url) for p, _, _, url, target in _local_targets(seeds_site) if target and not target.is_file()]
    assert broken == []


def attrs_rel(page: Path, url: str) -> str:
    return next((a.get("rel", "") for t, a in parse(page, wanted=()).tags if t == "link" and a.get("href") == url), "")


def test_nothing_is_loaded_from_another_host(seeds_site):
    loads = [
        (p.name, url)
        for p, tag, key, url, target in _local_targets(seeds_site)
        if target is None and (key == "src" or (tag == "link" and attrs_rel(p, url) != "canonical"))
    ]
    assert loads == []
    assert "fonts.googleapis" not in (seeds_site / "index.html").read_text()
    assert "unpkg.com" not in (seeds_site / "index.html").read_text()


def test_a_paper_page_links_to_at_most_five_other_papers_and_not_to_the_whole_list(seeds_site):
    for page in paper_pages(seeds_site)[:20]:
        links = {a["href"] for t, a in parse(page, wanted=()).tags if t == "a" and a.get("href", "").endswith(".html")}
        papers = {h for h in links if "/" not in h and h != page.name}
        assert 1 <= len(papers) <= 5, page.name


def test_papers_json_lists_every_paper_with_its_page(seeds_site):
    data = json.loads((seeds_site / "papers.json").read_text(encoding="utf-8"))
    assert data["version"] == 1
    papers = data["papers"]
    assert len(papers) == 261
    fields = {"slug", "title", "abstract", "url", "topics", "listings", "links", "note", "authors", "published"}
    assert all(set(p) == fields for p in papers)
    assert all((seeds_site / p["url"]).is_file() for p in papers)
    assert sum(len(p["listings"]) for p in papers) == 309
    assert {lst["date"] for p in papers for lst in p["listings"]} == {"Mar 18", "Mar 12", "Jun 6", "Mar 11"}


def test_home_page_shows_counts_topics_and_the_latest_listing(seeds_site):
    doc = parse(seeds_site / "index.html")
    text = " ".join(doc.texts["article"][0].split())
    assert "261 papers from 4 listings (309 entries" in text
    assert "Latest listing: Mar 11" in text and "100 papers" in text
    assert "Quantization (" in text


def test_topic_pages_list_papers_most_relevant_first(seeds_site):
    doc = parse(seeds_site / "topics" / "quantization.html", wanted=("article", "a"))
    assert "papers, most relevant first" in doc.texts["article"][0]


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# MkDocs stamps the build date into the sitemap (lastmod) and gzip stamps the time into
# sitemap.xml.gz; everything else must be byte-identical.
STAMPED = {"sitemap.xml", "sitemap.xml.gz"}


def test_two_builds_of_the_same_input_are_byte_identical(tmp_path, seeds_site):
    first = seeds_site.parent
    second = make_project(tmp_path / "again")
    mkdocs_build(second)
    assert _tree(first / "docs") == _tree(second / "docs")
    a, b = _tree(first / "site"), _tree(second / "site")
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k] and k not in STAMPED] == []


@pytest.mark.parametrize("which", ["seeds", "hostile"])
def test_pages_filled_into_a_rendered_shape_equal_materials_own_render_byte_for_byte(tmp_path, which, request):
    """Generated pages are rendered once per shape and filled in (mkdocs_hooks._Shapes); the same
    project rendered page by page by Material must give the very same files."""
    site = request.getfixturevalue(f"{which}_site")
    again = tmp_path / "full"
    shutil.copytree(site.parent, again, symlinks=True, ignore=shutil.ignore_patterns("site"))
    full = mkdocs_build(again, READING_LIST_FULL_RENDER="1")
    a, b = _tree(site), _tree(full)
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k] and k not in STAMPED] == []
    # And the shapes were used, not quietly given up for full renders.
    log = subprocess.run(
        [str(Path(sys.executable).parent / "mkdocs"), "build", "--strict"],
        cwd=again,
        capture_output=True,
        text=True,
        env=subprocess_env(),
    ).stderr
    counts = re.search(r"(\d+) pages filled into \d+ page shapes, (\d+) rendered in full; (\d+) written beside", log)
    filled, full_renders, beside = map(int, counts.groups())
    assert filled >= len(paper_pages(site)) and full_renders == 0
    # Written by a process of their own while MkDocs built the next pages, MkDocs' notice that
    # it skipped each of them left out of the log.
    assert beside >= len(paper_pages(site)) and "Page skipped" not in log


def test_a_build_whose_mkdocs_writes_over_pages_written_beside_it_fails_instead_of_leaving_them(tmp_path, monkeypatch):
    """Pages written beside MkDocs are handed to it empty, which MkDocs 1.6 does not write; a
    version that wrote them would empty the site's pages, so the build must stop instead."""
    from types import SimpleNamespace

    from mkdocs.exceptions import PluginError

    from generator import mkdocs_hooks, parallel

    path = tmp_path / "site" / "papers" / "a.html"
    page = SimpleNamespace(file=SimpleNamespace(src_uri="papers/a.md", abs_dest_path=str(path)))
    monkeypatch.setattr(mkdocs_hooks._LastRun, "pages", {"papers/a.md": "{}"})
    monkeypatch.setattr(mkdocs_hooks._LastRun, "writer", mkdocs_hooks._PageWriter())
    assert mkdocs_hooks.on_post_page("<html>the page</html>", page, None) == ""
    close = parallel.Writer.close

    def then_mkdocs_writes_it_empty(writer):
        close(writer)
        path.write_bytes(b"")

    monkeypatch.setattr(parallel.Writer, "close", then_mkdocs_writes_it_empty)
    with pytest.raises(PluginError, match="papers/a.html is not the page the generator wrote"):
        mkdocs_hooks.on_post_build(None)


def test_a_maintainers_own_pages_and_styles_appear_in_the_site(tmp_path):
    project = make_project(tmp_path / "own", {"000_a.txt": listing(("A Paper", ABSTRACT), date="Mar 1")})
    (project / "docs" / "about.md").write_text("# About this list\n\nWritten by hand.\n")
    (project / "docs" / "assets").mkdir()
    (project / "docs" / "assets" / "custom.css").write_text("body { margin: 0 }\n")
    site = mkdocs_build(project)
    assert "Written by hand." in (site / "about.html").read_text(encoding="utf-8")
    assert (site / "assets" / "custom.css").read_text() == "body { margin: 0 }\n"
    mkdocs_build(project)  # and again: nothing of theirs is removed by a rebuild
    assert (project / "docs" / "about.md").is_file() and (project / "docs" / "assets" / "custom.css").is_file()


def test_adding_a_listing_as_the_readme_says_keeps_checks_and_build_green(tmp_path):
    project = make_project(tmp_path / "real", real=True)
    names = sorted(p.name for p in (project / "seeds").glob("*.txt"))
    new = f"{int(names[-1][:3]) + 1:03d}_added_by_a_test.txt"
    titles = ["Zyzzyva Quantization Tricks for Tiny Transformers", "A Zyzzyva Benchmark of Retrieval Agents"]
    (project / "seeds" / new).write_text(listing(*[(t, ABSTRACT) for t in titles], date="Dec 24"))
    check = run_cli("--root", str(project), "check")
    assert check.returncode == 0, check.stderr
    site = mkdocs_build(project)
    pages = {p.stem for p in paper_pages(site)}
    assert {slugify(t) for t in titles} <= pages
    data = json.loads((site / "papers.json").read_text(encoding="utf-8"))
    assert {p["slug"] for p in data["papers"]} == pages
    home = " ".join(parse(site / "index.html").texts["article"][0].split())
    assert "Latest listing: Dec 24" in home and titles[0] in home


def test_mkdocs_runs_the_working_trees_generator(tmp_path, monkeypatch):
    # Another `generator` package on the path, as an installed copy would be: it must lose.
    (tmp_path / "decoy" / "generator").mkdir(parents=True)
    (tmp_path / "decoy" / "generator" / "__init__.py").write_text("raise ImportError('the decoy was imported')\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "decoy"))
    project = make_project(tmp_path / "probe", {"000_a.txt": listing(("A Paper", ABSTRACT))})
    # A second hook records which generator package the build imported.
    (project / "probe.py").write_text(
        "import sys\nfrom pathlib import Path\n\n"
        "def on_post_build(config):\n"
        "    Path('imported.txt').write_text(sys.modules['generator.build'].__file__)\n"
    )
    config = (
        (project / "mkdocs.yml")
        .read_text()
        .replace("  - generator/mkdocs_hooks.py\n", "  - generator/mkdocs_hooks.py\n  - probe.py\n")
    )
    (project / "mkdocs.yml").write_text(config)
    mkdocs_build(project)
    imported = Path((project / "imported.txt").read_text()).resolve()
    assert imported == (ROOT / "generator" / "build.py").resolve()


def test_titles_beyond_the_basic_plane_keep_a_valid_page_header(tmp_path):
    titles = ["Robots 🤖 with emoji 🚀", "𝒪(log n) Attention for 𝔏anguage Models"]
    abstract = "We achieve 𝒪(log n) time 🚀. " + ABSTRACT
    project = make_project(tmp_path / "emoji", {"000_a.txt": listing(*[(t, abstract) for t in titles])})
    site = mkdocs_build(project)
    for title in titles:
        doc = parse(site / "papers" / f"{slugify(title)}.html")
        assert doc.texts["title"] == [f"{title} - Reading list"]
        assert [h.replace("\u00b6", "").strip() for h in doc.texts["h1"]] == [title]
        assert "We achieve 𝒪(log n) time 🚀." in doc.texts["article"][0]


def test_hand_written_pages_still_get_markdown_while_generated_ones_are_taken_as_written(hostile_site, tmp_path):
    project = make_project(tmp_path / "md", {"000_a.txt": listing(("**Not Bold** Title", ABSTRACT))})
    (project / "docs" / "about.md").write_text("# About\n\nThis is **bold** and [a link](index.md).\n")
    site = mkdocs_build(project)
    about = (site / "about.html").read_text(encoding="utf-8")
    assert "<strong>bold</strong>" in about and 'href="index.html"' in about
    paper = (site / "papers" / f"{slugify('**Not Bold** Title')}.html").read_text(encoding="utf-8")
    assert "**Not Bold** Title" in paper and "<strong>Not Bold</strong>" not in paper
    # Material's table of contents lists the generated page's sections.
    for anchor in ("topics", "appeared-in", "read-it"):
        assert f'<a href="#{anchor}" class="md-nav__link">' in paper


def test_a_to_z_files_titles_by_their_first_letter_without_accents(tmp_path):
    titles = ["İstanbul Models", "(Dynamic) Prompting Might Be All You Need", "Élan Vital for Agents", "東京 Models"]
    site = mkdocs_build(make_project(tmp_path / "az", {"000_a.txt": listing(*[(t, ABSTRACT) for t in titles])}))
    pages = {p.stem for p in (site / "az").glob("*.html")}
    assert pages == {"index", "i", "d", "e", "other"}
    index = " ".join(parse(site / "az" / "index.html").texts["article"][0].split())
    assert "I: 1 paper" in index and "1 papers" not in index


def test_each_listing_has_a_page_with_its_papers_in_listing_order_reachable_from_home_and_papers(seeds_site):
    from generator.listings import parse_listing

    from .conftest import SEED_FIXTURE

    source = SEED_FIXTURE / "003_17081d9da8fb9dc1.txt"
    listing_, _ = parse_listing(source.read_bytes(), str(source))
    in_order = list(dict.fromkeys(slugify(e.title) for e in listing_.entries))
    page_ = seeds_site / "listings" / "003_17081d9da8fb9dc1.html"
    doc = parse(page_, wanted=("h1",))
    assert [h.replace("\u00b6", "").strip() for h in doc.texts["h1"]] == ["Listing: Mar 11"]
    shown = [a["href"] for t, a in doc.tags if t == "a" and a.get("href", "").startswith("../papers/")]
    assert shown == [f"../papers/{slug}.html" for slug in in_order[:50]]
    second = parse(seeds_site / "listings" / "003_17081d9da8fb9dc1--2.html", wanted=())
    assert [a["href"] for t, a in second.tags if t == "a" and a.get("href", "").startswith("../papers/")] == [
        f"../papers/{slug}.html" for slug in in_order[50:100]
    ]
    home = parse(seeds_site / "index.html", wanted=())
    assert any(a.get("href") == "listings/003_17081d9da8fb9dc1.html" for t, a in home.tags if t == "a")
    paper = parse(seeds_site / "papers" / f"{in_order[0]}.html", wanted=())
    assert any(a.get("href") == "../listings/003_17081d9da8fb9dc1.html" for t, a in paper.tags if t == "a")


def test_browsers_are_offered_the_sites_search(seeds_site):
    import xml.etree.ElementTree as ET

    import yaml

    site_url = yaml.safe_load((ROOT / "mkdocs.yml").read_text())["site_url"]
    ns = {"os": "http://a9.com/-/spec/opensearch/1.1/"}
    root = ET.parse(seeds_site / "opensearch.xml").getroot()
    assert len(root.find("os:ShortName", ns).text) <= 16
    assert root.find("os:Url", ns).get("template") == site_url + "index.html?q={searchTerms}"
    for page in (seeds_site / "index.html", paper_pages(seeds_site)[0]):
        links = [a for t, a in parse(page, wanted=()).tags if t == "link" and a.get("rel") == "search"]
        assert [a["type"] for a in links] == ["application/opensearchdescription+xml"]
        assert (page.parent / links[0]["href"]).resolve() == (seeds_site / "opensearch.xml").resolve()


def test_a_paper_with_an_arxiv_id_links_its_abstract_pdf_and_paper_pages_and_no_citation_tags(tmp_path):
    project = make_project(
        tmp_path / "arxiv", {"000_a.txt": listing(("A Paper", ABSTRACT), ("Another Paper", ABSTRACT))}
    )
    (project / "data" / "curation.yaml").write_text("papers:\n  - title: A Paper\n    links: {arxiv: '2401.01234v2'}\n")
    site = mkdocs_build(project)
    doc = parse(site / "papers" / "a-paper.html", wanted=())
    hrefs = {a["href"] for t, a in doc.tags if t == "a" and "href" in a}
    assert {
        "https://arxiv.org/abs/2401.01234v2",
        "https://arxiv.org/pdf/2401.01234v2",
        "https://huggingface.co/papers/2401.01234",
        "https://www.semanticscholar.org/arxiv/2401.01234",
    } <= hrefs
    assert not [a for t, a in doc.tags if t == "meta" and a.get("name", "").startswith("citation_")]
    other = parse(site / "papers" / "another-paper.html", wanted=())
    assert any(a.get("href", "").startswith("https://arxiv.org/search/") for t, a in other.tags if t == "a")


def test_pages_offer_feeds_and_cite_only_papers_with_real_authors_and_dates(tmp_path):
    project = make_project(tmp_path / "meta", {"000_a.txt": listing(("A Paper", ABSTRACT), ("Bare Paper", ABSTRACT))})
    (project / "data" / "metadata").mkdir()
    (project / "data" / "metadata" / "a.yaml").write_text(
        "papers:\n- title: A Paper\n  arxiv: '2401.01234'\n  authors: ['Ada \"<b>\" Lovelace']\n"
        "  published: 2024-01-02\n- title: Bare Paper\n  arxiv: '2401.05678'\n"
    )
    site = mkdocs_build(project)
    doc = parse(site / "papers" / "a-paper.html", wanted=())
    meta = [(a["name"], a["content"]) for t, a in doc.tags if t == "meta" and a.get("name", "").startswith("citation_")]
    assert meta == [
        ("citation_title", "A Paper"),
        ("citation_author", 'Ada "<b>" Lovelace'),  # literal: the attribute was escaped
        ("citation_publication_date", "2024/01/02"),
        ("citation_arxiv_id", "2401.01234"),
        ("citation_pdf_url", "https://arxiv.org/pdf/2401.01234"),
    ]
    assert not [t for t, a in doc.tags if t == "b"]
    bare = parse(site / "papers" / "bare-paper.html", wanted=())
    assert not [a for t, a in bare.tags if t == "meta" and a.get("name", "").startswith("citation_")]

    topic = next(p for p in sorted((site / "topics").glob("*.html")) if p.stem != "index")
    for page in [site / "index.html", site / "papers" / "a-paper.html", topic, site / "listings" / "index.html"]:
        feeds = [a for t, a in parse(page, wanted=()).tags if t == "link" and a.get("type") == "application/atom+xml"]
        targets = [(page.parent / a["href"]).resolve() for a in feeds]
        expected = [site / "feeds" / "all.xml"] + ([site / "feeds" / "topics" / f"{topic.stem}.xml"] * (page == topic))
        assert targets == [p.resolve() for p in expected], page
        assert all(t.is_file() for t in targets)
    for page, feed in [(site / "index.html", "feeds/all.xml"), (topic, f"../feeds/topics/{topic.stem}.xml")]:
        visible = [a for t, a in parse(page, wanted=()).tags if t == "a" and a.get("class") == "feed-link"]
        assert [a["href"] for a in visible] == [feed]
