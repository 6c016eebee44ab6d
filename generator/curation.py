"""Curation: what maintainers say about individual papers, beyond what the listings hold."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import yamlfile
from .metadata import ARXIV_ID
from .problems import Problem
from .slugs import normalise_title

_KEYS = {"title", "topics", "add_topics", "remove_topics", "links", "note", "abstract_from"}
_LINK_KEYS = {"arxiv", "code", "project"}


@dataclass(frozen=True)
class Curated:
    title: str
    line: int
    topics: tuple[str, ...] | None = None  # the paper's topics exactly, main first, if a curator says so
    add_topics: tuple[str, ...] = ()
    remove_topics: tuple[str, ...] = ()
    arxiv: str | None = None
    code: str | None = None
    project: str | None = None
    note: str | None = None
    abstract_from: str | None = None  # listing file whose text wins over a conflicting one


@dataclass(frozen=True)
class Curation:
    path: str
    papers: dict[str, Curated]  # by normalised title


def _links(item: dict, where: str) -> tuple[dict[str, str], list[Problem]]:
    links = item.get("links", {})
    line = getattr(links, "line", item.line)
    problems = yamlfile.check_keys(links, where, _LINK_KEYS, set(), "links")
    if problems:
        return {}, problems
    for key, value in links.items():
        if not isinstance(value, str):
            problems.append(Problem(where, line, f"link {key!r} must be text"))
        elif key == "arxiv" and not ARXIV_ID.fullmatch(value):
            problems.append(Problem(where, line, f"{value!r} is not an arXiv id such as 2401.01234"))
        elif key != "arxiv" and not value.startswith("https://"):
            problems.append(Problem(where, line, f"link {key!r} must start with https://"))
    return links, problems


def load_curation(path: Path) -> tuple[Curation | None, list[Problem]]:
    where = str(path)
    if not path.exists():
        return Curation(where, {}), []
    data, problems = yamlfile.load(path)
    if problems:
        return None, problems
    if data is None:
        return Curation(where, {}), []
    problems = yamlfile.check_keys(data, where, {"papers"}, set(), "curation file")
    if problems:
        return None, problems
    items = data.get("papers") or []
    if not isinstance(items, list):
        return None, [Problem(where, data.line, "papers must be a list")]
    papers: dict[str, Curated] = {}
    for item in items:
        found = yamlfile.check_keys(item, where, _KEYS, {"title"}, "curated paper")
        if found:
            problems += found
            continue
        line = item.line
        title = item["title"]
        if not isinstance(title, str) or not title.strip():
            problems.append(Problem(where, line, "title must be non-empty text"))
            continue
        key = normalise_title(title)
        if key in papers:
            problems.append(Problem(where, line, f"paper curated twice (first at line {papers[key].line}): {title!r}"))
            continue
        topics, p0 = yamlfile.string_list(item, "topics", where, "curated paper")
        if "topics" in item and ("add_topics" in item or "remove_topics" in item):
            p0.append(Problem(where, line, "give topics alone, or add_topics / remove_topics, not both"))
        if "topics" in item and not topics and not p0:
            p0.append(Problem(where, line, "topics must name at least one topic"))
        add, p1 = yamlfile.string_list(item, "add_topics", where, "curated paper")
        remove, p2 = yamlfile.string_list(item, "remove_topics", where, "curated paper")
        links, p3 = _links(item, where)
        problems += p0 + p1 + p2 + p3
        for key_ in ("note", "abstract_from"):
            if key_ in item and (not isinstance(item[key_], str) or not item[key_].strip()):
                problems.append(Problem(where, line, f"{key_!r} must be non-empty text"))
        papers[key] = Curated(
            title=title,
            line=line,
            topics=topics if "topics" in item else None,
            add_topics=add,
            remove_topics=remove,
            arxiv=links.get("arxiv"),
            code=links.get("code"),
            project=links.get("project"),
            note=" ".join(item["note"].split()) if isinstance(item.get("note"), str) else None,
            abstract_from=item.get("abstract_from") if isinstance(item.get("abstract_from"), str) else None,
        )
    if problems:
        return None, problems
    return Curation(where, papers), []
