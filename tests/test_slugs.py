"""Paper addresses: readable, bounded, unique, and independent of the other papers."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from generator.slugs import MAX_LENGTH, slugify

SLUG = re.compile(r"[a-z0-9]+(?:--?[a-z0-9]+)*")
titles = st.text(min_size=1, max_size=200).filter(lambda t: t.strip())


def test_plain_titles_get_plain_readable_slugs():
    assert slugify("A Survey on Mixture of Experts") == "a-survey-on-mixture-of-experts"


def test_a_hashed_address_never_changes():
    # Published addresses: a change to the hash (function, length, normalisation) moves pages.
    title = "L4Q: Parameter Efficient Quantization-Aware Training on Large Language Models via LoRA-wise LSQ"
    assert slugify(title) == "l4q-parameter-efficient-quantization-aware-training-on-large-language--27143c7c"
    assert slugify("  " + title.upper().replace(" ", "   ")) == slugify(title)


def test_names_the_site_or_windows_keep_get_the_hashed_form():
    for title in ("Index", "CON", "aux", "Nul", "COM1", "lpt9", "Papers"):
        slug = slugify(title)
        assert slug.startswith(title.lower() + "--") and len(slug) == len(title) + 10, slug
    assert slugify("Contrastive Learning") == "contrastive-learning"


def test_unicode_is_transliterated():
    slug = slugify("Überraschend schnelle Ästhetik: Δ-Modelle für 東京")
    assert slug.startswith("uberraschend-schnelle-asthetik-d-modelle-fur-dongjing--")


def test_titles_sharing_their_first_80_characters_get_different_slugs():
    stem = "Scaling " * 12
    a, b = slugify(stem + "Laws for Quantization"), slugify(stem + "Laws for Pruning")
    assert a != b
    assert len(a) <= MAX_LENGTH and len(b) <= MAX_LENGTH


def test_titles_that_differ_only_in_punctuation_do_not_collide():
    assert len({slugify("LLM-QAT"), slugify("LLM QAT"), slugify("LLM: QAT"), slugify("llm qat")}) == 3


@given(titles)
def test_slugs_are_readable_lowercase_ascii_and_bounded(title):
    slug = slugify(title)
    assert SLUG.fullmatch(slug), slug
    assert len(slug) <= MAX_LENGTH


@given(st.lists(titles, min_size=2, max_size=40, unique_by=lambda t: " ".join(t.casefold().split())))
def test_distinct_titles_never_share_a_slug(papers):
    from generator.slugs import normalise_title

    keys = {normalise_title(t) for t in papers}
    assert len({slugify(t) for t in papers}) == len(keys)


def _catalogue_slugs(titles_):
    """Slugs as the catalogue assigns them, for papers read from one listing."""
    from pathlib import Path

    from generator.catalogue import build_catalogue
    from generator.curation import Curation
    from generator.listings import Entry, Listing
    from generator.topics import load_taxonomy

    from .conftest import ABSTRACT, ROOT

    taxonomy, _ = load_taxonomy(Path(ROOT / "data" / "taxonomy.yaml"))
    entries = tuple(Entry(t, ABSTRACT, "000.txt", 2 * i + 1) for i, t in enumerate(titles_))
    catalogue, problems = build_catalogue(
        [Listing("000.txt", "000.txt", None, None, entries)], taxonomy, Curation("c", {})
    )
    assert problems == []
    return {p.appearances[0].line: p.slug for p in catalogue.papers}, {e.line: e.title for e in entries}


unique_titles = st.lists(titles, min_size=1, max_size=30, unique_by=lambda t: " ".join(t.casefold().split()))


@given(unique_titles, st.data())
def test_adding_or_removing_papers_never_changes_a_slug(papers, data):
    from generator.slugs import normalise_title

    kept = data.draw(st.lists(st.sampled_from(papers), unique=True))
    added = data.draw(
        st.lists(titles, max_size=10).map(
            lambda ts: [t for t in ts if normalise_title(t) not in {normalise_title(p) for p in papers}]
        )
    )
    added = list({normalise_title(t): t for t in added}.values())
    before, _ = _catalogue_slugs(papers)
    slug_of = {normalise_title(papers[(line - 1) // 2]): slug for line, slug in before.items()}
    after, titles_after = _catalogue_slugs(kept + added)
    for line, slug in after.items():
        key = normalise_title(titles_after[line])
        if key in slug_of:
            assert slug == slug_of[key]
