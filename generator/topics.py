"""Topics: the curated taxonomy and how papers are matched to it.

Each topic lists terms. A term matches at the start of a word, case-insensitively
(``quantiz`` matches "quantization" and "quantized"); a space or hyphen in a term matches any
run of spaces and hyphens; a trailing ``$`` makes it match whole words only (``rag$``).
A term in the title counts far more than a mention in the abstract, so a paper that names
quantization once in passing is not filed under quantization.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import yamlfile
from .problems import Problem

TITLE_WEIGHT = 3
ABSTRACT_CAP = 6  # an abstract that repeats a word ten times is not ten times as relevant
THRESHOLD = 3
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Topic:
    id: str
    name: str
    description: str
    terms: tuple[str, ...]
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Taxonomy:
    topics: tuple[Topic, ...]
    max_topics: int

    def by_id(self) -> dict[str, Topic]:
        return {t.id: t for t in self.topics}


def _compile(terms: tuple[str, ...]) -> re.Pattern[str]:
    parts = []
    for term in terms:
        whole = term.endswith("$")
        words = re.split(r"[\s-]+", term.rstrip("$").strip().lower())
        body = r"[\s-]+".join(re.escape(w) for w in words)
        parts.append(body + (r"(?![a-z0-9])" if whole else ""))
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(parts) + ")", re.IGNORECASE)


def load_taxonomy(path: Path) -> tuple[Taxonomy | None, list[Problem]]:
    data, problems = yamlfile.load(path)
    if problems:
        return None, problems
    where = str(path)
    problems += yamlfile.check_keys(data, where, {"max_topics", "topics"}, {"topics"}, "taxonomy file")
    if problems:
        return None, problems
    max_topics = data.get("max_topics", 4)
    if not isinstance(max_topics, int) or isinstance(max_topics, bool) or max_topics < 1:
        problems.append(Problem(where, data.line, "max_topics must be a whole number of at least 1"))
    items = data["topics"]
    if not isinstance(items, list) or not items:
        return None, problems + [Problem(where, data.line, "topics must be a non-empty list")]
    topics: list[Topic] = []
    seen: set[str] = set()
    for item in items:
        found = yamlfile.check_keys(
            item, where, {"id", "name", "description", "terms"}, {"id", "name", "description", "terms"}, "topic"
        )
        if found:
            problems += found
            continue
        line = item.line
        tid = item["id"]
        if not isinstance(tid, str) or not _ID.fullmatch(tid):
            problems.append(Problem(where, line, f"topic id {tid!r} must be lowercase words joined by hyphens"))
            continue
        if tid in seen:
            problems.append(Problem(where, line, f"topic id {tid!r} is used twice"))
        seen.add(tid)
        for key in ("name", "description"):
            if not isinstance(item[key], str) or not item[key].strip():
                problems.append(Problem(where, line, f"topic {tid!r}: {key!r} must be non-empty text"))
        terms, found = yamlfile.string_list(item, "terms", where, f"topic {tid!r}")
        problems += found
        if not found and not terms:
            problems.append(Problem(where, line, f"topic {tid!r} has no terms"))
        if problems:
            continue
        topics.append(Topic(tid, item["name"].strip(), " ".join(item["description"].split()), terms, _compile(terms)))
    if problems:
        return None, problems
    return Taxonomy(tuple(topics), max_topics), []


def score(topic: Topic, title: str, abstract: str) -> int:
    title_terms = {m.group(0).lower() for m in topic.pattern.finditer(title)}
    mentions = sum(1 for _ in topic.pattern.finditer(abstract))
    return TITLE_WEIGHT * len(title_terms) + min(mentions, ABSTRACT_CAP)


def classify(taxonomy: Taxonomy, title: str, abstract: str) -> tuple[tuple[str, int], ...]:
    """The paper's topics with their scores, most relevant first, at most ``max_topics``."""
    scored = [(t.id, score(t, title, abstract)) for t in taxonomy.topics]
    ranked = sorted((s for s in scored if s[1] >= THRESHOLD), key=lambda s: -s[1])
    return tuple(ranked[: taxonomy.max_topics])
