"""How papers are filed under topics: what maintainers read in data/taxonomy.yaml's header holds."""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

from generator.listings import read_listings
from generator.topics import (
    _SEP,
    THRESHOLD,
    WEIGHTS,
    Taxonomy,
    Topic,
    _key,
    _matches,
    classify,
    explain,
    load_taxonomy,
    matcher,
    rank,
)

from .conftest import ROOT


def taxonomy(*topics: dict) -> Taxonomy:
    built = tuple(
        Topic(f"t{i}", f"T{i}", "d", tuple(t.get("terms", ())), tuple(t.get("weak", ())), tuple(t.get("exclude", ())))
        for i, t in enumerate(topics)
    )
    return Taxonomy(built, 4, matcher(built))


ONE = taxonomy({"terms": ["quantiz"]})
FILLER = "This sentence says nothing. Neither does this one. Nor this third one. "


def score(tax: Taxonomy, title: str, abstract: str, i: int = 0) -> float:
    return explain(tax, title, abstract)[i].score


def test_a_term_matches_at_the_start_of_a_word_ignoring_case():
    [s] = explain(ONE, "", "Quantization and quantized weights")
    assert [(h.word, h.count) for h in s.hits] == [("quantization", 2)]
    assert score(ONE, "", "dequantization") == 0


def test_a_space_or_hyphen_in_a_term_matches_any_run_of_spaces_and_hyphens():
    tax = taxonomy({"terms": ["4-bit"]}, {"terms": ["mixture of experts"]})
    [four, moe] = explain(tax, "", "4 bit, 4-bit and 4 - bit weights in a mixture-of-experts layer")
    assert four.hits[0].count == 3 and moe.hits[0].count == 1


def test_a_trailing_dollar_matches_whole_words_only():
    tax = taxonomy({"terms": ["rag$"]})
    assert explain(tax, "", "ragged arrays")[0].score == 0
    assert explain(tax, "", "RAG pipelines")[0].score > 0


def test_the_title_outweighs_the_opening_which_outweighs_the_rest():
    title, opening, later = (
        score(ONE, t, a) for t, a in [("Quantization", ""), ("", "Quantization."), ("", FILLER + "Quantization.")]
    )
    assert (title, opening, later) == (WEIGHTS["title"], WEIGHTS["opening"], WEIGHTS["abstract"])


def test_repeating_a_word_counts_less_than_naming_the_subject_in_several_ways():
    tax = taxonomy({"terms": ["quantiz", "low-bit", "int4"]})
    repeated = score(tax, "", FILLER + "quantization " * 20)
    distinct = score(tax, "", FILLER + "quantization, low-bit weights and int4 kernels")
    assert distinct > repeated and repeated < THRESHOLD


def test_a_passing_mention_in_the_abstract_files_nothing_but_the_title_confirmed_by_the_abstract_does():
    assert classify(ONE, "A Study of Agents", FILLER + "One baseline uses quantization.") == ()
    assert classify(ONE, "Quantization of Agents", FILLER + "We quantize agents.")[0][0] == "t0"


def test_one_strong_mention_in_the_abstract_counts_with_the_weak_words_around_it():
    # Alone, one mention is a passing one; weak words of the topic in the title or the abstract
    # (the same word, or others) can lift it to the threshold, and classify must see them.
    tax = taxonomy({"terms": ["expert$"], "weak": ["expert", "gating", "router"]})
    assert classify(tax, "A Study", "An expert decides.") == ()
    for title, abstract in (
        ("Experts at Scale", "An expert decides."),
        ("A Study", "An expert decides. Experts and gating and router."),
    ):
        assert classify(tax, title, abstract) == (("t0", THRESHOLD),)
        assert classify(tax, title, abstract) == rank(explain(tax, title, abstract), tax.max_topics)


def test_an_ambiguous_weak_word_supports_a_topic_but_never_makes_one():
    tax = taxonomy({"terms": ["human preference", "rlhf"], "weak": ["alignment", "align"]})
    assert classify(tax, "Bidirectional Alignment for Students", "We align a student. " * 5) == ()
    supported = explain(tax, "Alignment with RLHF", "alignment to human preferences")[0]
    assert supported.score > explain(tax, "Study with RLHF", "human preferences")[0].score


def test_an_excluding_phrase_stops_a_term_from_counting():
    tax = taxonomy({"terms": ["alignment", "safety"], "exclude": ["grammar-aligned", "grammar aligned"]})
    assert explain(tax, "Grammar-Aligned Decoding", "grammar aligned outputs")[0].score == 0
    assert explain(tax, "Alignment and Safety", "")[0].score > 0


def test_a_broad_topic_far_below_the_best_is_left_out():
    tax = taxonomy({"terms": ["quantiz", "low-bit", "int4"]}, {"terms": ["benchmark"]})
    abstract = "Quantization with low-bit int4 weights. " + FILLER + "We report benchmark results on a benchmark."
    assert [t for t, _ in classify(tax, "Low-Bit Quantization", abstract)] == ["t0"]


def test_several_topics_can_match_the_same_word():
    tax = taxonomy({"terms": ["pretrain"]}, {"terms": ["pretraining"]})
    assert [s.score for s in explain(tax, "Pretraining", "")] == [WEIGHTS["title"]] * 2


# classify() computes explain()'s scores without keeping the evidence: the topics a reader sees
# must be exactly those the evidence a curator reads (`generator explain`) supports.
_REAL = load_taxonomy(ROOT / "data" / "taxonomy.yaml")[0]
_PIECES = sorted({term.rstrip("$") for t in _REAL.topics for kind in t.by_kind() for term in kind}) + [
    "the",
    "model",
    ". We",
    "-",
    "  ",
    ", ",
    "(",
    "Quantization",
    "x",
]


@given(st.lists(st.sampled_from(_PIECES), max_size=12), st.lists(st.sampled_from(_PIECES), max_size=80))
def test_classification_equals_ranking_the_explained_evidence(title, abstract):
    for joiner in (" ", "", "-"):
        t, a = joiner.join(title), joiner.join(abstract)
        assert classify(_REAL, t, a) == rank(explain(_REAL, t, a), _REAL.max_topics)


def test_classification_equals_ranking_the_explained_evidence_on_the_seeds():
    for listing in read_listings(ROOT / "seeds")[0]:
        for e in listing.entries:
            assert classify(_REAL, e.title, e.abstract) == rank(explain(_REAL, e.title, e.abstract), _REAL.max_topics)


def test_a_word_found_once_by_a_strong_term_is_strong_evidence_wherever_a_weak_term_finds_it_too():
    tax = taxonomy({"terms": ["expert$"], "weak": ["expert"]})
    # "Expert" is the strong whole word; "experts" only the weak prefix: one term, seen twice.
    [s] = explain(tax, "Expert", "Experts agree.")
    assert [(h.word, h.count, h.weak) for h in s.hits] == [("expert", 2, False)]
    assert classify(tax, "Expert", "Experts agree.") == (("t0", s.score),) and s.score >= THRESHOLD


def _matches_by_definition(tax: Taxonomy, text: str) -> list[list[tuple[int, int]]]:
    """What _matches computes, straight from the rules: at each word start, each channel's
    terms tried in taxonomy order, a channel's spans never overlapping."""
    found: list[list[tuple[int, int]]] = [[] for _ in range(3 * len(tax.topics))]
    patterns = {}
    for i, topic in enumerate(tax.topics):
        for kind, terms in enumerate(topic.by_kind()):
            for term in terms:
                words = re.split(r"[\s-]+", term.rstrip("$").strip().lower())
                regex = _SEP.join(re.escape(w) for w in words) + ("(?![a-z0-9])" if term.endswith("$") else "")
                patterns.setdefault(3 * i + kind, []).append((_key(term.strip().lower()), regex))
    for pos in range(len(text)):
        if pos and text[pos - 1] in "abcdefghijklmnopqrstuvwxyz0123456789":
            continue
        for c, terms in patterns.items():
            if found[c] and pos < found[c][-1][1]:
                continue
            regexes = [r for key, r in terms if key == _key(text[pos : pos + 2])]
            hit = regexes and re.compile("|".join(regexes)).match(text, pos)
            if hit:
                found[c].append((pos, hit.end()))
    return found


def _spans(tax: Taxonomy, text: str) -> list[list[tuple[int, int]]]:
    """_matches' spans, every channel's, each checked for the evidence key it carries."""
    found = _matches(tax.match, text)
    assert all(found.values()), "a channel that matched nothing is left out"
    for spans in found.values():
        assert all(key == " ".join(re.split(r"[\s-]+", text[start:end])) for start, end, key in spans)
    return [[(start, end) for start, end, _ in found.get(c, [])] for c in range(3 * len(tax.topics))]


_TERM = st.text("ab-", min_size=1, max_size=5).map(lambda t: "a" + t) | st.sampled_from(["ab$", "ba$", "a b$", "a-a"])


@given(
    st.lists(st.lists(_TERM, min_size=1, max_size=3), min_size=1, max_size=3),
    st.text("ab -.\n", max_size=40),
)
@example([["ab$"], ["ab"]], "ab abb")
def test_terms_match_where_their_definition_says_whatever_else_matches_there(terms, text):
    # Terms of a tiny alphabet overlap, share starts and end where others go on: the cases
    # where remembering what a phrasing matched could go wrong.
    tax = taxonomy(*({"terms": t[:1], "weak": t[1:2], "exclude": t[2:]} for t in terms))
    assert _spans(tax, text) == _matches_by_definition(tax, text)
    # Asked again, the remembered phrasings give the same answer.
    assert _spans(tax, text) == _matches_by_definition(tax, text)


def test_a_whole_word_term_matched_once_still_skips_longer_words_later_in_the_text():
    tax = taxonomy({"terms": ["rag$"]}, {"terms": ["rag"]})
    assert [s.hits[0].count if s.hits else 0 for s in explain(tax, "RAG and ragged RAG", "")] == [2, 3]


def test_the_real_taxonomy_matches_the_seeds_where_its_definition_says():
    for listing in read_listings(ROOT / "seeds")[0]:
        for e in listing.entries[:40]:
            for text in (e.title.lower(), e.abstract.lower()):
                assert _spans(_REAL, text) == _matches_by_definition(_REAL, text)
