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

The scoring is sparse-matrix arithmetic (numpy, scipy): papers x terms times terms x papers,
a block of papers at a time so memory stays bounded. It computes exactly what a loop over each
paper's terms computes, in the same order, so the same input gives the same bits everywhere;
tests compare it with that loop.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence
from functools import partial
from itertools import chain

import numpy as np
from scipy import sparse

from .parallel import in_shares

TERMS_PER_PAPER = 24
PAPERS_PER_TERM = 32
TITLE_BOOST = 3  # a title term counts as this many abstract mentions
PAIR_BOOST = 1.5  # an adjacent pair of terms names a subject more precisely than either word
OPENING_TERMS = 40  # term pairs are taken from the title and this many first abstract terms
GENERIC_SHARE = 0.08  # a term in more than this share of papers says little about a subject
GENERIC_MIN_PAPERS = 200  # below this many papers every share is noisy: rely on idf alone
MAIN_TOPIC = 0.12  # added to the similarity when both papers have the same main topic
SHARED_TOPIC = 0.06  # ... for each other topic they share
CHUNK = 2048  # papers scored at once: bounds the candidate arrays' memory
_DF_SLICE = 1 << 22  # entries counted at once for document frequencies
WALK = 32  # candidates looked at first; a paper that needs more walks on
_LOG_TF = [0.0] + [1 + math.log(tf) for tf in range(1, 64)]


class _Words(dict):
    """word -> its number, in order of first occurrence; names[n] is word n, lengths[n] its
    length. A dict's own lookup, in C, for the words already numbered: this runs for every word
    of every paper."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []
        self.lengths = array("I")

    def __missing__(self, word: str) -> int:
        n = self[word] = len(self.names)
        self.names.append(word)
        self.lengths.append(len(word))
        return n


def related(papers: Sequence[tuple[str, str, Sequence[str]]], k: int = 5, workers: int = 1) -> list[tuple[int, ...]]:
    """For each paper's (title terms, abstract terms, topic ids), each text's terms joined by
    spaces, the indices of up to k most related others, most related first. With workers, the
    blocks of papers are shared among that many processes (parallel.in_shares): the same result."""
    n = len(papers)
    if n == 0:
        return []
    # Blocks of equal size, as many for each worker: their shares take as long.
    count = min(-(-n // (CHUNK * workers)) * workers, n)
    blocks = [(n * b // count, n * (b + 1) // count) for b in range(count)]
    vectors = _vectors(papers, blocks, workers)
    postings = _postings(vectors)
    topics = _Topics([p[2] for p in papers])

    def nearest(share: Sequence[tuple[int, int]]) -> list[tuple[int, ...]]:
        return [near for first, last in share for near in _nearest(vectors, postings, topics, first, last, k)]

    return list(chain.from_iterable(in_shares(nearest, blocks, workers)))


def _term_counts(
    papers: Sequence[tuple[str, str, Sequence[str]]], blocks: Sequence[tuple[int, int]], workers: int = 1
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str], np.ndarray]:
    """Each paper's terms and how often it uses them: its words longer than two characters, and
    adjacent pairs of them ("speculative decoding"), a title's counting TITLE_BOOST times. As
    (terms per paper, term, count): one entry per term of every paper, papers in order, a
    paper's terms in no particular order. Words are numbered as they first come (their names
    are the list returned), then the pairs, by their code ((first word + 1) << 32 | second).

    Pairs are pairs of word numbers here, and only those two papers share ever get a name
    (_vectors): a string for every pair of every paper, and a dictionary of them, took most of
    the time at 100,000 papers, where most pairs are one paper's only.

    With workers, each counts a share of the blocks, numbering the words it meets itself; the
    shares are then renumbered in order, so every word has the number it gets in one pass."""
    shares = in_shares(partial(_count_share, papers), blocks, workers)
    lengths, terms, counts, words, block_list = shares[0]
    for more in shares[1:]:
        share_lengths, share_terms, share_counts, share_words, share_blocks = more
        # Words new to the shares before are numbered here, in the order this share met them.
        number = np.fromiter(map(words.__getitem__, share_words.names), np.int64, len(share_words.names))
        term = np.frombuffer(share_terms, np.uint32).astype(np.int64)
        offset = len(terms)
        for start, end, known, pairs in share_blocks:
            block = term[start:end]
            is_pair = block >= known
            # Pairs keep their place in the block's list, after every word numbered so far.
            block[is_pair] += len(words.names) - known
            block[~is_pair] = number[block[~is_pair]]
            pairs = ((number[(pairs >> 32) - 1] + 1) << 32) | number[pairs & 0xFFFF_FFFF]
            block_list.append((offset + start, offset + end, len(words.names), pairs))
        terms.frombytes(term.astype(np.uint32).tobytes())
        counts.frombytes(share_counts)
        lengths = np.concatenate((lengths, share_lengths))
    # Every block's pairs numbered after all the words, by code: the same pair, the same number.
    codes = [b[3] for b in block_list] or [np.zeros(0, np.int64)]
    pairs, which = np.unique(np.concatenate(codes), return_inverse=True)
    term = np.frombuffer(terms, np.uint32)
    at = 0
    for start, end, known, block_pairs in block_list:
        block = term[start:end]
        is_pair = block >= known
        block[is_pair] = len(words.names) + which[at + block[is_pair] - known]
        at += len(block_pairs)
    return lengths, term, np.frombuffer(counts, np.uint8), words.names, pairs


def _count_share(
    papers: Sequence[tuple[str, str, Sequence[str]]], blocks: Sequence[tuple[int, int]]
) -> tuple[np.ndarray, array, array, _Words, list]:
    """_term_counts for consecutive blocks of papers, before pairs are numbered: a pair is then
    `known` + its place in its block's list of pair codes, known being how many words were
    numbered by the block's end."""
    words = _Words()
    base = blocks[0][0]  # the share's first paper
    lengths = np.zeros(blocks[-1][1] - base, np.int64)
    # Every block's entries are appended to the same arrays: one copy of them, not a list of
    # blocks and their concatenation (some 120 MB more at 100,000 papers).
    terms, counts, block_list = array("I"), array("B"), []
    for first, last in blocks:
        ids, pieces = array("I"), array("I")  # each paper's title's and abstract's word numbers
        for title, abstract, _ in papers[first:last]:
            for text in (title, abstract):
                before = len(ids)
                ids.extend(map(words.__getitem__, text.split()))
                pieces.append(len(ids) - before)
        word = np.frombuffer(ids, np.uint32).astype(np.int64)
        # Text piece 2p is paper p's title, 2p + 1 its abstract.
        piece = np.repeat(np.arange(2 * (last - first)), np.frombuffer(pieces, np.uint32))
        longer = np.frombuffer(words.lengths, np.uint32)[word] > 2
        word, piece = word[longer], piece[longer]
        nth = _rank_within(piece)
        # Pairs from the title and the abstract's opening only: that is where an abstract names
        # its subject, and pairs from the whole text would double the work for little.
        pair = (piece[1:] == piece[:-1]) & (word[1:] != word[:-1]) & ((piece[1:] % 2 == 0) | (nth[1:] < OPENING_TERMS))
        # Pairs are numbered within the block after its words, by both words' numbers.
        pairs, which = np.unique(((word[:-1][pair] + 1) << 32) | word[1:][pair], return_inverse=True)
        term = np.concatenate((word, len(words.names) + which))
        piece = np.concatenate((piece, piece[1:][pair]))
        # One key per mention, sorted: paper, term (a block has fewer than 2 ** 33), and a last
        # bit set for the abstract, so a term's mentions stand together, the title's first.
        key = np.sort((piece // 2) << 34 | term << 1 | piece % 2)
        starts = np.flatnonzero(np.diff(key >> 1, prepend=-1))
        in_title = np.add.reduceat(1 - (key & 1), starts)
        count = np.diff(np.r_[starts, len(key)]) + (TITLE_BOOST - 1) * in_title
        key = key[starts] >> 1
        lengths[first - base : last - base] = np.bincount(key >> 33, minlength=last - first)
        start = len(terms)
        terms.frombytes((key & ((1 << 33) - 1)).astype(np.uint32).tobytes())
        block_list.append((start, len(terms), len(words.names), pairs))
        # Counts above 63 weigh as 63 (_LOG_TF): a byte holds them.
        counts.frombytes(np.minimum(count, 63).astype(np.uint8).tobytes())
    return lengths, terms, counts, words, block_list


def _vectors(
    papers: Sequence[tuple[str, str, Sequence[str]]], blocks: Sequence[tuple[int, int]], workers: int = 1
) -> sparse.csr_array:
    """Each paper's TERMS_PER_PAPER most distinctive terms, weighted, as a unit row: papers x terms.
    Within a row, terms stand most distinctive first (ties: the later term in text order), the
    order the similarity sums in, so results do not depend on how terms are numbered."""
    n = len(papers)
    lengths, entry_term, entry_tf, words, pairs = _term_counts(papers, blocks, workers)
    vocabulary = len(words) + len(pairs)

    # A slice of the entries at a time: bincount reads its input as int64, a copy of every
    # entry at once (160 MB at 100,000 papers, the largest moment of this process).
    df = np.zeros(vocabulary, np.int64)
    for start in range(0, len(entry_term), _DF_SLICE):
        df += np.bincount(entry_term[start : start + _DF_SLICE], minlength=vocabulary)
    generic = GENERIC_SHARE * n if n >= GENERIC_MIN_PAPERS else n
    # A term in one paper only relates it to nothing.
    kept = np.flatnonzero((df > 1) & (df <= generic))
    df = df[kept]
    # Kept terms are columns; the one array the size of the vocabulary (every pair of every
    # paper: millions at 100,000 papers) maps terms to them, and the rest is by column.
    column = np.full(vocabulary, -1, np.int32)
    column[kept] = np.arange(len(kept), dtype=np.int32)
    # math.log, not numpy's: the same weights on every machine and numpy version.
    distinct = np.unique(df)
    logs = np.array([math.log(n / d) for d in distinct.tolist()])
    pair = kept >= len(words)
    idf = logs[np.searchsorted(distinct, df)] * np.where(pair, PAIR_BOOST, 1.0)
    del df
    # Ties between equal weights go to the term later in text order (a pair's text: its two words
    # and a space), whatever the numbers: named here, for the terms kept only.
    code = pairs[kept[pair] - len(words)]
    names = [words[t] for t in kept[~pair].tolist()] + [
        f"{words[a]} {words[b]}"
        for a, b in zip(((code >> 32) - 1).tolist(), (code & 0xFFFF_FFFF).tolist(), strict=True)
    ]
    in_order = np.concatenate((np.flatnonzero(~pair), np.flatnonzero(pair)))
    text_rank = np.zeros(len(kept), np.int64)
    text_rank[in_order[sorted(range(len(names)), key=names.__getitem__)]] = np.arange(len(kept))
    del names, kept, pair, code

    # Each paper's best terms, a block of papers at a time: the sort's arrays for every term of
    # every paper would be the largest thing the generator holds (730 MB at 100,000 papers).
    ends = np.cumsum(lengths)
    best = partial(_best_terms, entry_term, entry_tf, lengths, ends, idf, text_rank, column)
    tops = list(chain.from_iterable(in_shares(best, blocks, workers)))
    del best, entry_term, entry_tf, column
    paper, term, weight, rank = (np.concatenate(parts) for parts in zip(*tops, strict=True))
    # Summed term by term in row order, as Python's sum() does: the same bits as before.
    squares = np.zeros(n)
    for r in range(TERMS_PER_PAPER):
        at = rank == r
        squares[paper[at]] += weight[at] * weight[at]
    norm = np.sqrt(squares)
    norm[norm == 0] = 1.0
    weight = weight / norm[paper]
    positive = weight > 0
    paper, term, weight = paper[positive], term[positive], weight[positive]
    indptr = np.concatenate(([0], np.cumsum(np.bincount(paper, minlength=n))))
    return sparse.csr_array((weight, term, indptr), shape=(n, len(idf)))


def _best_terms(
    entry_term: np.ndarray,
    entry_tf: np.ndarray,
    lengths: np.ndarray,
    ends: np.ndarray,
    idf: np.ndarray,
    text_rank: np.ndarray,
    column: np.ndarray,
    blocks: Sequence[tuple[int, int]],
) -> list[tuple[np.ndarray, ...]]:
    """For each block of papers, each paper's TERMS_PER_PAPER best terms kept: (paper, column,
    weight, rank within the paper), best first. idf and text_rank are by column."""
    tops = []
    for first, last in blocks:
        lo, hi = (ends[first - 1] if first else 0), ends[last - 1]
        paper = np.repeat(np.arange(first, last, dtype=np.int64), lengths[first:last])
        term = column[entry_term[lo:hi]]
        keep = term >= 0
        paper, term = paper[keep], term[keep]
        weight = np.asarray(_LOG_TF)[entry_tf[lo:hi][keep]] * idf[term]
        order = np.lexsort((-text_rank[term], -weight, paper))
        paper, term, weight = paper[order], term[order], weight[order]
        rank = _rank_within(paper)
        top = rank < TERMS_PER_PAPER
        tops.append((paper[top], term[top], weight[top], rank[top]))
    return tops


def _rank_within(group: np.ndarray) -> np.ndarray:
    """For a sorted array of group numbers, each element's position within its group."""
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    sizes = np.diff(np.r_[starts, len(group)])
    return np.arange(len(group)) - np.repeat(starts, sizes)


def _postings(vectors: sparse.csr_array) -> sparse.csr_array:
    """Each term's PAPERS_PER_TERM papers it weighs most in (ties: the earlier paper): terms x papers."""
    n, m = vectors.shape
    paper = np.repeat(np.arange(n), np.diff(vectors.indptr))
    term, weight = vectors.indices, vectors.data
    order = np.lexsort((paper, -weight, term))
    term, paper, weight = term[order], paper[order], weight[order]
    top = _rank_within(term) < PAPERS_PER_TERM
    term, paper, weight = term[top], paper[top], weight[top]
    indptr = np.concatenate(([0], np.cumsum(np.bincount(term, minlength=m))))
    return sparse.csr_array((weight, paper, indptr), shape=(m, n))


class _Topics:
    """Papers' topics as numbers: the main one, and all of them as bits of a mask, so the topics
    two papers share are counted by one AND and a population count per 64 topics."""

    def __init__(self, topic_lists: Sequence[Sequence[str]]):
        ids: dict[str, int] = {}
        self.main = np.full(len(topic_lists), -1, np.int64)
        masks = []
        for i, topics in enumerate(topic_lists):
            mask = 0
            for t in topics:
                mask |= 1 << ids.setdefault(t, len(ids))
            if topics:
                self.main[i] = ids[topics[0]]
            masks.append(mask)
        words = max(1, (len(ids) + 63) // 64)
        self.masks = np.array(
            [[(m >> (64 * w)) & 0xFFFF_FFFF_FFFF_FFFF for w in range(words)] for m in masks], np.uint64
        ).reshape(len(masks), words)

    def bonus(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Similarity added for sharing topics: MAIN_TOPIC for the same main topic, SHARED_TOPIC
        for each other shared one; nothing when either paper has no topic."""
        shared = np.zeros(len(a), np.int64)
        for w in range(self.masks.shape[1]):
            shared += np.bitwise_count(self.masks[a, w] & self.masks[b, w])
        same = self.main[a] == self.main[b]
        bonus = MAIN_TOPIC * same + SHARED_TOPIC * (shared - same)
        bonus[(self.main[a] < 0) | (self.main[b] < 0)] = 0.0
        return bonus


def _nearest(
    vectors: sparse.csr_array, postings: sparse.csr_array, topics: _Topics, start: int, stop: int, k: int
) -> list[tuple[int, ...]]:
    rows = vectors[start:stop]
    scores = rows @ postings  # sums each row's terms in order: candidates by text similarity
    # How many of a pair's terms scored it: two or more is a shared subject without a check.
    ones = sparse.csr_array((np.ones_like(rows.data), rows.indices, rows.indptr), shape=rows.shape)
    both = ones @ sparse.csr_array((np.ones_like(postings.data), postings.indices, postings.indptr), postings.shape)
    a = start + np.repeat(np.arange(stop - start), np.diff(scores.indptr))
    b = scores.indices.astype(np.int64)
    # Same sparsity pattern in the same order: both products walk the same entries.
    assert np.array_equal(scores.indptr, both.indptr) and np.array_equal(scores.indices, both.indices)
    bonus = topics.bonus(a, b)
    total = scores.data + bonus
    sure = (bonus != 0) | (both.data >= 2)
    ok = a != b
    a, b, total, sure = a[ok], b[ok], total[ok], sure[ok]
    # A paper's candidates stand together (rows of the product), best first only once sorted.
    # Most papers find k among their WALK best, so only those are sorted (a full sort of every
    # candidate took a third of the time at 100,000 papers); a paper that needs more sorts all
    # of its own.
    row = a - start
    counts = np.bincount(row, minlength=stop - start)
    firsts = np.cumsum(counts) - counts
    head = np.flatnonzero(total >= _nth_largest(total, row, counts, firsts, WALK)[row])
    order = head[np.lexsort((b[head], -total[head], a[head]))]
    first = order[_rank_within(a[order]) < WALK]
    result: list[list[int]] = [[] for _ in range(stop - start)]
    _walk(vectors, result, start, a[first].tolist(), b[first].tolist(), sure[first].tolist(), k)
    for r in np.flatnonzero(counts > WALK).tolist():
        if len(result[r]) < k:
            mine = np.arange(firsts[r], firsts[r] + counts[r])
            rest = mine[np.lexsort((b[mine], -total[mine]))][WALK:]
            _walk(vectors, result, start, a[rest].tolist(), b[rest].tolist(), sure[rest].tolist(), k)
    return [tuple(r) for r in result]


def _nth_largest(values: np.ndarray, row: np.ndarray, counts: np.ndarray, firsts: np.ndarray, n: int) -> np.ndarray:
    """For values grouped in rows (row numbers ascending), each row's n-th largest value;
    -inf for a row with fewer."""
    width = max(int(counts.max(initial=0)), n)
    table = np.full((len(counts), width), -np.inf)
    table[row, np.arange(len(row)) - firsts[row]] = values
    return np.partition(table, width - n, axis=1)[:, width - n]


def _walk(vectors: sparse.csr_array, result: list[list[int]], start: int, a: list, b: list, sure: list, k: int) -> None:
    """Take candidates in order until each paper has k."""
    for i, j, certain in zip(a, b, sure, strict=True):
        near = result[i - start]
        # One shared word ("unified", "edit") is not a shared subject, unless other terms of
        # the two papers meet below the postings' cut.
        if len(near) < k and (certain or len(_terms(vectors, i) & _terms(vectors, j)) >= 2):
            near.append(j)


def _terms(vectors: sparse.csr_array, i: int) -> set[int]:
    return set(vectors.indices[vectors.indptr[i] : vectors.indptr[i + 1]].tolist())
