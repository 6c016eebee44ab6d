"""Rendering: the catalogue into Markdown pages (from Jinja2 templates) and papers.json."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

import jinja2

from .catalogue import Catalogue, Paper
from .escape import literal
from .slugs import slugify
from .topics import Topic

TEMPLATES = Path(__file__).parent / "templates"
PAGE_SIZE = 200  # papers per topic or index page: a page's size must not grow with the list
SUMMARY_LENGTH = 180


def yaml_string(text: str) -> str:
    # Material prints the page title into <title> and the header without escaping it.
    return json.dumps(html.escape(" ".join(text.split())))


@lru_cache(maxsize=1 << 17)  # each abstract is summarised on several pages
def summary(text: str) -> str:
    """The abstract's first sentence, cut at a word boundary so a topic list stays scannable."""
    first = re.split(r"(?<=[.!?])\s+(?=[A-Z])", text, maxsplit=1)[0]
    if len(first) <= SUMMARY_LENGTH:
        return first
    return first[:SUMMARY_LENGTH].rsplit(" ", 1)[0] + " …"


@dataclass(frozen=True)
class SiteSettings:
    listing_edit_url: str | None = None  # e.g. https://github.com/OWNER/REPO/edit/main/seeds/


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # Markdown, not HTML: untrusted text goes through `literal` instead
    )
    env.filters["literal"] = literal
    env.filters["yaml_string"] = yaml_string
    env.filters["summary"] = summary
    env.filters["urlquote"] = lambda s: quote(s, safe="")
    # Curated links are validated https URLs; quoting keeps them inside the Markdown link.
    env.filters["urlsafe"] = lambda s: quote(s, safe=":/?#@!$&'*+,;=%-._~()")
    return env


def _letter(title: str) -> str:
    c = title.strip()[:1].lower()
    return c if "a" <= c <= "z" else ("0-9" if c.isdigit() else "other")


def _pages(items: list, base: str) -> list[tuple[str, list, int]]:
    """Split a list into numbered pages: base.md, base-2.md, ..."""
    chunks = [items[i : i + PAGE_SIZE] for i in range(0, len(items), PAGE_SIZE)] or [[]]
    return [(base if n == 1 else f"{base}-{n}", chunk, n) for n, chunk in enumerate(chunks, start=1)]


def paper_record(paper: Paper, names: dict[str, Topic]) -> dict:
    return {
        "slug": paper.slug,
        "title": paper.title,
        "abstract": paper.abstract,
        "url": f"papers/{paper.slug}.html",
        "topics": [{"id": t, "name": names[t].name, "score": s} for t, s in paper.topics],
        "listings": [{"file": a.listing, "date": a.date, "line": a.line} for a in paper.appearances],
        "links": {k: v for k, v in (("arxiv", paper.arxiv), ("code", paper.code), ("project", paper.project)) if v},
        "note": paper.note,
    }


def render_site(
    catalogue: Catalogue, settings: SiteSettings, neighbours: list[tuple[int, ...]]
) -> Iterator[tuple[str, str]]:
    """Every generated page under docs/, as (relative path, text), one at a time.

    neighbours[i] are the indices of paper i's related papers (catalogue.papers order)."""
    env = _environment()
    topics = catalogue.taxonomy.topics
    by_topic = catalogue.by_topic()
    papers = catalogue.papers
    by_slug = {p.slug: p for p in papers}
    common = {
        "catalogue": catalogue,
        "topics": topics,
        "topic_names": catalogue.taxonomy.by_id(),
        "counts": {t.id: len(by_topic[t.id]) for t in topics},
        "settings": settings,
    }
    paper_tpl = env.get_template("paper.md.j2")
    for paper, near in zip(papers, neighbours, strict=True):
        yield f"papers/{paper.slug}.md", paper_tpl.render(common, paper=paper, related=[papers[j] for j in near])

    topic_tpl = env.get_template("topic.md.j2")
    for topic in topics:
        pages = _pages(by_topic[topic.id], topic.id)
        for name, chunk, n in pages:
            yield (
                f"topics/{name}.md",
                topic_tpl.render(common, topic=topic, papers=chunk, page=n, pages=[p[0] for p in pages]),
            )
    yield "topics/index.md", env.get_template("topics.md.j2").render(common)

    letters: dict[str, list[Paper]] = {}
    for paper in sorted(papers, key=lambda p: (p.title.casefold(), p.slug)):
        letters.setdefault(_letter(paper.title), []).append(paper)
    letter_tpl = env.get_template("letter.md.j2")
    letter_pages = {}
    for letter, items in sorted(letters.items()):
        pages = _pages(items, letter)
        letter_pages[letter] = [(p[0], len(p[1])) for p in pages]
        for name, chunk, n in pages:
            yield (
                f"az/{name}.md",
                letter_tpl.render(common, letter=letter, papers=chunk, page=n, pages=[p[0] for p in pages]),
            )
    yield "az/index.md", env.get_template("az.md.j2").render(common, letters=letter_pages)

    latest = catalogue.latest
    latest_papers = []
    if latest:
        seen = set()
        for entry in latest.entries:
            slug = slugify(entry.title)
            if slug not in seen:
                seen.add(slug)
                latest_papers.append(by_slug[slug])
    yield "index.md", env.get_template("home.md.j2").render(common, latest=latest, latest_papers=latest_papers)

    # One paper per line: readable and diffable, and each line uses json's C encoder (indent=
    # would switch the whole file to the pure-Python one, 7x slower at 10,000 papers).
    names = common["topic_names"]
    lines = ",\n".join(json.dumps(paper_record(p, names), ensure_ascii=False, sort_keys=True) for p in papers)
    yield "papers.json", '{"papers": [\n' + lines + '\n], "version": 1}\n'
