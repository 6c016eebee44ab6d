"""Importing papers with real metadata: a saved Hugging Face daily-papers response becomes a
listing in the seeds' format plus a metadata file; a table of arXiv ids adds ids to papers the
list already holds. Everything imported is validated like a hand-written listing, and nothing is
written unless the whole catalogue still checks.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import catalogue as cat
from .listings import LISTING_SUFFIX, TITLE_MAX, parse_listing
from .metadata import ARXIV_ID, SUFFIX, check_date, is_https, read_file
from .problems import InputError, Problem
from .slugs import normalise_title

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DATE_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")
IDS_FILE = "arxiv-ids.yaml"


@dataclass
class Imported:
    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was left out, and why


@dataclass(frozen=True)
class _Paper:
    title: str
    abstract: str
    arxiv: str
    authors: tuple[str, ...]
    published: str | None
    code: str | None
    project: str | None


def _one_line(value: object) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _https(value: object) -> str | None:
    text = _one_line(value)
    return text if is_https(text) else None


def _read_item(item: object, where: str, notes: list[str]) -> tuple[_Paper | None, list[str]]:
    """One daily-papers item: its `paper` object's documented fields. Required fields missing
    are errors; optional ones that are malformed are left out and noted."""
    if not isinstance(item, dict) or not isinstance(item.get("paper"), dict):
        return None, ["is not an object with a 'paper' object"]
    paper = item["paper"]
    errors = []
    arxiv = paper.get("id")
    if not (isinstance(arxiv, str) and ARXIV_ID.fullmatch(arxiv)):
        errors.append(f"paper.id {arxiv!r} is not an arXiv id such as 2401.01234")
    title, abstract = _one_line(paper.get("title")), _one_line(paper.get("summary"))
    if not any(c.isalnum() for c in title):
        errors.append("paper.title is missing or empty")
    elif len(title) > TITLE_MAX:
        errors.append(f"paper.title is {len(title)} characters long (at most {TITLE_MAX})")
    if not abstract:
        errors.append("paper.summary (the abstract) is missing or empty")
    authors = paper.get("authors", [])
    if not isinstance(authors, list) or not all(isinstance(a, dict) and _one_line(a.get("name")) for a in authors):
        errors.append("paper.authors must be a list of objects with a name")
        authors = []
    published = None
    if paper.get("publishedAt") is not None:
        published = check_date(str(paper["publishedAt"])[:10])
        if published is None:
            notes.append(f"{where}: paper.publishedAt {paper['publishedAt']!r} is not a date; left out")
    links = {}
    for key, name in (("githubRepo", "code"), ("projectPage", "project")):
        value = paper.get(key)
        if value not in (None, ""):
            links[name] = _https(value)
            if links[name] is None:
                notes.append(f"{where}: paper.{key} {value!r} is not an https:// address; left out")
    if errors:
        return None, errors
    return _Paper(
        title=title,
        abstract=abstract,
        arxiv=arxiv,
        authors=tuple(_one_line(a["name"]) for a in authors),
        published=published,
        code=links.get("code"),
        project=links.get("project"),
    ), []


def _listing_day(path: Path, items: list, given: str | None) -> tuple[str | None, str]:
    """The day of the daily-papers page: as given, else from the file's name (the API's
    date=YYYY-MM-DD saved as YYYY-MM-DD.json), else the day most items were posted."""
    if given:
        return check_date(given), f"--date {given}"
    m = _DATE_IN_NAME.search(path.name)
    if m:
        return check_date(m.group(1)), "the file's name"
    posted = Counter(
        d for item in items if isinstance(item, dict) and (d := check_date(str(item.get("publishedAt", ""))[:10]))
    )
    return (posted.most_common(1)[0][0] if posted else None), "the items' publishedAt"


def next_listing_name(seeds: Path, stem: str) -> str:
    """Listings are ordered by name: a new one takes the next number, so it sorts last."""
    numbers = [int(m.group(1)) for p in seeds.glob(f"*{LISTING_SUFFIX}") if (m := re.match(r"(\d+)_", p.name))]
    return f"{max(numbers, default=-1) + 1:03d}_{stem}{LISTING_SUFFIX}"


def _yaml(header: str, records: list[dict]) -> str:
    body = yaml.safe_dump({"papers": records}, sort_keys=False, allow_unicode=True, width=100)
    return "".join(f"# {line}\n" for line in header.splitlines()) + body


def _record(p: _Paper) -> dict:
    record: dict = {"title": p.title, "arxiv": p.arxiv}
    if p.authors:
        record["authors"] = list(p.authors)
    if p.published:
        record["published"] = p.published
    record.update({k: v for k, v in (("code", p.code), ("project", p.project)) if v})
    return record


def _commit(files: dict[Path, str], sources: cat.Sources) -> None:
    """Write the files, then check the whole catalogue with them; on any problem put every file
    back as it was, so a failed import leaves nothing behind."""
    before = {path: path.read_bytes() if path.exists() else None for path in files}
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    try:
        cat.load(sources)
    except InputError:
        for path, old in before.items():
            if old is None:
                path.unlink()
            else:
                path.write_bytes(old)
        raise


def import_daily_papers(path: Path, sources: cat.Sources, day: str | None = None) -> Imported:
    """A saved response of GET https://huggingface.co/api/daily_papers?date=YYYY-MM-DD."""
    where = str(path)
    try:
        items = json.loads(path.read_bytes())
    except OSError as e:
        raise InputError([Problem(where, 0, f"cannot read: {e.strerror}")]) from None
    except UnicodeDecodeError:
        raise InputError([Problem(where, 0, "not UTF-8 text")]) from None
    except json.JSONDecodeError as e:
        raise InputError([Problem(where, e.lineno, f"not valid JSON: {e.msg}")]) from None
    if not isinstance(items, list):
        raise InputError([Problem(where, 1, "expected a list of daily papers (the API's response as saved)")])
    if not items:
        raise InputError([Problem(where, 1, "the response holds no papers")])

    result = Imported()
    problems: list[Problem] = []
    papers: list[_Paper] = []
    seen: dict[str, int] = {}
    for n, item in enumerate(items, start=1):
        label = f"item {n}" + (
            f" ({item['paper'].get('id')})" if isinstance(item, dict) and isinstance(item.get("paper"), dict) else ""
        )
        paper, errors = _read_item(item, f"{where}: {label}", result.notes)
        problems += [Problem(where, 0, f"{label}: {e}") for e in errors]
        if paper is None:
            continue
        key = normalise_title(paper.title)
        if key in seen:
            problems.append(Problem(where, 0, f"{label}: the same paper as item {seen[key]}"))
            continue
        seen[key] = n
        papers.append(paper)

    listing_day, from_where = _listing_day(path, items, day)
    if listing_day is None and day:
        problems.append(Problem(where, 0, f"{from_where} is not a date such as 2026-11-20"))
    elif listing_day is None:
        problems.append(Problem(where, 0, f"no date for the listing from {from_where}: give --date YYYY-MM-DD"))
    if problems:
        raise InputError(problems)

    date = dt.date.fromisoformat(listing_day)
    name = next_listing_name(sources.seeds, f"hf-daily-{listing_day}")
    last = max((p.name for p in sources.seeds.glob(f"*{LISTING_SUFFIX}")), default="")
    if name <= last:
        # The newest listing is the one whose name sorts last: a new one must not sort before.
        raise InputError(
            [
                Problem(
                    str(sources.seeds / last),
                    0,
                    f"{name} would not sort after {last}: "
                    "give the listings number prefixes (000_..., 001_...) so new ones sort last",
                )
            ]
        )
    listing_path = sources.seeds / name
    existing = sorted(sources.seeds.glob(f"*_hf-daily-{listing_day}{LISTING_SUFFIX}"))
    if existing:
        raise InputError(
            [Problem(str(existing[0]), 0, f"{listing_day} was imported already; edit that listing instead")]
        )
    text = f"{_MONTHS[date.month - 1]} {date.day}\n\n" + "".join(f"{p.title}\n\n{p.abstract}\n\n" for p in papers)
    text = text.rstrip("\n") + "\n"
    listing, found = parse_listing(text.encode(), str(listing_path))
    if found or listing is None:
        raise InputError(found)
    # The listing must read back as exactly what was imported, or a paper would be lost.
    if [(e.title, e.abstract) for e in listing.entries] != [(p.title, p.abstract) for p in papers]:
        raise InputError([Problem(where, 0, "the papers do not read back from the listing as imported")])

    meta_path = sources.metadata / (name.removesuffix(LISTING_SUFFIX) + SUFFIX) if sources.metadata else None
    header = (
        f"Imported by `python -m generator import {path.name}` from a saved Hugging Face daily-papers\n"
        f"response ({listing_day}, date from {from_where}). Its papers are in seeds/{name}."
    )
    files = {listing_path: text}
    if meta_path is not None:
        files[meta_path] = _yaml(header, [_record(p) for p in papers])
    _commit(files, sources)
    result.written = list(files)
    return result


def import_arxiv_ids(path: Path, sources: cat.Sources) -> Imported:
    """A table of arXiv ids for papers the list holds: `ID<TAB>TITLE` a line (an `arxiv<TAB>title`
    header, blank lines and # comments are allowed). Written to data/metadata/arxiv-ids.yaml."""
    where = str(path)
    if sources.metadata is None:
        raise InputError([Problem(where, 0, "no metadata folder to write to")])
    try:
        lines = path.read_text(encoding="utf-8").removeprefix("\ufeff").split("\n")
    except OSError as e:
        raise InputError([Problem(where, 0, f"cannot read: {e.strerror}")]) from None
    except UnicodeDecodeError:
        raise InputError([Problem(where, 0, "not UTF-8 text")]) from None
    catalogue = cat.load(sources)
    target = sources.metadata / IDS_FILE
    records: list[dict] = []
    known: dict[str, dict] = {}
    if target.exists():
        old, found = read_file(target)
        if found:
            raise InputError(found)
        for r in old:
            record = {"title": r.title, "arxiv": r.arxiv}
            records.append(record)
            known[normalise_title(r.title)] = record

    problems: list[Problem] = []
    result = Imported()
    added = 0
    for number, raw in enumerate(lines, start=1):
        line = raw.removesuffix("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split("\t")
        if number == 1 and [f.strip().lower() for f in fields] == ["arxiv", "title"]:
            continue
        if len(fields) != 2:
            problems.append(
                Problem(where, number, f"expected an arXiv id, a tab and a title; found {len(fields)} field(s)")
            )
            continue
        arxiv, title = fields[0].strip(), " ".join(fields[1].split())
        if not ARXIV_ID.fullmatch(arxiv):
            problems.append(Problem(where, number, f"{arxiv!r} is not an arXiv id such as 2401.01234"))
            continue
        paper = catalogue.find(title)
        if paper is None:
            problems.append(Problem(where, number, f"no paper has this title: {title!r}"))
            continue
        key = normalise_title(paper.title)
        if key in known:
            if known[key]["arxiv"] != arxiv:
                problems.append(Problem(where, number, f"{paper.title!r} already has arXiv id {known[key]['arxiv']}"))
            continue
        if paper.arxiv and paper.arxiv != arxiv:
            problems.append(Problem(where, number, f"{paper.title!r} already has arXiv id {paper.arxiv}"))
            continue
        record = {"title": paper.title, "arxiv": arxiv}
        records.append(record)
        known[key] = record
        added += 1
    if problems:
        raise InputError(problems)
    header = (
        "arXiv ids of papers the listings hold, added with `python -m generator import FILE.tsv`\n"
        "(one line per paper: id, a tab, the title). Ids only: authors and dates come from a source\n"
        "that holds them, never from a title."
    )
    if added:
        _commit({target: _yaml(header, records)}, sources)
        result.written = [target]
    result.notes.append(f"{added} id(s) added, {len(records) - added} already known")
    return result
