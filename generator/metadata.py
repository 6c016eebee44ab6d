"""Bibliographic metadata: what a real source says about a paper beyond its title and abstract.

Listings hold titles and abstracts only. Authors, dates, arXiv ids and code links come from
files in data/metadata/, written by `python -m generator import` from a source that holds
them (a saved Hugging Face daily-papers response, a table of arXiv ids) and reviewed in a pull
request like any other input. Nothing here is ever guessed: a field is shown only when a file
holds it, and citation metadata only when the record is complete enough not to mislead.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from pathlib import Path

from . import yamlfile
from .problems import Problem
from .slugs import normalise_title

# New-style (2401.01234, 2401.01234v2) and old-style (hep-th/9901001, math.GT/0309136) ids.
ARXIV_ID = re.compile(r"(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?")


def arxiv_base(arxiv_id: str) -> str:
    """The paper's id without a version (2401.01234v2 -> 2401.01234): one paper, any version."""
    return re.sub(r"v\d+$", "", arxiv_id)


SUFFIX = ".yaml"
_KEYS = {"title", "arxiv", "authors", "published", "code", "project"}
# Control characters and what UTF-8 or XML cannot carry: a name holding one is a broken export.
_BAD_CHAR = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
AUTHORS_MAX = 5000  # the longest real author lists (physics collaborations) run to a few thousand


@dataclass(frozen=True)
class Record:
    title: str
    where: str  # "path:line", for messages
    arxiv: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None  # YYYY-MM-DD, the date the source gives for the paper
    code: str | None = None
    project: str | None = None


FIELDS = ("arxiv", "authors", "published", "code", "project")


@dataclass(frozen=True)
class Metadata:
    records: dict[str, Record]  # by normalised title
    lines: dict[str, tuple[str, int]]  # normalised title -> (path, line) of its first record


def is_https(value: object) -> bool:
    return (
        isinstance(value, str)
        and value.startswith("https://")
        and len(value) > 8
        and not any(c.isspace() for c in value)
    )


def check_date(value: object) -> str | None:
    """A calendar date as YYYY-MM-DD, or None. YAML reads an unquoted 2024-11-05 as a date."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            return None
    return None


def parse_record(item: object, path: str) -> tuple[Record | None, list[Problem]]:
    """One record, validated: every problem names the file and the record's line."""
    problems = yamlfile.check_keys(item, path, _KEYS, {"title"}, "paper's metadata")
    if problems:
        return None, problems
    line = item.line
    title = item["title"]
    if not isinstance(title, str) or not title.strip():
        return None, [Problem(path, line, "title must be non-empty text")]
    if not (_KEYS - {"title"}) & item.keys():
        problems.append(Problem(path, line, f"no metadata for {title!r}: give at least one of {', '.join(FIELDS)}"))
    arxiv = item.get("arxiv")
    if arxiv is not None and not (isinstance(arxiv, str) and ARXIV_ID.fullmatch(arxiv)):
        problems.append(Problem(path, line, f"{arxiv!r} is not an arXiv id such as 2401.01234"))
    authors = item.get("authors", [])
    if not isinstance(authors, list) or not all(isinstance(a, str) and a.strip() for a in authors):
        problems.append(Problem(path, line, "authors must be a list of names"))
        authors = []
    elif any(_BAD_CHAR.search(" ".join(a.split())) for a in authors):
        problems.append(Problem(path, line, "an author's name holds a control character"))
    elif len(authors) > AUTHORS_MAX:
        problems.append(Problem(path, line, f"{len(authors)} authors: more than {AUTHORS_MAX}, is this one paper?"))
    published = None
    if "published" in item:
        published = check_date(item["published"])
        if published is None:
            problems.append(Problem(path, line, f"published: {item['published']!r} is not a date such as 2024-11-05"))
    for key in ("code", "project"):
        if key in item and not is_https(item[key]):
            problems.append(Problem(path, line, f"{key} must be an address starting with https://"))
    if problems:
        return None, problems
    return (
        Record(
            title=" ".join(title.split()),
            where=f"{path}:{line}",
            arxiv=arxiv,
            authors=tuple(" ".join(a.split()) for a in authors),
            published=published,
            code=item.get("code"),
            project=item.get("project"),
        ),
        [],
    )


def merge(a: Record, b: Record) -> tuple[Record, list[str]]:
    """Two records of one paper: fields one holds and the other lacks are combined; a field both
    hold differently is a conflict (named), never settled by picking one."""
    conflicts, combined = [], {}
    for f in FIELDS:
        x, y = getattr(a, f), getattr(b, f)
        if x and y and x != y:
            conflicts.append(f)
        combined[f] = x or y
    return replace(a, **combined), conflicts


def read_file(path: Path) -> tuple[list[Record], list[Problem]]:
    where = str(path)
    data, problems = yamlfile.load(path)
    if problems:
        return [], problems
    if data is None:
        return [], []
    problems = yamlfile.check_keys(data, where, {"papers"}, {"papers"}, "metadata file")
    if problems:
        return [], problems
    items = data["papers"] or []
    if not isinstance(items, list):
        return [], [Problem(where, data.line, "papers must be a list")]
    records = []
    for item in items:
        record, found = parse_record(item, where)
        problems += found
        if record:
            records.append(record)
    return records, problems


def load_metadata(folder: Path | None) -> tuple[Metadata | None, list[Problem]]:
    """Every *.yaml file of the folder (none, if it does not exist), merged by paper."""
    if folder is None or not folder.exists():
        return Metadata({}, {}), []
    if not folder.is_dir():
        return None, [Problem(str(folder), 0, "metadata must be a folder of *.yaml files")]
    problems: list[Problem] = []
    records: dict[str, Record] = {}
    lines: dict[str, tuple[str, int]] = {}
    by_arxiv: dict[str, Record] = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        if path.suffix != SUFFIX or not path.is_file() or path.is_symlink():
            problems.append(Problem(str(path), 0, f"not a metadata file: metadata files are *{SUFFIX} files"))
            continue
        found_records, found = read_file(path)
        problems += found
        for r in found_records:
            key = normalise_title(r.title)
            line = int(r.where.rsplit(":", 1)[1])
            if key in records:
                merged, conflicts = merge(records[key], r)
                for f in conflicts:
                    problems.append(
                        Problem(
                            str(path),
                            line,
                            f"{f} differs from {records[key].where} for {r.title!r}: "
                            f"{getattr(r, f)!r} here, {getattr(records[key], f)!r} there",
                        )
                    )
                records[key] = merged
            else:
                records[key] = r
                lines[key] = (str(path), line)
            if r.arxiv:
                base_id = arxiv_base(r.arxiv)
                other = by_arxiv.setdefault(base_id, r)
                if normalise_title(other.title) != key:
                    problems.append(
                        Problem(
                            str(path), line, f"arXiv id {r.arxiv} is also given to {other.title!r} at {other.where}"
                        )
                    )
    if problems:
        return None, problems
    return Metadata(records, lines), []
