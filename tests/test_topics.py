"""How taxonomy terms match: what maintainers read in data/taxonomy.yaml's header holds."""

from __future__ import annotations

from generator.topics import ABSTRACT_CAP, TITLE_WEIGHT, Taxonomy, Topic, matcher, scores


def taxonomy(*terms_per_topic: list[str]) -> Taxonomy:
    topics = tuple(Topic(f"t{i}", f"T{i}", "d", tuple(terms)) for i, terms in enumerate(terms_per_topic))
    return Taxonomy(topics, 4, matcher(topics))


def abstract_score(terms: list[str], text: str) -> int:
    return scores(taxonomy(terms), "", text)[0]


def test_a_term_matches_at_the_start_of_a_word_ignoring_case():
    assert abstract_score(["quantiz"], "Quantization and quantized weights") == 2
    assert abstract_score(["quantiz"], "dequantization") == 0


def test_a_space_or_hyphen_in_a_term_matches_any_run_of_spaces_and_hyphens():
    assert abstract_score(["4-bit"], "4 bit, 4-bit and 4 - bit weights") == 3
    assert abstract_score(["mixture of experts"], "a mixture-of-experts layer") == 1


def test_a_trailing_dollar_matches_whole_words_only():
    assert abstract_score(["rag$"], "RAG pipelines, not ragged arrays") == 1


def test_title_terms_weigh_more_and_abstract_mentions_are_capped():
    t = taxonomy(["prun"])
    assert scores(t, "Pruning LLMs", "")[0] == TITLE_WEIGHT
    assert scores(t, "", "pruning " * 20)[0] == ABSTRACT_CAP


def test_several_topics_can_match_the_same_word():
    t = taxonomy(["pretrain"], ["pretraining"])
    assert scores(t, "", "pretraining data") == [1, 1]
