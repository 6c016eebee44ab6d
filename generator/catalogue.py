"""The paper model: listings merged into distinct papers, classified and curated.

This is the boundary: everything is validated here, and what comes out is trusted downstream.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path

from .curation import Curated, Curation, load_curation
from .escape import visible
from .listings import Entry, Listing, read_listings
from .metadata import Metadata, Record, load_metadata
from .parallel import ordered_map, remembered
from .problems import InputError, Problem
from .slugs import normalise_title, slugify
from .topics import Taxonomy, classify, confident, explain, load_taxonomy


@dataclass(frozen=True)
class Appearance:
    listing: str
    date: str | None
    line: int


@dataclass(frozen=True)
class Paper:
    slug: str
    title: str
    abstract: str
    appearances: tuple[Appearance, ...]
    topics: tuple[tuple[str, float], ...]  # (topic id, relevance score), most relevant first
    arxiv: str | None = None
    code: str | None = None
    project: str | None = None
    note: str | None = None
    curated: bool = False  # a curator set or corrected its topics
    # From data/metadata/ only (an import from a source that holds them), never guessed.
    authors: tuple[str, ...] = ()
    published: str | None = None  # YYYY-MM-DD

    @property
    def citable(self) -> bool:
        """Enough real metadata for a reference manager: a record with a title alone (no
        authors, no date) would be imported as a misleading citation."""
        return bool(self.authors and self.published)

    @property
    def unclear(self) -> bool:
        """Automatic topics too weak or too close to leave unreviewed (curated ones are settled)."""
        return not self.curated and not confident(self.topics)

    @cached_property  # asked for by every list a paper is on, for every paper
    def topic_ids(self) -> tuple[str, ...]:
        return tuple(t for t, _ in self.topics)


@dataclass(frozen=True)
class Catalogue:
    listings: tuple[Listing, ...]
    papers: tuple[Paper, ...]  # sorted by slug
    taxonomy: Taxonomy

    @property
    def entry_count(self) -> int:
        return sum(len(lst.entries) for lst in self.listings)

    @property
    def latest(self) -> Listing | None:
        # Dates carry no year, so file-name order decides: new listings get higher names.
        return self.listings[-1] if self.listings else None

    @cached_property  # topic pages and the A-Z pages both order papers by title
    def title_order(self) -> tuple[int, ...]:
        """The papers' indices by title, ignoring case (then by address)."""
        papers = self.papers
        return tuple(sorted(range(len(papers)), key=lambda i: (papers[i].title.casefold(), papers[i].slug)))

    def by_topic(self) -> dict[str, list[Paper]]:
        """Each topic's papers, most relevant first (then by title), in one pass over the papers."""
        # Each paper's place by title, worked out once: a paper is on several topics, and
        # tuples of numbers sort without a key function.
        place = [0] * len(self.papers)
        for n, i in enumerate(self.title_order):
            place[i] = n
        scored: dict[str, list[tuple[float, int, Paper]]] = {t.id: [] for t in self.taxonomy.topics}
        for p, n in zip(self.papers, place, strict=True):
            for topic_id, score in p.topics:
                scored[topic_id].append((-score, n, p))
        return {t: [p for _, _, p in sorted(items)] for t, items in scored.items()}

    def find(self, title: str) -> Paper | None:
        key = normalise_title(title)
        return next((p for p in self.papers if normalise_title(p.title) == key), None)

    def untopical(self) -> list[Paper]:
        return [p for p in self.papers if not p.topics]


@dataclass(frozen=True)
class Sources:
    seeds: Path
    taxonomy: Path
    curation: Path
    metadata: Path | None = None  # a folder of *.yaml files; None: no metadata


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def _merge(entries: list[Entry], curated, paths: dict[str, str]) -> tuple[str, list[Problem]]:
    """Pick the abstract for one paper's entries; conflicting texts need a curator's word."""
    first = entries[0]
    texts = []
    for e in entries:
        if not any(_same_text(e.abstract, t.abstract) for t in texts):
            texts.append(e)
    if len(texts) == 1:
        return first.abstract, []
    if curated and curated.abstract_from:
        chosen = [e for e in entries if e.listing == curated.abstract_from]
        if chosen:
            return chosen[0].abstract, []
    places = " and ".join(f"{paths[e.listing]}:{e.line}" for e in texts)
    return first.abstract, [
        Problem(
            paths[first.listing],
            first.line,
            f"same title, different abstracts at {places}: {first.title!r}. "
            "Make the texts agree, or say which to keep with abstract_from in the curation file",
        )
    ]


def _curate(
    topics: tuple[tuple[str, float], ...], curated: Curated, taxonomy: Taxonomy, title: str, abstract: str
) -> tuple[tuple[str, float], ...]:
    """A curator's word over the classifier's: topics exactly, or topics added and removed.
    Each keeps its computed score, which orders a topic's page (curated papers included)."""
    known = taxonomy.by_id()
    all_scores = {s.topic: s.score for s in explain(taxonomy, title, abstract)}
    if curated.topics is not None:
        return tuple((t, all_scores[t]) for t in curated.topics if t in known)
    removed = set(curated.remove_topics) | set(curated.add_topics)
    added = tuple((t, all_scores[t]) for t in curated.add_topics if t in known)
    kept = tuple(t for t in topics if t[0] not in removed)
    return added + kept[: max(0, taxonomy.max_topics - len(added))]


def _links(curated: Curated | None, record: Record | None, where: str) -> tuple[dict[str, str | None], list[Problem]]:
    """A paper's arXiv id and links: the curation file's and the metadata's must agree."""
    links, problems = {}, []
    for key in ("arxiv", "code", "project"):
        mine = getattr(curated, key) if curated else None
        theirs = getattr(record, key) if record else None
        if mine and theirs and mine != theirs:
            problems.append(
                Problem(where, curated.line, f"links: {key} {mine!r} differs from {theirs!r} at {record.where}")
            )
        links[key] = mine or theirs
    return links, problems


def _read(taxonomy: Taxonomy, also: Callable | None, title_and_abstract: tuple[str, str]) -> tuple:
    """A paper's topics, and also(its title and abstract as the site shows them) where asked:
    one pass over each paper's text, on the same workers, instead of two."""
    title, abstract = title_and_abstract
    return classify(taxonomy, title, abstract), also((visible(title), visible(abstract))) if also else None


def build_catalogue(
    listings: list[Listing],
    taxonomy: Taxonomy,
    curation: Curation,
    metadata: Metadata | None = None,
    workers: int = 1,
    classified: dict | None = None,
    also: Callable[[tuple[str, str]], object] | None = None,
    read: dict | None = None,
) -> tuple[Catalogue, list[Problem]]:
    """The papers of all listings, merged, curated and classified (by up to `workers`
    processes). A long-lived process passes `classified`, the same dict to every call: a paper
    whose title and abstract are unchanged under the same taxonomy is not classified again.
    With `also`, each paper's (title, abstract) as shown goes through it in the same pass, and
    `read` receives the results by slug."""
    problems: list[Problem] = []
    metadata = metadata or Metadata({}, {})
    groups: dict[str, list[Entry]] = defaultdict(list)
    for listing in listings:
        for entry in listing.entries:
            groups[normalise_title(entry.title)].append(entry)
    dates = {lst.name: lst.date for lst in listings}
    paths = {lst.name: lst.path for lst in listings}
    topic_ids = {t.id for t in taxonomy.topics}

    for key, c in curation.papers.items():
        if key not in groups:
            problems.append(Problem(curation.path, c.line, f"no paper has this title: {c.title!r}"))
            continue
        for tid in (c.topics or ()) + c.add_topics + c.remove_topics:
            if tid not in topic_ids:
                problems.append(Problem(curation.path, c.line, f"unknown topic {tid!r}"))
        if c.topics and len(c.topics) > taxonomy.max_topics:
            problems.append(Problem(curation.path, c.line, f"at most {taxonomy.max_topics} topics (max_topics)"))
        if c.abstract_from and c.abstract_from not in {e.listing for e in groups[key]}:
            problems.append(
                Problem(
                    curation.path, c.line, f"abstract_from: {c.abstract_from!r} is not a listing this paper appears in"
                )
            )

    for key, record in metadata.records.items():
        if key not in groups:
            path, line = metadata.lines[key]
            problems.append(Problem(path, line, f"no paper has this title: {record.title!r}"))

    merged = [_merge(entries, curation.papers.get(key), paths) for key, entries in groups.items()]
    titles_and_abstracts = [(entries[0].title, a) for entries, (a, _) in zip(groups.values(), merged, strict=True)]
    read_one = partial(_read, taxonomy, also)
    if classified is None:
        results = ordered_map(read_one, titles_and_abstracts, workers)
    else:
        results = remembered(read_one, titles_and_abstracts, classified, key=lambda ta: (taxonomy, also, *ta))

    papers: list[Paper] = []
    by_slug: dict[str, Entry] = {}
    for (key, entries), (abstract, found), (topics, extra) in zip(groups.items(), merged, results, strict=True):
        problems += found
        curated = curation.papers.get(key)
        first = entries[0]
        slug = slugify(first.title)
        if slug in by_slug:
            other = by_slug[slug]
            problems.append(
                Problem(
                    paths[first.listing],
                    first.line,
                    f"address {slug!r} is already used by {paths[other.listing]}:{other.line}",
                )
            )
        by_slug[slug] = first
        if read is not None:
            read[slug] = extra
        if curated:
            topics = _curate(topics, curated, taxonomy, first.title, abstract)
        record = metadata.records.get(key)
        links, found = _links(curated, record, curation.path)
        problems += found
        papers.append(
            Paper(
                slug=slug,
                title=visible(first.title),
                abstract=visible(abstract),
                appearances=tuple(Appearance(e.listing, dates[e.listing], e.line) for e in entries),
                topics=topics,
                arxiv=links["arxiv"],
                code=links["code"],
                project=links["project"],
                note=curated.note if curated else None,
                curated=bool(curated and (curated.topics or curated.add_topics or curated.remove_topics)),
                authors=tuple(visible(a) for a in record.authors) if record else (),
                published=record.published if record else None,
            )
        )
    papers.sort(key=lambda p: p.slug)
    return Catalogue(tuple(listings), tuple(papers), taxonomy), problems


def load(
    sources: Sources,
    workers: int = 1,
    seen: dict | None = None,
    classified: dict | None = None,
    also: Callable[[tuple[str, str]], object] | None = None,
    read: dict | None = None,
) -> Catalogue:
    """Read and validate every input; raise InputError listing all problems at once. Papers
    are classified by up to `workers` processes (parallel.py). A long-lived process passes
    `seen` (listings.read_listings) and `classified` (build_catalogue) to every load; `also`
    and `read` are build_catalogue's."""
    listings, problems = read_listings(sources.seeds, seen)
    taxonomy, found = load_taxonomy(sources.taxonomy)
    problems += found
    curation, found = load_curation(sources.curation)
    problems += found
    metadata, found = load_metadata(sources.metadata)
    problems += found
    if taxonomy is None or curation is None or metadata is None:
        raise InputError(problems)
    catalogue, found = build_catalogue(listings, taxonomy, curation, metadata, workers, classified, also, read)
    problems += found
    if problems:
        raise InputError(problems)
    return catalogue
