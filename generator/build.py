"""Building the site's sources: validated catalogue -> files under docs/."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

from . import catalogue as cat
from .history import listing_dates
from .listings import LISTING_SUFFIX
from .parallel import MIN_ITEMS, Later, available, fewer_collections, give_back_memory, start_server
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
    core, in the pass that classifies it): related papers and the search index use its terms,
    every list of papers and its own page its one-line summary. By slug."""

    # (title, abstract) search terms, each text's joined by spaces: one string pickles and
    # keeps in a fraction of the time and memory of a tuple of words.
    terms: dict[str, tuple[str, str]]
    summaries: dict[str, str]

    @classmethod
    def of(cls, read: dict[str, tuple[str, str, str]]) -> PaperTexts:
        """From _paper_text's results by slug."""
        return cls({slug: r[:2] for slug, r in read.items()}, {slug: r[2] for slug, r in read.items()})


def paper_texts_of(catalogue: cat.Catalogue) -> PaperTexts:
    """Each paper's texts, worked out here: a build works them out with its topics (read_papers)."""
    return PaperTexts.of({p.slug: _paper_text((p.title, p.abstract)) for p in catalogue.papers})


def _paper_text(title_and_abstract: tuple[str, str]) -> tuple[str, str, str]:
    title, abstract = title_and_abstract
    # Terms from the words as a reader sees them, without markup.
    return " ".join(terms(title)), " ".join(terms(plain(abstract))), summary(abstract)


def read_papers(
    sources: cat.Sources, workers: int = 1, memo: PageMemo | None = None
) -> tuple[cat.Catalogue, PaperTexts]:
    """The catalogue, and its papers' texts worked out in the same pass as their topics."""
    read: dict = {}
    remembered = (memo.listings, memo.papers) if memo is not None else (None, None)
    catalogue = cat.load(sources, workers, *remembered, also=_paper_text, read=read)
    return catalogue, PaperTexts.of(read)


def related_input(catalogue: cat.Catalogue, paper_terms: dict[str, tuple[str, str]]) -> list:
    """What related() reads of each paper: its terms and topics."""
    return [(*paper_terms[p.slug], p.topic_ids) for p in catalogue.papers]


def related_papers(
    catalogue: cat.Catalogue, paper_terms: dict | None = None, workers: int = 1
) -> list[tuple[int, ...]]:
    """Each paper's related papers, as indices into catalogue.papers, worked out by up to
    `workers` processes."""
    if paper_terms is None:
        paper_terms = paper_texts_of(catalogue).terms
    many = len(catalogue.papers) >= MIN_ITEMS
    return related(related_input(catalogue, paper_terms), workers=workers if many else 1)


def search_files(catalogue: cat.Catalogue, texts: PaperTexts) -> Iterator[tuple[str, str]]:
    return index_files(documents(catalogue, texts.summaries, texts.terms))


def listing_dates_of(catalogue: cat.Catalogue, sources: cat.Sources):
    return listing_dates(sources.seeds, [lst.name for lst in catalogue.listings])


_HREF = re.compile(r'href="([^"]*)"')
_EXTERNAL = ("#", "https://", "http://", "mailto:")


class _Targets(dict):
    """A folder's links -> the docs/-relative address each leads to ("" for an external one or
    an anchor on the page). Pages repeat the same links (topics, navigation, papers that many
    pages list): each is worked out once per build."""

    def __init__(self, folder: str):
        super().__init__()
        self.folder = folder

    def __missing__(self, url: str) -> str:
        target = (
            ""
            if not url or url.startswith(_EXTERNAL)
            else posixpath.normpath(posixpath.join(self.folder, url.partition("#")[0]))
        )
        self[url] = target
        return target


def _page_links(rel: str, text: str, folders: dict[str, _Targets]) -> tuple[str, list[str]]:
    """A page's front matter line (render.page) and the local addresses it links to."""
    header = text[4 : text.find("\n", 4)] if text.startswith("---\n") else ""
    folder = posixpath.dirname(rel)
    resolve = folders.get(folder) or folders.setdefault(folder, _Targets(folder))
    return header, list(filter(None, map(resolve.__getitem__, _HREF.findall(text))))


def _collect(
    pages: Iterable[tuple[str, str]],
    links: dict[str, str],
    headers: dict[str, str],
    seen: dict[str, tuple[str, str, list[str]]] | None = None,
) -> Iterator[tuple[str, str]]:
    """Pass pages on, noting every local address they link to (and the first page that does)
    and each page's front matter line. A long-lived process passes `seen`, what it found in
    each page last time, and an unchanged page is not searched again."""
    folders: dict[str, _Targets] = {}
    for rel, text in pages:
        if rel.endswith(".md"):
            before = seen.get(rel) if seen is not None else None
            if before is not None and before[0] == text:
                header, targets = before[1], before[2]
            else:
                header, targets = _page_links(rel, text, folders)
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


@fewer_collections()  # a build keeps most of what it makes to its end (parallel.YOUNG_OBJECTS)
def build_docs(
    sources: cat.Sources, docs: Path, settings: SiteSettings, memo: PageMemo | None = None, workers: int = 1
) -> BuildReport:
    """Validate everything, then write the generated pages into docs/.

    Only the generator's own names are written, and only files it wrote before are removed:
    a maintainer's own pages in docs/ stay and are built into the site. A long-lived process
    passes the same memo to every build (render.PageMemo); a one-shot build may spread the
    per-paper work over several processes (parallel.py): the output is the same."""
    check_output_folder(docs, [sources.seeds, sources.taxonomy.parent, sources.curation.parent, PACKAGE])
    if memo is None and workers > 1 and _listings_size(sources.seeds) >= MIN_ITEMS * 1024:
        start_server()  # about MIN_ITEMS papers' worth of text: its workers will be wanted
    catalogue, texts = read_papers(sources, workers, memo)
    links: dict[str, str] = {}
    headers: dict[str, str] = {}
    dates = listing_dates_of(catalogue, sources)
    # Related papers and the search index need every paper's terms, and only the paper pages
    # and search need them. A one-shot build works out related papers in a process of its own
    # (from the fork server: it is sent the terms and shares nothing, where a fork of this
    # process would copy every page of it that it reads) while this one makes the search index,
    # lets the terms go and makes the list pages (one core each: related_papers, alone, takes
    # every core); the paper pages' workers start after both.
    # mkdocs serve, where the memo lives, makes both related papers and the search index in
    # forked processes (which share the terms instead of being sent them) while this one makes
    # the other pages. The index's files come one at a time, written as they arrive.
    many = len(catalogue.papers) >= MIN_ITEMS
    one_shot = memo is None
    beside = many and (workers > 1 if one_shot else available() > 1)
    near_input = related_input(catalogue, texts.terms)
    with (
        Later(related, near_input, wanted=beside, fresh=one_shot) as near,
        Later(search_files, catalogue, texts, wanted=beside and not one_shot, stream=True) as index,
    ):
        del near_input  # held by `near` while it is needed

        def index_here():
            yield from search_files(catalogue, texts)
            texts.terms.clear()

        def paper_pages():
            if one_shot:  # what the index and the list pages held goes back before the workers start
                give_back_memory()
            yield from render_papers(catalogue, settings, near.result(), texts.summaries, memo, workers)

        lists = chain(render_lists(catalogue, settings, dates, texts.summaries, memo), static_files())
        # The index first: this process's largest moment (the index's, at 100,000 papers) then
        # falls while related papers' process is still growing, not when both are at their
        # largest, and the terms go before the list pages are made.
        files = chain(index_here(), lists, paper_pages()) if one_shot else chain(lists, index.items(), paper_pages())
        kept = (memo.links, memo.files) if memo is not None else (None, None)
        report = write_files(_collect(files, links, headers, kept[0]), docs, kept[1])
    _check_links(links, report.names, docs)
    if memo is not None:
        memo.forget_all_but(report.names, {lst.path for lst in catalogue.listings})
    return BuildReport(catalogue, report.written, report.deleted, report.total, report.names, headers)


def _listings_size(seeds: Path) -> int:
    return sum(p.stat().st_size for p in seeds.glob(f"*{LISTING_SUFFIX}") if p.is_file()) if seeds.is_dir() else 0
