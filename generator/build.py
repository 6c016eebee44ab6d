"""Building the site's sources: validated catalogue -> files under docs/."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

from . import catalogue as cat
from .history import listing_dates
from .parallel import MIN_ITEMS, Later, available, give_back_memory, ordered_map, remembered
from .related import related
from .render import PageMemo, SiteSettings, render_lists, render_papers, summary
from .search_index import documents, index_files, terms
from .textmarkup import plain
from .writer import OutputError, check_output_folder, write_files

PACKAGE = Path(__file__).parent
STATIC = PACKAGE / "static"


@dataclass(frozen=True)
class BuildReport:
    catalogue: cat.Catalogue
    written: list[str]
    deleted: list[str]
    total: int
    names: frozenset[str]  # every generated file, docs/-relative
    # Each generated page's front matter line, so MkDocs need not open every page twice.
    headers: dict[str, str]


def default_sources(root: Path) -> cat.Sources:
    return cat.Sources(
        seeds=root / "seeds",
        taxonomy=root / "data" / "taxonomy.yaml",
        curation=root / "data" / "curation.yaml",
        metadata=root / "data" / "metadata",
    )


def site_settings(root: Path) -> SiteSettings:
    """What the pages need from mkdocs.yml, read with MkDocs' own loader."""
    config_file = root / "mkdocs.yml"
    if not config_file.exists():
        return SiteSettings()
    from mkdocs.config import load_config

    return SiteSettings.from_config(load_config(str(config_file)))


def static_files() -> Iterator[tuple[str, bytes]]:
    for p in sorted(STATIC.rglob("*")):
        if p.is_file():
            yield p.relative_to(STATIC).as_posix(), p.read_bytes()


@dataclass(frozen=True)
class PaperTexts:
    """What later stages read from each paper's words, worked out once per paper (on every
    core): related papers and the search index use its terms, every list of papers and its own
    page its one-line summary. By slug."""

    terms: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]  # (title, abstract) search terms
    summaries: dict[str, str]


def paper_texts_of(catalogue: cat.Catalogue, workers: int = 1, seen: dict | None = None) -> PaperTexts:
    """A long-lived process passes `seen`, what it found for each (title, abstract) last time:
    an unchanged paper is not read again, and `seen` keeps this call's papers only."""
    papers = catalogue.papers
    texts = [(p.title, p.abstract) for p in papers]
    found = list(ordered_map(_paper_text, texts, workers)) if seen is None else remembered(_paper_text, texts, seen)
    slugs = [p.slug for p in papers]
    return PaperTexts(
        dict(zip(slugs, (f[:2] for f in found), strict=True)), dict(zip(slugs, (f[2] for f in found), strict=True))
    )


def _paper_text(title_and_abstract: tuple[str, str]) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    title, abstract = title_and_abstract
    # Terms from the words as a reader sees them, without markup.
    return terms(title), terms(plain(abstract)), summary(abstract)


def related_papers(
    catalogue: cat.Catalogue, paper_terms: dict | None = None, seen: dict | None = None
) -> list[tuple[int, ...]]:
    """Each paper's related papers, as indices into catalogue.papers; `seen` as related() takes it."""
    if paper_terms is None:
        paper_terms = paper_texts_of(catalogue).terms
    return related([(*paper_terms[p.slug], p.topic_ids) for p in catalogue.papers], seen=seen)


def search_files(catalogue: cat.Catalogue, texts: PaperTexts) -> Iterator[tuple[str, str]]:
    return index_files(documents(catalogue, texts.summaries, texts.terms))


def related_then_index(catalogue: cat.Catalogue, texts: PaperTexts) -> Iterator:
    """Related papers, then the search index's files one at a time: what only the paper pages
    and search need. Both are worked out when the first item is asked for; then the terms are
    let go (texts.terms is emptied), and the index's files are made one by one."""
    neighbours = related_papers(catalogue, texts.terms)
    files = search_files(catalogue, texts)
    texts.terms.clear()
    give_back_memory()
    yield neighbours
    yield from files


def listing_dates_of(catalogue: cat.Catalogue, sources: cat.Sources):
    return listing_dates(sources.seeds, [lst.name for lst in catalogue.listings])


_HREF = re.compile(r'href="([^"]*)"')
_EXTERNAL = ("#", "https://", "http://", "mailto:")


def _page_links(rel: str, text: str) -> tuple[str, list[str]]:
    """A page's front matter line (render.page) and the local addresses it links to."""
    header = text[4 : text.find("\n", 4)] if text.startswith("---\n") else ""
    folder = posixpath.dirname(rel)
    targets = [
        posixpath.normpath(posixpath.join(folder, url.partition("#")[0]))
        for url in _HREF.findall(text)
        if url and not url.startswith(_EXTERNAL)
    ]
    return header, targets


def _collect(
    pages: Iterable[tuple[str, str]],
    links: dict[str, str],
    headers: dict[str, str],
    seen: dict[str, tuple[str, str, list[str]]] | None = None,
) -> Iterator[tuple[str, str]]:
    """Pass pages on, noting every local address they link to (and the first page that does)
    and each page's front matter line. A long-lived process passes `seen`, what it found in
    each page last time, and an unchanged page is not searched again."""
    for rel, text in pages:
        if rel.endswith(".md"):
            before = seen.get(rel) if seen is not None else None
            if before is not None and before[0] == text:
                header, targets = before[1], before[2]
            else:
                header, targets = _page_links(rel, text)
                if seen is not None:
                    seen[rel] = (text, header, targets)
            headers[rel] = header
            for target in targets:
                links.setdefault(target, rel)
        yield rel, text


def _check_links(links: dict[str, str], generated: frozenset[str], docs: Path) -> None:
    """MkDocs does not read generated pages as Markdown, so it cannot check their links: every
    local link must reach a generated file or a maintainer's own page."""
    for target, source in sorted(links.items()):
        name = target.removesuffix(".html") + ".md" if target.endswith(".html") else target
        if name not in generated and not (docs / name).is_file():
            raise OutputError(f"{docs / source}: links to {target}, which no page provides (a generator bug)")


def _late_pages(
    late: Iterator, paper_pages: Callable[[list[tuple[int, ...]]], Iterable[tuple[str, str]]]
) -> Iterator[tuple[str, str]]:
    """Once related papers are in (late's first item), the search index's files as they come
    (its other items), then the paper pages."""
    neighbours = next(late)
    yield from late
    yield from paper_pages(neighbours)


def build_docs(
    sources: cat.Sources, docs: Path, settings: SiteSettings, memo: PageMemo | None = None, workers: int = 1
) -> BuildReport:
    """Validate everything, then write the generated pages into docs/.

    Only the generator's own names are written, and only files it wrote before are removed:
    a maintainer's own pages in docs/ stay and are built into the site. A long-lived process
    passes the same memo to every build (render.PageMemo); a one-shot build may spread the
    per-paper work over several processes (parallel.py): the output is the same."""
    check_output_folder(docs, [sources.seeds, sources.taxonomy.parent, sources.curation.parent, PACKAGE])
    remembered = (memo.listings, memo.topics) if memo is not None else (None, None)
    catalogue = cat.load(sources, workers, *remembered)
    texts = paper_texts_of(catalogue, workers, memo.texts if memo is not None else None)
    links: dict[str, str] = {}
    headers: dict[str, str] = {}
    dates = listing_dates_of(catalogue, sources)
    # Related papers and the search index need every paper's terms, the largest thing the
    # generator holds, and only the paper pages and search need them. A one-shot build makes
    # them after the other pages and then lets the terms go, before the paper pages' workers
    # start. (Made in a forked process beside the other pages, they saved seconds but raised the
    # peak by half a GB at 100,000 papers: that process copied what it read of this one's
    # memory.) mkdocs serve, where the memo lives, makes related papers here from the term
    # counts kept since the last build, and the search index, which keeps nothing, in a forked
    # process beside them. The index's files come one at a time, written as they arrive.
    elsewhere = memo is not None and available() > 1 and len(catalogue.papers) >= MIN_ITEMS
    with Later(search_files, catalogue, texts, wanted=elsewhere, stream=True) as index:

        def related_here_index_there():
            yield related_papers(catalogue, texts.terms, memo.counts)
            yield from index.items()

        files = chain(
            render_lists(catalogue, settings, dates, texts.summaries, memo),
            static_files(),
            _late_pages(
                related_then_index(catalogue, texts) if memo is None else related_here_index_there(),
                lambda near: render_papers(catalogue, settings, near, texts.summaries, memo, workers),
            ),
        )
        kept = (memo.links, memo.files) if memo is not None else (None, None)
        report = write_files(_collect(files, links, headers, kept[0]), docs, kept[1])
    _check_links(links, report.names, docs)
    if memo is not None:
        memo.forget_all_but(report.names, {lst.path for lst in catalogue.listings})
    return BuildReport(catalogue, report.written, report.deleted, report.total, report.names, headers)
