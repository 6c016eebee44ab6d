"""The search index: split into small script files so a query loads only what it needs.

Terms go through lunr.js's pipeline (tokenizer, trimmer, stop words, stemmer), reproduced here
exactly, so the browser, running lunr.js on a query, arrives at the same terms.

Layout under search/ (every file is a script, so it loads from file:// as well as over HTTP):
  meta.js        document count and the list of term shards
  t/<xx>.js      postings for the terms whose first two characters are xx
  d/<n>.js       title, address and excerpt of DOC_CHUNK documents, fetched for results only
Only titles, abstracts and topic names are indexed: no page furniture.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from lunr.stop_word_filter import WORDS as STOP_WORDS

from .catalogue import Catalogue
from .stemmer import stem

DOC_CHUNK = 64
FIELD_WEIGHTS = {"title": 10, "topics": 3, "text": 1}
_SHARD = re.compile(r"[a-z0-9]{1,2}")


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
    return tuple(t for t in map(_term, _SEPARATOR.split(text.lower())) if t)


def shard_of(term: str) -> str:
    head = term[:2]
    return head if _SHARD.fullmatch(head) else "_"


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
    postings: dict[str, dict[int, int]] = defaultdict(dict)
    for i, doc in enumerate(docs):
        for field, field_terms in doc.fields.items():
            weight = FIELD_WEIGHTS[field]
            for term in field_terms:
                row = postings[term]
                row[i] = row.get(i, 0) + weight
    shards: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for term in sorted(postings):
        flat: list[int] = []
        for doc_id, weight in sorted(postings[term].items()):
            flat += (doc_id, weight)
        shards[shard_of(term)][term] = flat

    files = {f"search/t/{key}.js": _script("__searchShard", key, terms) for key, terms in sorted(shards.items())}
    for start in range(0, len(docs), DOC_CHUNK):
        chunk = [[d.location, d.title, d.excerpt] for d in docs[start : start + DOC_CHUNK]]
        files[f"search/d/{start // DOC_CHUNK}.js"] = _script("__searchDocs", start // DOC_CHUNK, chunk)
    files["search/meta.js"] = _script(
        "__searchMeta", {"count": len(docs), "chunk": DOC_CHUNK, "shards": sorted(shards), "version": 1}
    )
    return files
