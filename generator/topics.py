"""Topics: the curated taxonomy and how papers are matched to it.

Each topic lists terms. A term matches at the start of a word, case-insensitively
(``quantiz`` matches "quantization" and "quantized"); a space or hyphen in a term matches any
run of spaces and hyphens; a trailing ``$`` makes it match whole words only (``rag$``).
A term in the title counts far more than a mention in the abstract, so a paper that names
quantization once in passing is not filed under quantization.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import yamlfile
from .layout import reserved_reason
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


@dataclass(frozen=True)
class Taxonomy:
    topics: tuple[Topic, ...]
    max_topics: int
    match: Matcher = field(repr=False, compare=False)  # compiled from the topics' terms

    def by_id(self) -> dict[str, Topic]:
        return {t.id: t for t in self.topics}


# Terms match only where a word starts, so a text is scanned once, and at each word start only
# the terms sharing its first two characters are tried: cost grows with the text, not with
# the number of terms.


_SEP = "[\\s-]+"
_END = "(?![a-z0-9])"


def _atoms(term: str) -> list[str]:
    """A term as regex atoms: its characters, a separator between words, an end-of-word check."""
    words = re.split(r"[\s-]+", term.rstrip("$").strip().lower())
    atoms: list[str] = []
    for k, word in enumerate(words):
        if k:
            atoms.append(_SEP)
        atoms += [re.escape(c) for c in word]
    return atoms + ([_END] if term.endswith("$") else [])


def _trie_regex(sequences: list[list[str]]) -> str:
    """One regex matching any of the atom sequences, shaped as a trie so the engine never
    retries a shared prefix: this is what keeps the scan fast with hundreds of terms."""
    trie: dict = {}
    for atoms in sequences:
        node = trie
        for atom in atoms:
            node = node.setdefault(atom, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [atom + build(child) for atom, child in sorted(node.items()) if atom]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # A term ending here matches even if longer terms do not: what follows is optional.
        return f"(?:{body})?" if "" in node else body

    return build(trie)


@dataclass(frozen=True)
class Matcher:
    starts: re.Pattern[str]  # finds the word starts where some term matches
    # first two characters -> one pattern per topic that has terms starting so (its terms in
    # taxonomy order, as one alternation), with the topic's index
    terms: dict[str, tuple[tuple[re.Pattern[str], int], ...]]


def _key(text: str) -> str:
    # A term's separator matches a space or a hyphen: both give the same key.
    return text[:2].replace("-", " ").replace("\t", " ").replace("\n", " ")


def matcher(topics: tuple[Topic, ...]) -> Matcher:
    grouped: dict[str, dict[int, list[str]]] = {}
    for i, topic in enumerate(topics):
        for term in topic.terms:
            grouped.setdefault(_key(term.strip().lower()), {}).setdefault(i, []).append("".join(_atoms(term)))
    index = {
        key: tuple((re.compile("|".join(regexes)), i) for i, regexes in per_topic.items())
        for key, per_topic in grouped.items()
    }
    every_term = _trie_regex([_atoms(term) for topic in topics for term in topic.terms])
    return Matcher(re.compile(rf"(?<![a-z0-9])(?={every_term})"), index)


def _matches(match: Matcher, text: str, n: int) -> list[list[str]]:
    """Per topic, the texts its terms matched, without overlaps, left to right."""
    found: list[list[str]] = [[] for _ in range(n)]
    ends = [0] * n
    terms = match.terms
    for m in match.starts.finditer(text):
        pos = m.start()
        for pattern, i in terms.get(_key(text[pos : pos + 2]), ()):
            if pos < ends[i]:
                continue
            hit = pattern.match(text, pos)
            if hit:
                found[i].append(hit.group(0))
                ends[i] = hit.end()
    return found


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
        if reason := reserved_reason(tid):
            problems.append(Problem(where, line, f"topic id {reason}: its page would collide; choose another id"))
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
        for term in terms:
            if len(term.strip()) < 2 or not term.strip()[0].isalnum():
                problems.append(
                    Problem(where, line, f"topic {tid!r}: term {term!r} must start with 2 letters or digits")
                )
        if problems:
            continue
        topics.append(Topic(tid, item["name"].strip(), " ".join(item["description"].split()), terms))
    if problems:
        return None, problems
    return Taxonomy(tuple(topics), max_topics, matcher(tuple(topics))), []


def scores(taxonomy: Taxonomy, title: str, abstract: str) -> list[int]:
    """Each topic's score for a paper, in taxonomy order."""
    match = taxonomy.match
    n = len(taxonomy.topics)
    in_title = _matches(match, title.lower(), n)
    in_abstract = _matches(match, abstract.lower(), n)
    return [TITLE_WEIGHT * len(set(t)) + min(len(a), ABSTRACT_CAP) for t, a in zip(in_title, in_abstract, strict=True)]


@lru_cache(maxsize=1 << 16)  # mkdocs serve rebuilds in one process: unchanged papers cost nothing
def classify(taxonomy: Taxonomy, title: str, abstract: str) -> tuple[tuple[str, int], ...]:
    """The paper's topics with their scores, most relevant first, at most ``max_topics``."""
    scored = [(t.id, s) for t, s in zip(taxonomy.topics, scores(taxonomy, title, abstract), strict=True)]
    ranked = sorted((s for s in scored if s[1] >= THRESHOLD), key=lambda s: -s[1])
    return tuple(ranked[: taxonomy.max_topics])
