"""Related papers: the most similar papers by text (TF-IDF cosine over distinctive terms).

Terms are the search index's (lunr's pipeline: stop words removed, stemmed), so a paper on
"quantized" models relates to one on "quantization".

Comparing every pair is quadratic, so each paper keeps only its most distinctive terms and each
term keeps only the papers it matters most to. A paper's candidates are then bounded by
TERMS_PER_PAPER x PAPERS_PER_TERM whatever the catalogue's size, and the cost grows linearly.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Sequence

TERMS_PER_PAPER = 10
PAPERS_PER_TERM = 24
TITLE_BOOST = 2
_LOG_TF = [0.0] + [1 + math.log(tf) for tf in range(1, 64)]


def _counts(title: Sequence[str], abstract: Sequence[str]) -> Counter[str]:
    counts = Counter(t for t in abstract if len(t) > 2)
    for t in title:
        if len(t) > 2:
            counts[t] += TITLE_BOOST
    return counts


def related(texts: Sequence[tuple[Sequence[str], Sequence[str]]], k: int = 5) -> list[tuple[int, ...]]:
    """For each paper's (title terms, abstract terms), the indices of up to k most similar others."""
    n = len(texts)
    counts = [_counts(t, a) for t, a in texts]
    df: Counter[str] = Counter()
    for c in counts:
        df.update(c.keys())
    # A term in one paper only relates it to nothing.
    idf = {t: math.log(n / d) for t, d in df.items() if d > 1}

    vectors: list[dict[str, float]] = []
    postings: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for i, c in enumerate(counts):
        weighted = [(_LOG_TF[min(tf, 63)] * idf[t], t) for t, tf in c.items() if t in idf]
        top = heapq.nlargest(TERMS_PER_PAPER, weighted)
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
                scores[j] += w * w2
        scores.pop(i, None)
        best = heapq.nsmallest(k, scores.items(), key=lambda js: (-js[1], js[0]))
        result.append(tuple(j for j, _ in best))
    return result
