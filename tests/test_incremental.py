"""Adding one paper to a large list rewrites a bounded set of files, not every page after it:
topic archive pages follow the order papers joined the list, A–Z pages split by title prefix."""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.synth import generate
from generator import catalogue as cat
from generator import parallel
from generator.build import build_docs, default_sources
from generator.layout import RESERVED
from generator.render import PAGE_SIZE, PageMemo, SiteSettings, _letter, az_key, az_tree

from .conftest import ABSTRACT, ROOT, SEED_FIXTURE, listing

N = 2500


def snapshot(docs: Path) -> dict[str, bytes]:
    return {p.relative_to(docs).as_posix(): p.read_bytes() for p in docs.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def large(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("large")
    (project / "data").mkdir()
    (project / "data" / "taxonomy.yaml").write_text(
        (Path(__file__).parent.parent / "data" / "taxonomy.yaml").read_text()
    )
    generate(N, project / "seeds")
    return project


def test_adding_one_paper_to_a_large_list_rewrites_a_bounded_set_of_files(large, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    docs = large / "docs"
    build_docs(default_sources(large), docs, SiteSettings())
    before = snapshot(docs)
    # A paper that ranks near the top of a long topic: by relevance, it would move every later page.
    title = "Model Compression for Efficient Inference: Lower Latency, Higher Throughput, Smaller Memory Footprint"
    text = (
        "We propose model compression for efficient inference, cutting latency, memory footprint and "
        "inference cost, with a speedup in throughput on edge devices. " + ABSTRACT
    )
    (large / "seeds" / "999999_new.txt").write_text(listing((title, text)))
    try:
        build_docs(default_sources(large), docs, SiteSettings())
        after = snapshot(docs)
        catalogue = cat.load(default_sources(large))
    finally:
        (large / "seeds" / "999999_new.txt").unlink()
    changed = Counter(k.split("/")[0] for k in after if before.get(k) != after[k])
    topic = catalogue.find(title).topic_ids[0]
    assert catalogue.find(title) in catalogue.by_topic()[topic][:50]  # on the topic's first page
    pages = [k for k in after if k.startswith(f"topics/{topic}-")]
    assert len(pages) >= 5, pages  # a long topic, so shifting pages would show
    moved = [k for k in after if k.startswith(f"topics/{topic}") and before.get(k) != after[k]]
    assert f"topics/{topic}.md" in moved and len(moved) <= 3, moved
    max_topics = cat.load_taxonomy(default_sources(large).taxonomy)[0].max_topics
    # Each of the paper's topics: its first page and its last archive page (or two when a new
    # archive page begins); the topics overview. Never the pages before them.
    assert changed["topics"] <= 3 * max_topics + 1, changed
    long_topics = Counter(
        k.split("/")[1].rsplit("-", 1)[0] for k in before if k.startswith("topics/") and k[-4].isdigit()
    )
    assert max(long_topics.values()) > 10  # topics run to many pages here, and stay untouched
    assert changed["az"] <= 8, changed  # its A–Z page and the few above it
    assert changed["listings"] <= 2 and changed["feeds"] <= 1 + max_topics, changed
    assert changed["papers"] <= 40, changed  # its page and the papers that now name it as related
    assert changed["search"] <= 300, changed  # the shards of its own terms, one document chunk, meta
    assert sum(changed.values()) <= 400


def paper(title: str) -> cat.Paper:
    return cat.Paper(slug=title.lower().replace(" ", "-"), title=title, abstract="", appearances=(), topics=())


def test_a_to_z_pages_split_by_prefix_hold_every_paper_once_and_no_page_is_too_long():
    titles = [f"A Survey of Language Models {n}" for n in range(130)] + [f"Attention {n}" for n in range(70)]
    titles += ["A", "Ab", "An Index of Things", "Con Man", "Aux Models"] + [f"Ánother {n}" for n in range(30)]
    items = sorted((paper(t) for t in titles), key=lambda p: p.title.casefold())
    nodes = list(az_tree("a", items))
    leaves = [p.title for node in nodes for p in node.papers]
    assert sorted(leaves) == sorted(titles)  # nothing lost, nothing twice
    names = [node.name for node in nodes]
    assert len(names) == len(set(names)) and names[0] == "a"
    assert all(n == "a" or n.startswith("starts-") for n in names)  # never a reserved name like con or index
    assert not set(names) & RESERVED
    assert all(len(node.papers) <= PAGE_SIZE for node in nodes)
    for node in nodes:
        for child, _, count in node.children:
            subtree = [n for n in nodes if n.name == child or child in {name for name, _ in n.trail}]
            assert sum(len(n.papers) for n in subtree) == count
        assert all(
            az_key(p.title).startswith(node.name.removeprefix("starts-")) for p in node.papers if node.name != "a"
        )


def test_a_to_z_page_names_never_meet_across_letters():
    # "㎏" spells "kg" but is no letter: its title is filed under S; "٣" is a digit with no
    # ASCII form. Pages below a letter must still start with that letter.
    titles = [f"㎏-Scale Training {n}" for n in range(60)] + [f"Kg Scale Models {n}" for n in range(60)]
    titles += [f"٣ Models {n}" for n in range(60)] + [f"Models of Digits {n}" for n in range(60)]
    names = []
    for letter in ("s", "k", "0-9", "m"):
        items = sorted((paper(t) for t in titles if _letter(t) == letter), key=lambda p: p.title.casefold())
        assert items
        names += [node.name for node in az_tree(letter, items)]
    assert len(names) == len(set(names)), sorted(names)


def test_a_to_z_page_of_a_paper_depends_only_on_titles_with_its_prefix():
    base = [paper(f"Model {n}") for n in range(200)]
    nodes = {n.name: n for n in az_tree("m", base)}
    more = base + [paper(f"Zebra-free Mixing {n}") for n in range(100)]
    again = {n.name: n for n in az_tree("m", sorted(more, key=lambda p: p.title.casefold()))}
    assert {k: v for k, v in again.items() if k.startswith("starts-mo")} == {
        k: v for k, v in nodes.items() if k.startswith("starts-mo")
    }


def test_a_long_lived_process_reuses_unchanged_paper_pages_and_writes_what_a_fresh_build_writes(tmp_path, monkeypatch):
    # mkdocs serve keeps the last build's paper pages (render.PageMemo). Whatever a maintainer
    # edits, what it writes must be what a build from nothing writes.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    project = tmp_path / "p"
    shutil.copytree(SEED_FIXTURE, project / "seeds")
    (project / "data").mkdir()
    taxonomy = (ROOT / "data" / "taxonomy.yaml").read_text()
    (project / "data" / "taxonomy.yaml").write_text(taxonomy)
    memo = PageMemo()
    build_docs(default_sources(project), project / "docs", SiteSettings(), memo)
    assert memo.reused == 0
    build_docs(default_sources(project), project / "docs", SiteSettings(), memo)
    papers = len(list((project / "docs" / "papers").glob("*.md")))
    assert memo.reused == papers  # nothing changed: no paper page rendered again

    first = sorted((project / "seeds").glob("*.txt"))[0]
    text = first.read_text()
    blocks = text.split("\n\n")
    title = next(b for b in blocks[5:] if len(b) < 200)  # a title: abstracts are longer
    edits = [
        # The site's settings: every page's edit links.
        (lambda: None, SiteSettings(listing_edit_url="https://example.org/edit/")),
        # A topic's name: every page filed under it changes.
        (
            lambda: (project / "data" / "taxonomy.yaml").write_text(
                taxonomy.replace("name: Quantization", "name: Quant")
            ),
            SiteSettings(listing_edit_url="https://example.org/edit/"),
        ),
        # Fewer topics a paper: every paper's topics are worked out anew.
        (
            lambda: (project / "data" / "taxonomy.yaml").write_text(
                re.sub(r"(?m)^max_topics: *\d+", "max_topics: 1", taxonomy.replace("name: Quantization", "name: Quant"))
            ),
            SiteSettings(listing_edit_url="https://example.org/edit/"),
        ),
        # An abstract takes another paper's title words: related papers may change.
        (
            lambda: first.write_text(text.replace(blocks[6], blocks[6] + " " + blocks[7], 1)),
            SiteSettings(listing_edit_url="https://example.org/edit/"),
        ),
        # A title: its page, and the pages naming it as related, change; the rest are reused.
        (
            lambda: first.write_text(text.replace(title, title + " Revisited", 1)),
            SiteSettings(listing_edit_url="https://example.org/edit/"),
        ),
    ]

    def edit_pages_by_hand():
        # The writer remembers what it wrote; a page changed behind its back is written again.
        longer, same_size = sorted((project / "docs" / "papers").glob("*.md"))[:2]
        longer.write_text(longer.read_text() + "Edited by hand.\n")
        mtime = same_size.stat().st_mtime_ns
        same_size.write_bytes(same_size.read_bytes().replace(b"<p>", b"<P>", 1))
        os.utime(same_size, ns=(mtime, mtime + 10**9))

    edits.insert(0, (edit_pages_by_hand, SiteSettings()))
    for edit, settings in edits:
        edit()
        build_docs(default_sources(project), project / "docs", settings, memo)
        fresh = tmp_path / "fresh"
        shutil.rmtree(fresh, ignore_errors=True)
        build_docs(default_sources(project), fresh, settings)
        assert snapshot(project / "docs") == snapshot(fresh)
    assert 0 < memo.reused < papers
    # The retitled paper's old page is gone: serve no longer keeps what it held.
    on_disk = set(snapshot(project / "docs"))
    assert set(memo.files) <= on_disk and set(memo.links) <= on_disk
    assert set(memo.listings) == {str(p) for p in (project / "seeds").glob("*.txt")}
    now = len(list((project / "docs" / "papers").glob("*.md")))
    assert len(memo.papers) == now


def test_a_build_spread_over_several_processes_writes_what_a_build_in_one_writes(large, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setattr(parallel, "CHUNK", 37)  # many tasks, finishing in any order
    build_docs(default_sources(large), tmp_path / "one", SiteSettings(), workers=1)
    build_docs(default_sources(large), tmp_path / "two", SiteSettings(), workers=2)
    one, two = snapshot(tmp_path / "one"), snapshot(tmp_path / "two")
    assert len(one) > N and one == two
