"""Related papers: the papers that share a paper's subject, not merely one of its words.

Similarity combines two readings of a paper:
- its distinctive terms (TF-IDF cosine): terms are the search index's (lunr's pipeline: stop
  words removed, stemmed, so "quantized" meets "quantization"), title terms weigh more than
  abstract terms, adjacent term pairs ("speculative decoding", "mixture expert") weigh more than
  single words, and words found in a large share of all papers ("model", "language") are dropped;
- its topics: papers filed under the same main topic, or sharing topics, are closer.
A pair that shares a single word and no topic is not related, however rare the word.

Comparing every pair is quadratic, so each paper keeps only its most distinctive terms and each
term keeps only the papers it matters most to. A paper's candidates are then bounded by
TERMS_PER_PAPER x PAPERS_PER_TERM whatever the catalogue's size, and the cost grows linearly.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Sequence

TERMS_PER_PAPER = 24
PAPERS_PER_TERM = 32
TITLE_BOOST = 3  # a title term counts as this many abstract mentions
PAIR_BOOST = 1.5  # an adjacent pair of terms names a subject more precisely than either word
OPENING_TERMS = 40  # term pairs are taken from the title and this many first abstract terms
GENERIC_SHARE = 0.08  # a term in more than this share of papers says little about a subject
GENERIC_MIN_PAPERS = 200  # below this many papers every share is noisy: rely on idf alone
MAIN_TOPIC = 0.12  # added to the similarity when both papers have the same main topic
SHARED_TOPIC = 0.06  # ... for each other topic they share
_LOG_TF = [0.0] + [1 + math.log(tf) for tf in range(1, 64)]


def _pairs(terms: Sequence[str]) -> list[str]:
    return [f"{a} {b}" for a, b in zip(terms, terms[1:], strict=False) if a != b]


def _counts(title: Sequence[str], abstract: Sequence[str]) -> Counter[str]:
    title = [t for t in title if len(t) > 2]
    abstract = [t for t in abstract if len(t) > 2]
    counts = Counter(abstract)
    # Pairs from the opening only: that is where an abstract names its subject, and pairs
    # from the whole text would double the work for little.
    counts.update(_pairs(abstract[:OPENING_TERMS]))
    for t in (*title, *_pairs(title)):
        counts[t] += TITLE_BOOST
    return counts


def _topic_bonus(a: tuple[str | None, frozenset[str]], b: tuple[str | None, frozenset[str]]) -> float:
    """a, b: (main topic, all topics)."""
    if a[0] is None or b[0] is None:
        return 0.0
    same_main = a[0] == b[0]
    return MAIN_TOPIC * same_main + SHARED_TOPIC * (len(a[1] & b[1]) - same_main)


def related(papers: Sequence[tuple[Sequence[str], Sequence[str], Sequence[str]]], k: int = 5) -> list[tuple[int, ...]]:
    """For each paper's (title terms, abstract terms, topic ids), the indices of up to k most
    related others, most related first."""
    n = len(papers)
    # Two passes over the texts, counting terms again in the second: holding every paper's
    # counts at once (pairs included) took more memory than everything else at 100,000 papers.
    df: Counter[str] = Counter()
    for t, a, _ in papers:
        df.update(_counts(t, a).keys())
    generic = GENERIC_SHARE * n if n >= GENERIC_MIN_PAPERS else n
    # A term in one paper only relates it to nothing.
    idf = {t: math.log(n / d) * (PAIR_BOOST if " " in t else 1.0) for t, d in df.items() if 1 < d <= generic}

    vectors: list[dict[str, float]] = []
    postings: dict[str, list[tuple[float, int]]] = defaultdict(list)
    log_tf = _LOG_TF
    for i, (title, abstract, _) in enumerate(papers):
        c = _counts(title, abstract)
        weighted = [(log_tf[tf if tf < 64 else 63] * idf[t], t) for t, tf in c.items() if t in idf]
        top = heapq.nlargest(TERMS_PER_PAPER, weighted)
        norm = math.sqrt(sum(w * w for w, _ in top)) or 1.0
        vector = {t: w / norm for w, t in top if w > 0}
        vectors.append(vector)
        for t, w in vector.items():
            postings[t].append((w, i))
    for t, plist in postings.items():
        if len(plist) > PAPERS_PER_TERM:
            postings[t] = heapq.nlargest(PAPERS_PER_TERM, plist, key=lambda wi: (wi[0], -wi[1]))

    # Candidates in order of text similarity; a topic bonus can lift one by at most MAX_BONUS, so
    # the walk stops once no later candidate can reach the k-th best.
    topic_sets = [(topics[0] if topics else None, frozenset(topics)) for _, _, topics in papers]
    result: list[tuple[int, ...]] = []
    for i, vector in enumerate(vectors):
        scores: dict[int, float] = defaultdict(float)
        for t, w in vector.items():
            for w2, j in postings[t]:
                scores[j] += w * w2
        scores.pop(i, None)
        topics, terms_i = topic_sets[i], vector.keys()
        # The most any candidate's topics can add for this paper (see _topic_bonus).
        max_bonus = MAIN_TOPIC + SHARED_TOPIC * (len(topics[1]) - 1) if topics[0] is not None else 0.0
        best: list[tuple[float, int]] = []  # a heap of (score, -index): the worst kept on top
        for j, s in sorted(scores.items(), key=lambda js: (-js[1], js[0])):
            if len(best) == k and s + max_bonus < best[0][0]:
                break
            bonus = _topic_bonus(topics, topic_sets[j])
            if bonus == 0 and len(terms_i & vectors[j].keys()) < 2:
                continue  # one shared word ("unified", "edit") is not a shared subject
            if len(best) < k:
                heapq.heappush(best, (s + bonus, -j))
            elif (s + bonus, -j) > best[0]:
                heapq.heapreplace(best, (s + bonus, -j))
        result.append(tuple(-j for _, j in sorted(best, reverse=True)))
    return result
