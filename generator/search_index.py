"""The search index: split into small script files so a query loads only what it needs.

Terms go through lunr.js's pipeline (tokenizer, trimmer, stop words, stemmer), reproduced here
exactly, so the browser, running lunr.js on a query, arrives at the same terms.

Layout under search/ (every file is a script, so it loads from file:// as well as over HTTP):
  meta.js        document count and the list of term shards
  t/<key>.js     postings of the terms that start with key: the first two characters, and a
                 shard larger than SPLIT_BYTES is split again by the next character ("_" stands
                 for the end of a term and for any character but a-z and 0-9), so no shard
                 grows with the catalogue beyond its few most common terms
  d/<n>.js       title, address and excerpt of DOC_CHUNK documents, fetched for results only
Only titles, abstracts and topic names are indexed: no page furniture.

Postings are compact text, because common terms list most documents: per document, the gap
from the previous document number in base 36 (left out when it is 1), then its weight as one
letter A-Z (1-26; a higher weight counts as 26, where tf / (tf + 1.2) has long saturated).
"languag" in 90,000 of 100,000 papers takes about 100 KB instead of 900 KB as JSON numbers.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

from lunr.stop_word_filter import WORDS as STOP_WORDS

from .catalogue import Catalogue
from .stemmer import stem

DOC_CHUNK = 64
FIELD_WEIGHTS = {"title": 10, "topics": 3, "text": 1}
SPLIT_BYTES = 128 * 1024  # a larger shard is split by the next character
FIRST_DEPTH, MAX_DEPTH = 2, 8
MAX_WEIGHT = 26
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class SearchDoc:
    location: str
    title: str
    excerpt: str
    fields: dict[str, tuple[str, ...]]  # field -> its terms


_SEPARATOR = re.compile(r"[\s\-]+")
# lunr.js's trimmer uses JavaScript's \W, which is ASCII-only.
_TRIM = re.compile(r"^\W+|\W+$", re.ASCII)
_STOP = frozenset(STOP_WORDS)


@lru_cache(maxsize=1 << 19)  # a corpus repeats its words: run the pipeline once per word
def _term(token: str) -> str | None:
    token = _TRIM.sub("", token)
    if not token or token in _STOP:
        return None
    return stem(token)


@lru_cache(maxsize=1 << 16)  # mkdocs serve rebuilds in one process: unchanged texts cost nothing
def terms(text: str) -> tuple[str, ...]:
    """lunr.js's default pipeline: tokenizer, trimmer, stop word filter, stemmer."""
    return tuple(filter(None, map(_term, _SEPARATOR.split(text.lower()))))


def key_at(term: str, depth: int) -> str:
    """The term's first `depth` characters as a shard key: "_" for any other character and for
    positions past the term's end (the worker's keyAt does the same)."""
    return "".join(c if c in _ALNUM else "_" for c in term[:depth]).ljust(depth, "_")


def shard_of(term: str, keys: frozenset[str]) -> str:
    """The shard holding a term, among the index's keys (a prefix-free set)."""
    for depth in range(FIRST_DEPTH, MAX_DEPTH + 1):
        key = key_at(term, depth)
        if key in keys:
            return key
    raise KeyError(term)


_WEIGHT_LETTERS = [chr(64 + w) for w in range(MAX_WEIGHT)]  # and "Z" (26) for any weight above


def _base36(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = _DIGITS[r] + out
    return out or "0"


# Gaps below this are looked up, not computed: nearly all are, in an index of any size.
_GAPS = ["", ""] + [_base36(gap) for gap in range(2, 1296)]


def encode(postings: list[tuple[int, int]]) -> str:
    """(document, weight) pairs in document order as compact text (see the module's doc)."""
    out, previous = [], -1
    for doc, weight in postings:
        out.append(_piece(doc - previous, weight))
        previous = doc
    return "".join(out)


def _piece(gap: int, weight: int) -> str:
    """One posting: the gap from the previous document (none for 1), then the weight's letter."""
    return (_GAPS[gap] if gap < len(_GAPS) else _base36(gap)) + (
        _WEIGHT_LETTERS[weight] if weight < MAX_WEIGHT else "Z"
    )


def decode(text: str) -> list[tuple[int, int]]:
    out, doc, digits = [], -1, ""
    for c in text:
        if "A" <= c <= "Z":
            doc += int(digits, 36) if digits else 1
            out.append((doc, ord(c) - 64))
            digits = ""
        else:
            digits += c
    return out


def _split(terms: dict[str, str], depth: int) -> dict[str, dict[str, str]]:
    """Group terms by their key at this depth, splitting a group that is still too large."""
    groups: dict[str, dict[str, str]] = defaultdict(dict)
    for term, postings in terms.items():
        groups[key_at(term, depth)][term] = postings
    shards = {}
    for key, group in groups.items():
        size = sum(len(t) + len(p) + 6 for t, p in group.items())
        if size > SPLIT_BYTES and depth < MAX_DEPTH and len(group) > 1:
            shards.update(_split(group, depth + 1))
        else:
            shards[key] = group
    return shards


def _script(call: str, *args) -> str:
    body = ",".join(json.dumps(a, ensure_ascii=False, separators=(",", ":"), sort_keys=True) for a in args)
    # "</" could end an inline script; as files they are never inline, but keep them safe anyway.
    body = body.replace("</", "<\\/")
    return f"{call}({body});\n"


def documents(
    catalogue: Catalogue, excerpt, paper_terms: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]
) -> list[SearchDoc]:
    """What is indexed: topics, then papers with their (title, abstract) terms by slug."""
    docs = [
        SearchDoc(f"topics/{t.id}.html", t.name, t.description, {"title": terms(t.name), "text": terms(t.description)})
        for t in catalogue.taxonomy.topics
    ]
    topic_terms = {t.id: terms(t.name) for t in catalogue.taxonomy.topics}
    # Numbered in order of first appearance: new papers arrive in listings that sort last, so
    # they take new numbers and an added paper rewrites few index files.
    in_order = sorted(catalogue.papers, key=lambda p: (p.appearances[0].listing, p.appearances[0].line))
    for p in in_order:
        title_terms, abstract_terms = paper_terms[p.slug]
        docs.append(
            SearchDoc(
                f"papers/{p.slug}.html",
                p.title,
                excerpt(p.abstract),
                {
                    "title": title_terms,
                    "text": abstract_terms,
                    "topics": tuple(w for t in p.topic_ids for w in topic_terms[t]),
                },
            )
        )
    return docs


def build_index(docs: list[SearchDoc]) -> dict[str, str]:
    """Relative path under docs/ -> script text."""
    # Documents come in order, so each term's postings are encoded as they arrive, into a
    # growing byte string: a dict per term of every (document, weight) took over a gigabyte
    # at 100,000 papers.
    growing: dict[str, bytearray] = {}
    last: dict[str, int] = {}
    for i, doc in enumerate(docs):
        weights: Counter[str] = Counter()
        for field, field_terms in doc.fields.items():
            weight = FIELD_WEIGHTS[field]
            for term, count in Counter(field_terms).items():
                weights[term] += weight * count
        for term, weight in weights.items():
            piece = _piece(i - last.get(term, -1), weight)
            last[term] = i
            if term in growing:
                growing[term] += piece.encode()
            else:
                growing[term] = bytearray(piece.encode())
    del last
    encoded = {term: growing.pop(term).decode() for term in sorted(growing)}
    shards = _split(encoded, FIRST_DEPTH)
    files = {f"search/t/{key}.js": _script("__searchShard", key, terms) for key, terms in sorted(shards.items())}
    for start in range(0, len(docs), DOC_CHUNK):
        chunk = [[d.location, d.title, d.excerpt] for d in docs[start : start + DOC_CHUNK]]
        files[f"search/d/{start // DOC_CHUNK}.js"] = _script("__searchDocs", start // DOC_CHUNK, chunk)
    files["search/meta.js"] = _script(
        "__searchMeta", {"count": len(docs), "chunk": DOC_CHUNK, "shards": sorted(shards), "version": 2}
    )
    return files
