"""Atom feeds: valid (RFC 4287, and read by a real feed parser), newest papers first, and dated
honestly by when a listing entered the repository, never by an invented year."""

from __future__ import annotations

import os
import subprocess
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import feedparser
import pytest

from generator import catalogue as cat
from generator import render
from generator.build import build_docs, default_sources
from generator.render import SiteSettings

from .conftest import ABSTRACT, listing

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = "%Y-%m-%dT%H:%M:%SZ"
HOSTILE = "A <script>alert(1)</script> & ]]> Title"


def git(project: Path, *args: str, when: str | None = None) -> None:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="t")
    env["GIT_COMMITTER_EMAIL"] = "t@example.org"
    if when:
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    subprocess.run(["git", *args], cwd=project, check=True, capture_output=True, env=env)


def entries(feed: Path) -> list[tuple[str, str]]:
    """(title, updated) of each entry, in the feed's order."""
    root = ET.parse(feed).getroot()
    return [(e.findtext(f"{ATOM}title"), e.findtext(f"{ATOM}updated")) for e in root.iter(f"{ATOM}entry")]


def assert_valid_atom(path: Path) -> None:
    """What RFC 4287 requires of a feed and its entries, and what a real feed reader accepts."""
    root = ET.parse(path).getroot()
    assert root.tag == f"{ATOM}feed"
    for element in [root, *root.iter(f"{ATOM}entry")]:
        for required in ("id", "title", "updated"):
            assert len(element.findall(f"{ATOM}{required}")) == 1, (path, required)
        datetime.strptime(element.findtext(f"{ATOM}updated"), RFC3339)
        assert element.findtext(f"{ATOM}id").startswith(("urn:uuid:", "https://"))  # absolute IRIs
    assert root.find(f"{ATOM}author/{ATOM}name").text  # so entries without authors are valid
    assert [link.get("rel") for link in root.findall(f"{ATOM}link")] == ["self", "alternate"]
    for entry in root.iter(f"{ATOM}entry"):
        assert [link.get("rel") for link in entry.findall(f"{ATOM}link")][0] == "alternate"
        datetime.strptime(entry.findtext(f"{ATOM}published"), RFC3339)
    ids = [e.findtext(f"{ATOM}id") for e in root.iter(f"{ATOM}entry")]
    assert len(ids) == len(set(ids))
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"


@pytest.fixture
def history(project: Path, monkeypatch) -> Path:
    """Three listings: two committed on known days, one not committed yet."""
    seeds = project / "seeds"
    git(project, "init", "-q")
    (seeds / "000_first.txt").write_text(listing(("Old Paper", ABSTRACT), ("Listed Twice", ABSTRACT), date="Mar 18"))
    git(project, "add", "-A")
    git(project, "commit", "-qm", "first", when="2026-03-18T10:00:00Z")
    (seeds / "001_second.txt").write_text(
        listing(("Newer Paper", ABSTRACT), ("Listed Twice", ABSTRACT), (HOSTILE, ABSTRACT), date="Mar 19")
    )
    git(project, "add", "-A")
    git(project, "commit", "-qm", "second", when="2026-03-19T11:30:00Z")
    (seeds / "002_draft.txt").write_text(listing(("Draft Paper", ABSTRACT)))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1774008000")  # 2026-03-20T12:00:00Z
    return project


def build(project: Path, settings: SiteSettings | None = None) -> Path:
    build_docs(default_sources(project), project / "docs", settings or SiteSettings())
    return project / "docs"


def test_papers_are_dated_by_when_their_listing_entered_the_repository_newest_first(history):
    docs = build(history)
    assert entries(docs / "feeds" / "all.xml") == [
        ("Draft Paper", "2026-03-20T12:00:00Z"),  # not committed yet: SOURCE_DATE_EPOCH
        ("Newer Paper", "2026-03-19T11:30:00Z"),
        (HOSTILE, "2026-03-19T11:30:00Z"),  # literal text, listing order within a listing
        ("Old Paper", "2026-03-18T10:00:00Z"),
        ("Listed Twice", "2026-03-18T10:00:00Z"),  # dated by the first listing that held it
    ]
    page = (docs / "listings" / "001_second.md").read_text()
    assert "Added to the list on 2026-03-19." in page
    assert "SOURCE_DATE_EPOCH" in (docs / "listings" / "002_draft.md").read_text()


def test_a_shallow_clone_does_not_date_old_listings_by_its_oldest_commit(history, tmp_path):
    git(history, "add", "-A")
    git(history, "commit", "-qm", "third", when="2026-03-21T09:00:00Z")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", history.as_uri(), str(clone)], check=True)
    docs = build(clone)
    # All three listings arrive in the one commit the clone has: their real dates are unknown.
    assert {updated for _, updated in entries(docs / "feeds" / "all.xml")} == {"2026-03-20T12:00:00Z"}


def test_feeds_are_valid_atom_with_absolute_links_when_the_site_address_is_known(history):
    docs = build(history, SiteSettings(site_url="https://example.org/list/"))
    feeds = sorted((docs / "feeds").rglob("*.xml"))
    assert len(feeds) == 1 + len(list((docs / "topics").glob("*.md"))) - 1  # one per topic, plus the site's
    for feed in feeds:
        assert_valid_atom(feed)
    root = ET.parse(docs / "feeds" / "all.xml").getroot()
    assert root.find(f"{ATOM}link").get("href") == "https://example.org/list/feeds/all.xml"
    first = root.find(f"{ATOM}entry/{ATOM}link").get("href")
    assert first == "https://example.org/list/papers/draft-paper.html"


def test_without_a_site_address_feed_links_are_relative_and_still_resolve(history):
    docs = build(history)
    assert_valid_atom(docs / "feeds" / "all.xml")
    for feed in [docs / "feeds" / "all.xml", *(docs / "feeds" / "topics").glob("*.xml")]:
        for link in ET.parse(feed).getroot().iter(f"{ATOM}link"):
            target = (feed.parent / link.get("href")).resolve()
            if link.get("type") == "text/html" and link.get("rel") == "alternate":
                assert target.with_suffix(".md").is_file(), link.get("href")


def test_a_topic_feed_holds_only_that_topics_newest_papers(history, monkeypatch):
    monkeypatch.setattr(render, "FEED_SIZE", 2)
    tricks = [f"Speculative Decoding Trick {n}" for n in range(3)]
    text = "We propose speculative decoding with a draft model to cut inference latency. " + ABSTRACT
    (history / "seeds" / "003_more.txt").write_text(listing(*[(t, text) for t in tricks]))
    docs = build(history)
    topic = cat.load(default_sources(history)).find(tricks[0]).topic_ids[0]
    assert [t for t, _ in entries(docs / "feeds" / "topics" / f"{topic}.xml")] == tricks[:2]
    assert len(entries(docs / "feeds" / "all.xml")) == 2
    for feed in (docs / "feeds" / "topics").glob("*.xml"):
        for entry in ET.parse(feed).getroot().iter(f"{ATOM}entry"):
            assert feed.stem in [c.get("term") for c in entry.iter(f"{ATOM}category")]


def test_feeds_are_byte_identical_across_builds(history):
    first = {p.name: p.read_bytes() for p in build(history).joinpath("feeds").rglob("*.xml")}
    second = {p.name: p.read_bytes() for p in build(history).joinpath("feeds").rglob("*.xml")}
    assert first == second
