"""Related papers: what a reader following "Related papers" relies on."""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from unittest.mock import patch

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from generator import catalogue as cat
from generator import related as R
from generator.build import paper_texts_of, related_papers
from generator.related import related

from .conftest import FIXTURES, ROOT, SEED_FIXTURE
from .golden import SOURCES


def test_every_paper_gets_up_to_five_distinct_others_never_itself():
    c = cat.load(cat.Sources(SEED_FIXTURE, ROOT / "data" / "taxonomy.yaml", FIXTURES / "no-curation.yaml"))
    near = related_papers(c)
    assert len(near) == len(c.papers)
    for i, others in enumerate(near):
        assert i not in others
        assert len(set(others)) == len(others) <= 5
    assert sum(len(others) for others in near) >= 4 * len(c.papers)


def test_the_related_order_of_a_small_catalogue_is_stable():
    # Most related first; a reader and the golden pages rely on this exact order.
    c = cat.load(SOURCES)
    near = related_papers(c)
    titles = {p.title.split(":")[0]: [c.papers[j].title.split(":")[0] for j in near[i]] for i, p in enumerate(c.papers)}
    assert titles["L4Q"] == ["Tiny <b>Bold</b> *Claims* about {{ quantization }}", "FineQuant", "SpQR", "ZipLM"]
    assert titles["ZipLM"][:2] == ["LLM-Pruner", "SpQR"]


def test_one_shared_word_without_a_shared_topic_does_not_relate_two_papers():
    unified = ("unifi",)
    papers = [
        (("unifi", "quantiz"), ("quantiz", "weight", "bit"), ("quantization",)),
        (("unifi", "agent"), ("agent", "tool", "plan"), ("agents-and-tools",)),
        (("quantiz", "kernel"), ("quantiz", "weight", "bit"), ("quantization",)),
        (("tool", "agent"), ("agent", "plan"), ("agents-and-tools",)),
    ] + [((f"filler{i}", f"other{i}"), (f"word{i}", "bit" if i % 2 else "plan"), ()) for i in range(20)]
    assert unified
    near = related(_joined(papers))
    assert 1 not in near[0] and 0 not in near[1]
    assert near[0][0] == 2 and near[1][0] == 3


def _joined(papers):
    """Papers as related() takes them: each text's terms joined by spaces."""
    return [(" ".join(title), " ".join(abstract), topics) for title, abstract, topics in papers]


# The definition, written as the plain loop it first was: the matrix version must agree with it
# exactly, ties and order included.
def _topic_bonus(a, b):
    if a[0] is None or b[0] is None:
        return 0.0
    same_main = a[0] == b[0]
    return R.MAIN_TOPIC * same_main + R.SHARED_TOPIC * (len(a[1] & b[1]) - same_main)


def _counts(title: str, abstract: str) -> Counter[str]:
    """A paper's terms and how often it uses them, as first written: words longer than two
    characters, adjacent pairs of them from the title and the abstract's opening, title terms
    counted TITLE_BOOST times."""

    def pairs(terms):
        return [f"{a} {b}" for a, b in zip(terms, terms[1:], strict=False) if a != b]

    title_terms = [t for t in title.split() if len(t) > 2]
    abstract_terms = [t for t in abstract.split() if len(t) > 2]
    counts = Counter(abstract_terms)
    counts.update(pairs(abstract_terms[: R.OPENING_TERMS]))
    for t in (*title_terms, *pairs(title_terms)):
        counts[t] += R.TITLE_BOOST
    return counts


def reference_related(papers, k=5):
    """Related papers by their definition: one paper at a time, a dict of scores, a heap."""
    n = len(papers)
    df: Counter[str] = Counter()
    for t, a, _ in papers:
        df.update(_counts(t, a).keys())
    generic = R.GENERIC_SHARE * n if n >= R.GENERIC_MIN_PAPERS else n
    # A term in one paper only relates it to nothing.
    idf = {t: math.log(n / d) * (R.PAIR_BOOST if " " in t else 1.0) for t, d in df.items() if 1 < d <= generic}

    vectors: list[dict[str, float]] = []
    postings: dict[str, list[tuple[float, int]]] = defaultdict(list)
    log_tf = R._LOG_TF
    for i, (title, abstract, _) in enumerate(papers):
        c = _counts(title, abstract)
        weighted = [(log_tf[tf if tf < 64 else 63] * idf[t], t) for t, tf in c.items() if t in idf]
        top = heapq.nlargest(R.TERMS_PER_PAPER, weighted)
        norm = math.sqrt(sum(w * w for w, _ in top)) or 1.0
        vector = {t: w / norm for w, t in top if w > 0}
        vectors.append(vector)
        for t, w in vector.items():
            postings[t].append((w, i))
    for t, plist in postings.items():
        if len(plist) > R.PAPERS_PER_TERM:
            postings[t] = heapq.nlargest(R.PAPERS_PER_TERM, plist, key=lambda wi: (wi[0], -wi[1]))

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
        max_bonus = R.MAIN_TOPIC + R.SHARED_TOPIC * (len(topics[1]) - 1) if topics[0] is not None else 0.0
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


_WORDS = [f"w{i:02d}" for i in range(40)] + ["ab", "x"]  # a small vocabulary: many ties and shared terms
_TOPICS = ["t1", "t2", "t3", "t4", "t5"]
_paper = st.tuples(
    st.lists(st.sampled_from(_WORDS), max_size=8),
    # Repeated words, or every word once: the second makes many equal weights, so which terms
    # a paper keeps is decided by the tie rule.
    st.lists(st.sampled_from(_WORDS), max_size=60) | st.lists(st.sampled_from(_WORDS), max_size=40, unique=True),
    st.lists(st.sampled_from(_TOPICS), max_size=3, unique=True),
).map(lambda paper: _joined([paper])[0])


@given(st.lists(_paper, max_size=60))
def test_related_papers_equal_their_definition_ties_and_order_included(papers):
    assert related(papers) == reference_related(papers)


@given(st.lists(_paper, max_size=40))
# Found by Hypothesis: a term in more papers than its postings keep, so the cut decides.
@example(
    _joined(
        [
            (["w00", "w00", "w00"], [], []),
            ([], ["w00"] * 17, []),
            ([], [], []),
            (["w00", "w39"], [], ["t1"]),
            (["w00"], [], ["t1"]),
        ]
    )
)
def test_related_papers_equal_their_definition_when_every_cut_bites(papers):
    # Small cuts make a few papers behave like a large catalogue: terms cut from papers, papers
    # from terms, several blocks, candidates walked past the first look, and terms' document
    # frequencies counted a slice of the entries at a time.
    with patch.multiple(R, TERMS_PER_PAPER=4, PAPERS_PER_TERM=3, CHUNK=7, WALK=1, _DF_SLICE=5):
        assert related(papers) == reference_related(papers)


@given(st.lists(_paper, max_size=40), st.integers(2, 3))
@example(_joined([([], ["w00", "w01"], []), ([], ["w01", "w02", "w00", "w01"], []), ([], ["w02", "w01"], [])]), 2)
def test_related_papers_are_the_same_however_many_processes_share_the_work(papers, workers):
    # Each process numbers the words it meets itself; the shares are renumbered in order. In the
    # example the second share meets a word the first did not, then one it did, and a pair.
    with patch.multiple(R, TERMS_PER_PAPER=4, PAPERS_PER_TERM=3, CHUNK=2, WALK=1):
        assert related(papers, workers=workers) == reference_related(papers)


def test_related_papers_equal_their_definition_on_the_seeds_at_full_size():
    c = cat.load(cat.Sources(SEED_FIXTURE, ROOT / "data" / "taxonomy.yaml", FIXTURES / "no-curation.yaml"))
    papers = [(*terms, p.topic_ids) for p, terms in zip(c.papers, paper_texts_of(c).terms.values(), strict=True)]
    # More papers than one block of the matrix product, and past the generic-term cut-off.
    papers = papers * (R.CHUNK // len(papers) + 2)
    papers = [(t, a, topics) for t, a, topics in papers]
    expected = reference_related(papers)
    assert related(papers) == expected
    assert related(papers, workers=2) == expected


@given(st.lists(st.lists(st.integers(0, 140), max_size=5), min_size=2, max_size=12))
@example([[5 * i + k for k in range(5)] for i in range(28)] + [[139, 2, 70], [70, 139], [2, 139]])
def test_the_topic_bonus_counts_shared_topics_however_many_the_taxonomy_has(lists):
    # Over 64 topics in all (the example has 140): the masks span several 64-bit words.
    topic_lists = [tuple(dict.fromkeys(f"t{n}" for n in topics)) for topics in lists]
    numbered = R._Topics(topic_lists)
    a = np.repeat(np.arange(len(lists)), len(lists))
    b = np.tile(np.arange(len(lists)), len(lists))
    expected = [
        _topic_bonus(
            (topic_lists[i][0] if topic_lists[i] else None, set(topic_lists[i])),
            (topic_lists[j][0] if topic_lists[j] else None, set(topic_lists[j])),
        )
        for i, j in zip(a.tolist(), b.tolist(), strict=True)
    ]
    assert numbered.bonus(a, b).tolist() == expected
