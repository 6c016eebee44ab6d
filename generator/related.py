"""Related papers: the most similar papers by text (TF-IDF cosine over distinctive terms).

Comparing every pair is quadratic, so each paper keeps only its most distinctive terms and each
term keeps only the papers it matters most to. A paper's candidates are then bounded by
TERMS_PER_PAPER x PAPERS_PER_TERM whatever the catalogue's size, and the cost grows linearly.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence

TERMS_PER_PAPER = 10
PAPERS_PER_TERM = 24
TITLE_BOOST = 2

_WORD = re.compile(r"[a-z][a-z0-9]{2,}")
_STOP = frozenset(
    [
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "among",
        "and",
        "any",
        "are",
        "because",
        "been",
        "before",
        "being",
        "between",
        "both",
        "but",
        "can",
        "could",
        "did",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "here",
        "how",
        "however",
        "into",
        "its",
        "itself",
        "just",
        "more",
        "most",
        "much",
        "not",
        "now",
        "off",
        "once",
        "only",
        "other",
        "our",
        "out",
        "over",
        "own",
        "same",
        "should",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "too",
        "under",
        "until",
        "very",
        "was",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "yet",
        "you",
        "your",
        "we",
        "us",
        "via",
        "use",
        "used",
        "using",
        "based",
        "show",
        "shows",
        "shown",
        "paper",
        "propose",
        "proposed",
        "approach",
        "method",
        "methods",
        "results",
        "new",
        "novel",
        "work",
        "study",
        "task",
        "tasks",
        "model",
        "models",
    ]
)


def _terms(title: str, abstract: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for word in _WORD.findall(title.lower()):
        if word not in _STOP:
            counts[word] += TITLE_BOOST
    for word in _WORD.findall(abstract.lower()):
        if word not in _STOP:
            counts[word] += 1
    return counts


def related(texts: Sequence[tuple[str, str]], k: int = 5) -> list[tuple[int, ...]]:
    """For each (title, abstract), the indices of up to k most similar others, best first."""
    n = len(texts)
    counts = [_terms(t, a) for t, a in texts]
    df: Counter[str] = Counter()
    for c in counts:
        df.update(c.keys())

    vectors: list[dict[str, float]] = []
    postings: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for i, c in enumerate(counts):
        weighted = [((1 + math.log(tf)) * math.log(n / df[t]), t) for t, tf in c.items() if df[t] > 1]
        top = heapq.nlargest(TERMS_PER_PAPER, weighted, key=lambda wt: (wt[0], wt[1]))
        norm = math.sqrt(sum(w * w for w, _ in top)) or 1.0
        vector = {t: w / norm for w, t in top if w > 0}
        vectors.append(vector)
        for t, w in vector.items():
            postings[t].append((w, i))
    for t, plist in postings.items():
        if len(plist) > PAPERS_PER_TERM:
            postings[t] = heapq.nlargest(PAPERS_PER_TERM, plist, key=lambda wi: (wi[0], -wi[1]))

    result: list[tuple[int, ...]] = []
    for i, vector in enumerate(vectors):
        scores: dict[int, float] = defaultdict(float)
        for t, w in vector.items():
            for w2, j in postings[t]:
                if j != i:
                    scores[j] += w * w2
        best = heapq.nsmallest(k, scores.items(), key=lambda js: (-js[1], js[0]))
        result.append(tuple(j for j, _ in best))
    return result
