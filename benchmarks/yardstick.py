"""The yardstick corpus: the same papers as ordinary Markdown pages, written by this fixed code
and nothing of the generator's, so the yardstick does not move when the generator changes.

Each paper gets a page (title, abstract, the listing it came from, links to five neighbours in
title order), the papers are listed A-Z in pages of 50, and a home page links those. A plain
Material build of this corpus is what an ordinary MkDocs site of the same size costs; Hugo
builds the same files as a yardstick for fast static generators.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from generator.listings import read_listings

CONFIG = """\
# The yardstick: ordinary Markdown pages, Material with its defaults, nothing of ours.
site_name: Yardstick
docs_dir: docs
site_dir: site
use_directory_urls: false
theme:
  name: material
  font: false
markdown_extensions: [attr_list, admonition, tables, {toc: {permalink: true}}]
nav: [index.md]
not_in_nav: |
  /papers/
  /az/
"""
PAGE = 50


def _slug(title: str, seen: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:80] or "paper"
    slug, n = base, 1
    while slug in seen:
        n += 1
        slug = f"{base}-{n}"
    seen.add(slug)
    return slug


def _text(s: str) -> str:
    # Ordinary Markdown, as a maintainer would write it: only what would break a link escaped.
    return s.replace("[", r"\[").replace("]", r"\]")


def write(seeds: Path, out: Path) -> Path:
    """The corpus for the listings in seeds/, as a MkDocs project at out/."""
    if out.exists():
        shutil.rmtree(out)
    (out / "docs" / "papers").mkdir(parents=True)
    (out / "docs" / "az").mkdir()
    (out / "mkdocs.yml").write_text(CONFIG)
    listings, _ = read_listings(seeds)
    entries, seen_titles, slugs = [], set(), set()
    for listing in listings:
        for e in listing.entries:
            if e.title.casefold() not in seen_titles:
                seen_titles.add(e.title.casefold())
                entries.append((e.title, e.abstract, listing.date or listing.name))
    entries.sort(key=lambda e: e[0].casefold())
    papers = [(_slug(t, slugs), t, a, src) for t, a, src in entries]
    for i, (slug, title, abstract, source) in enumerate(papers):
        near = [papers[j] for j in range(max(0, i - 2), min(len(papers), i + 4)) if j != i][:5]
        links = "\n".join(f"- [{_text(t)}]({s}.md)" for s, t, _, _ in near)
        (out / "docs" / "papers" / f"{slug}.md").write_text(
            f"# {_text(title)}\n\n{_text(abstract)}\n\n## Appeared in\n\n{source}\n\n## Nearby papers\n\n{links}\n"
        )
    pages = [papers[i : i + PAGE] for i in range(0, len(papers), PAGE)]
    for n, chunk in enumerate(pages, start=1):
        items = "\n".join(f"- [{_text(t)}](../papers/{s}.md)" for s, t, _, _ in chunk)
        (out / "docs" / "az" / f"{n}.md").write_text(f"# Papers, page {n}\n\n{items}\n")
    index = "\n".join(f"- [Page {n}](az/{n}.md)" for n in range(1, len(pages) + 1))
    (out / "docs" / "index.md").write_text(f"# Yardstick\n\n{len(papers)} papers.\n\n{index}\n")
    return out
