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
from array import array
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from lunr.stop_word_filter import WORDS as STOP_WORDS

from .catalogue import Catalogue
from .stemmer import stem

DOC_CHUNK = 64
FIELD_WEIGHTS = {"title": 10, "topics": 3, "text": 1}
SPLIT_BYTES = 128 * 1024  # a larger shard is split by the next character
FIRST_DEPTH, MAX_DEPTH = 2, 8
MAX_WEIGHT = 26
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_BLOCK = 1024  # documents whose postings are gathered at once
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class SearchDoc:
    location: str
    title: str
    excerpt: str
    fields: dict[str, str]  # field -> its terms, joined by spaces


# lunr.js's trimmer uses JavaScript's \W, which is ASCII-only.
_TRIM = re.compile(r"^\W+|\W+$", re.ASCII)
_STOP = frozenset(STOP_WORDS)
_KNOWN_WORDS = 1 << 20  # words whose term is remembered (a corpus repeats its words)


class _TermOf(dict):
    """token -> its term, or None: the pipeline runs once per distinct word. A dict's own
    lookup, in C, where a cache wrapper cost more than the rest of the tokenizing."""

    def __missing__(self, token: str) -> str | None:
        if len(self) >= _KNOWN_WORDS:
            self.clear()
        trimmed = _TRIM.sub("", token)
        term = None if not trimmed or trimmed in _STOP else stem(trimmed)
        self[token] = term
        return term


_term_of = _TermOf()


def terms(text: str) -> tuple[str, ...]:
    """lunr.js's default pipeline: tokenizer, trimmer, stop word filter, stemmer."""
    # The tokenizer splits at runs of white space and hyphens: str.split's white space is the
    # regular expression \s's (both Python's isspace), and it is several times faster.
    return tuple(filter(None, map(_term_of.__getitem__, text.lower().replace("-", " ").split())))


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


_WEIGHT_LETTERS = [chr(64 + w) for w in range(MAX_WEIGHT + 1)]  # "Z" (26) for any weight above too


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
    return (_GAPS[gap] if gap < len(_GAPS) else _base36(gap)) + _WEIGHT_LETTERS[min(weight, MAX_WEIGHT)]


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
    catalogue: Catalogue, summaries: dict[str, str], paper_terms: dict[str, tuple[str, str]]
) -> list[SearchDoc]:
    """What is indexed: topics, then papers with their summaries (shown under each result) and
    their (title, abstract) terms joined by spaces, by slug."""
    docs = [
        SearchDoc(
            f"topics/{t.id}.html",
            t.name,
            t.description,
            {"title": " ".join(terms(t.name)), "text": " ".join(terms(t.description))},
        )
        for t in catalogue.taxonomy.topics
    ]
    topic_terms = {t.id: " ".join(terms(t.name)) for t in catalogue.taxonomy.topics}
    # Numbered in order of first appearance: new papers arrive in listings that sort last, so
    # they take new numbers and an added paper rewrites few index files.
    in_order = sorted(catalogue.papers, key=lambda p: (p.appearances[0].listing, p.appearances[0].line))
    for p in in_order:
        title_terms, abstract_terms = paper_terms[p.slug]
        docs.append(
            SearchDoc(
                f"papers/{p.slug}.html",
                p.title,
                summaries[p.slug],
                {
                    "title": title_terms,
                    "text": abstract_terms,
                    "topics": " ".join(topic_terms[t] for t in p.topic_ids),
                },
            )
        )
    return docs


_DIGIT_BYTES = np.frombuffer(_DIGITS.encode(), dtype=np.uint8)


def _digit_count(gaps: np.ndarray) -> np.ndarray:
    """How many base-36 digits each gap is written with: none for 1 (see _piece)."""
    count = (gaps > 1).astype(np.int64)
    power = 36
    while (more := gaps >= power).any():
        count += more
        power *= 36
    return count


def _encode_pieces(gaps: np.ndarray, weights: np.ndarray) -> tuple[memoryview, np.ndarray]:
    """_piece for every (gap, weight) at once, in numpy: the pieces as ASCII bytes, and where
    each piece ends in them. Per-posting Python strings cost ten times the memory of the result."""
    digits = _digit_count(gaps)
    ends = np.cumsum(digits + 1)
    out = np.empty(int(ends[-1]) if len(ends) else 0, dtype=np.uint8)
    out[ends - 1] = 64 + np.minimum(weights, MAX_WEIGHT)  # the weight's letter, A-Z
    rest, at = gaps.copy(), ends - 2
    for place in range(int(digits.max(initial=0))):  # digits from the last one back
        has = digits > place
        out[at[has]] = _DIGIT_BYTES[rest[has] % 36]
        rest //= 36
        at -= 1
    return memoryview(out), ends


def _postings(docs: list[SearchDoc]) -> dict[str, str]:
    """Each term's encoded postings, terms in sorted order.

    Documents are taken a block at a time: every (term, document, field weight) of the block
    goes into arrays, numpy sums the weights of each (term, document) and orders them by term,
    and each term's pieces for the block are appended to its encoded bytes. Python touches each
    term of each block once, not each posting; a block's arrays bound the memory."""
    ids: defaultdict[str, int] = defaultdict()
    ids.default_factory = ids.__len__  # a term's id: the number of terms seen before it
    encoded: list[bytearray] = []  # by term id: its postings so far
    last = np.empty(0, dtype=np.int64)  # by term id: the last document it was in, or -1
    count = len(docs)
    for start in range(0, count, _BLOCK):
        term_ids: array[int] = array("q")
        lengths: list[int] = []
        weights: list[int] = []
        for doc in docs[start : start + _BLOCK]:
            for field, joined in doc.fields.items():
                field_terms = joined.split()
                term_ids.extend(map(ids.__getitem__, field_terms))
                lengths.append(len(field_terms))
                weights.append(FIELD_WEIGHTS[field])
        fields_per_doc = [len(doc.fields) for doc in docs[start : start + _BLOCK]]
        doc_of_field = np.repeat(np.arange(start, start + len(fields_per_doc)), fields_per_doc)
        key = np.frombuffer(term_ids, dtype=np.int64) * count + np.repeat(doc_of_field, lengths)
        pairs, which = np.unique(key, return_inverse=True)  # sorted by term id, then document
        summed = np.bincount(which, weights=np.repeat(weights, lengths)).astype(np.int64)
        term, doc = np.divmod(pairs, count)
        new = len(ids) - len(last)  # terms first seen in this block
        last = np.concatenate([last, np.full(new, -1, dtype=np.int64)])
        encoded.extend(bytearray() for _ in range(new))
        first = np.flatnonzero(np.diff(term, prepend=-1))  # where each term's postings begin
        final = np.append(first[1:], len(term)) - 1  # and end
        previous = np.empty_like(doc)
        previous[1:] = doc[:-1]
        previous[first] = last[term[first]]
        gap = doc - previous
        last[term[final]] = doc[final]
        pieces, ends = _encode_pieces(gap, summed)
        starts = np.append(0, ends[:-1])[first].tolist()  # a piece begins where the one before ends
        for term_id, begin, end in zip(term[first].tolist(), starts, ends[final].tolist(), strict=True):
            encoded[term_id] += pieces[begin:end]
    out = {}
    for term in sorted(ids):  # each term's bytes let go as its text is made: not both at once
        at = ids[term]
        out[term] = encoded[at].decode("ascii")
        encoded[at] = None
    return out


def index_files(docs: list[SearchDoc]) -> Iterator[tuple[str, str]]:
    """(relative path under docs/, script text), one file at a time. The postings are worked out
    here, and the documents' terms are not kept; each file's text is made when asked for, and
    each shard's postings are then let go."""
    shards = _split(_postings(docs), FIRST_DEPTH)
    return _files([(d.location, d.title, d.excerpt) for d in docs], shards)


def _files(shown: list[tuple[str, str, str]], shards: dict[str, dict[str, str]]) -> Iterator[tuple[str, str]]:
    keys = sorted(shards)
    for key in keys:
        yield f"search/t/{key}.js", _script("__searchShard", key, shards.pop(key))
    for start in range(0, len(shown), DOC_CHUNK):
        chunk = [list(d) for d in shown[start : start + DOC_CHUNK]]
        yield f"search/d/{start // DOC_CHUNK}.js", _script("__searchDocs", start // DOC_CHUNK, chunk)
    yield (
        "search/meta.js",
        _script("__searchMeta", {"count": len(shown), "chunk": DOC_CHUNK, "shards": keys, "version": 2}),
    )


def build_index(docs: list[SearchDoc]) -> dict[str, str]:
    """Relative path under docs/ -> script text."""
    return dict(index_files(docs))
