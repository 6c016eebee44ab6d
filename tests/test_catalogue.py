"""The catalogue: merging, conflicts, topics and curation, on small fixtures and on the seeds."""

from __future__ import annotations

import pytest

from generator import catalogue as cat
from generator.build import build_docs, default_sources
from generator.problems import InputError
from generator.render import SiteSettings
from generator.topics import Taxonomy, Topic

from .conftest import ABSTRACT, listing


def load(project):
    return cat.load(default_sources(project))


def problems_of(project) -> list[str]:
    with pytest.raises(InputError) as e:
        load(project)
    return [str(p) for p in e.value.problems]


def test_the_four_original_listings_hold_261_distinct_papers_and_every_one_has_a_topic(seed_project):
    c = load(seed_project)
    assert c.entry_count == 309
    assert len(c.papers) == 261
    assert sum(1 for p in c.papers if len(p.appearances) > 1) == 35
    # The classifier alone leaves a few papers for a curator; they are listed by `check`.
    assert len(c.untopical()) <= 5
    assert all(len(p.topics) <= c.taxonomy.max_topics for p in c.papers)
    assert 15 <= len(c.taxonomy.topics) <= 30


def test_titles_equal_after_folding_case_space_and_unicode_form_are_one_paper(project):
    (project / "seeds" / "000_a.txt").write_text(listing(("Caf\u00e9 Models", ABSTRACT)), encoding="utf-8")
    (project / "seeds" / "001_b.txt").write_text(listing(("  CAFE\u0301   models ", ABSTRACT)), encoding="utf-8")
    c = load(project)
    assert len(c.papers) == 1
    assert [(a.listing, a.line) for a in c.papers[0].appearances] == [("000_a.txt", 1), ("001_b.txt", 1)]


def test_same_title_with_different_abstracts_fails_naming_both_places(project):
    (project / "seeds" / "000_a.txt").write_text(listing(("Same Title", ABSTRACT)))
    (project / "seeds" / "001_b.txt").write_text(listing(("Other", ABSTRACT), ("same title", ABSTRACT + " More.")))
    [message] = problems_of(project)
    assert "000_a.txt:1: same title, different abstracts" in message
    assert "001_b.txt:5" in message


def test_curation_can_say_which_conflicting_abstract_to_keep(project):
    (project / "seeds" / "000_a.txt").write_text(listing(("Same Title", ABSTRACT)))
    (project / "seeds" / "001_b.txt").write_text(listing(("Same Title", ABSTRACT + " More.")))
    (project / "data" / "curation.yaml").write_text("papers:\n  - title: same title\n    abstract_from: 001_b.txt\n")
    assert load(project).papers[0].abstract.endswith("More.")


def test_a_title_match_outweighs_a_passing_mention_in_the_abstract(project):
    passing = "We train a model on text and report results; one baseline uses quantization. " + ABSTRACT
    (project / "seeds" / "000_a.txt").write_text(
        listing(
            ("Post-Training Quantization of Large Models", "We quantize. " + ABSTRACT), ("A Survey of Agents", passing)
        )
    )
    by_title = {p.title: p.topic_ids for p in load(project).papers}
    assert by_title["Post-Training Quantization of Large Models"][0] == "quantization"
    assert "quantization" not in by_title["A Survey of Agents"]


def test_curation_can_set_a_papers_topics_exactly(project):
    (project / "seeds" / "000_a.txt").write_text(listing(("Post-Training Quantization of Large Models", ABSTRACT)))
    (project / "data" / "curation.yaml").write_text(
        "papers:\n  - title: post-training quantization of large models\n    topics: [surveys, quantization]\n"
    )
    [paper] = load(project).papers
    assert paper.topic_ids == ("surveys", "quantization") and paper.curated


def test_check_lists_papers_that_match_no_topic(project):
    (project / "seeds" / "000_a.txt").write_text(listing(("Zebra Husbandry", "Zebras eat grass. " * 20)))
    assert [p.title for p in load(project).untopical()] == ["Zebra Husbandry"]


def test_curation_adds_and_removes_topics_links_and_notes(project):
    (project / "seeds" / "000_a.txt").write_text(listing(("Post-Training Quantization of Large Models", ABSTRACT)))
    (project / "data" / "curation.yaml").write_text(
        "papers:\n"
        "  - title: post-training quantization of large models\n"
        "    add_topics: [surveys]\n"
        "    remove_topics: [quantization]\n"
        "    links: {arxiv: '2401.01234', code: 'https://github.com/x/y'}\n"
        "    note: Worth reading first.\n"
    )
    [paper] = load(project).papers
    assert paper.topic_ids[0] == "surveys" and "quantization" not in paper.topic_ids
    assert (paper.arxiv, paper.code, paper.note) == ("2401.01234", "https://github.com/x/y", "Worth reading first.")


@pytest.mark.parametrize(
    ("curation", "expected"),
    [
        ("papers:\n  - title: No Such Paper\n", "curation.yaml:2: no paper has this title: 'No Such Paper'"),
        ("papers:\n  - title: A Paper\n    colour: red\n", "curation.yaml:2: unknown key 'colour'"),
        ("papers:\n  - title: A Paper\n    add_topics: [nope]\n", "curation.yaml:2: unknown topic 'nope'"),
        ("papers:\n  - title: A Paper\n    links: {arxiv: 'abc'}\n", "curation.yaml:3: 'abc' is not an arXiv id"),
        ("papers:\n  - title: A Paper\n    links: {code: 'javascript:x'}\n", "must start with https://"),
        ("papers:\n  - title: A Paper\n    links: {homepage: 'https://x.org'}\n", "unknown key 'homepage' in links"),
        ("papers: [\n", "curation.yaml:2: invalid YAML"),
        ("papers:\n  - title: A Paper\n    topics: [surveys]\n    add_topics: [code]\n", "topics alone, or add_topics"),
        (
            "papers:\n  - title: A Paper\n    topics: [surveys, code, reasoning, evaluation, retrieval]\n",
            "at most 4 topics",
        ),
        ("papers:\n  - title: A Paper\n    topics: []\n", "topics must name at least one topic"),
        ("papers:\n  - title: A Paper\n  - title: a  paper\n", "curation.yaml:3: paper curated twice"),
    ],
)
def test_curation_mistakes_are_clear_errors(project, curation, expected):
    (project / "seeds" / "000_a.txt").write_text(listing(("A Paper", ABSTRACT)))
    (project / "data" / "curation.yaml").write_text(curation)
    messages = problems_of(project)
    assert any(expected in m for m in messages), messages


@pytest.mark.parametrize(
    ("taxonomy", "expected"),
    [
        ("topics:\n  - id: x\n    name: X\n", "taxonomy.yaml:2: topic is missing 'description'"),
        ("topics:\n  - {id: Bad Id, name: X, description: d, terms: [a]}\n", "must be lowercase words"),
        ("topics:\n  - {id: x, name: X, description: d, terms: []}\n", "topic 'x' has no terms"),
        ("topix: []\n", "unknown key 'topix'"),
        (
            "topics:\n  - {id: index, name: X, description: d, terms: [ab]}\n",
            "taxonomy.yaml:2: topic id 'index' is a name",
        ),
        (
            "topics:\n  - {id: papers, name: X, description: d, terms: [ab]}\n",
            "taxonomy.yaml:2: topic id 'papers' is a name",
        ),
        ("topics:\n  - {id: con, name: X, description: d, terms: [ab]}\n", "taxonomy.yaml:2: topic id 'con' is a name"),
        ("topics:\n  - {id: agents-2, name: X, description: d, terms: [ab]}\n", "ends like a numbered page"),
    ],
)
def test_taxonomy_mistakes_are_clear_errors(project, taxonomy, expected):
    (project / "seeds" / "000_a.txt").write_text(listing(("A Paper", ABSTRACT)))
    (project / "data" / "taxonomy.yaml").write_text(taxonomy)
    messages = problems_of(project)
    assert any(expected in m for m in messages), messages


def test_invisible_characters_and_full_case_folding_do_not_split_a_paper(project):
    (project / "seeds" / "000_a.txt").write_text(listing(("Zero Width İstanbul Models", ABSTRACT)), encoding="utf-8")
    (project / "seeds" / "001_b.txt").write_text(
        listing(("Zero\u200b Width i\u0307stanbul MODELS", ABSTRACT)), encoding="utf-8"
    )
    [paper] = load(project).papers
    assert len(paper.appearances) == 2


def test_bidi_controls_in_titles_and_abstracts_are_shown_as_visible_escapes(project):
    (project / "seeds" / "000_a.txt").write_text(
        listing(("Evil\u202etxt.exe Models", "We \u2067hide\u2069 this. " + ABSTRACT)), encoding="utf-8"
    )
    [paper] = load(project).papers
    assert paper.title == "Evil\\u202etxt.exe Models"
    assert paper.abstract.startswith("We \\u2067hide\\u2069 this.")


def test_no_generated_file_carries_a_bidi_control_from_a_listing(project, tmp_path):
    # Summaries (in every list of papers, the search results and papers.json) and search terms
    # are made from the text as shown, escapes and all.
    (project / "seeds" / "000_a.txt").write_text(
        listing(("Evil\u202etxt.exe Models", "We propose \u2067hidden\u2069 models. " + ABSTRACT)), encoding="utf-8"
    )
    build_docs(default_sources(project), tmp_path / "docs", SiteSettings())
    texts = [p.read_text(encoding="utf-8") for p in (tmp_path / "docs").rglob("*") if p.is_file()]
    assert not any(c in text for text in texts for c in "\u202e\u2067\u2069")
    assert any("\\u2067hidden\\u2069 models" in text for text in texts if "paper-summary" in text)


def test_a_topics_papers_stand_most_relevant_first_and_equally_relevant_ones_by_title():
    def paper(slug, title, score):
        return cat.Paper(slug=slug, title=title, abstract="", appearances=(), topics=(("t", score),))

    # Addresses in the opposite order to the titles: the title decides, whatever the case.
    papers = (paper("a", "Zebra", 5.0), paper("b", "yak", 5.0), paper("c", "ant", 4.0), paper("d", "Bee", 6.0))
    taxonomy = Taxonomy((Topic("t", "T", "t", ("t",)),), 4, match=None)
    c = cat.Catalogue((), papers, taxonomy)
    assert [p.title for p in c.by_topic()["t"]] == ["Bee", "yak", "Zebra", "ant"]


def test_papers_json_holds_every_character_as_itself(project, tmp_path):
    # Readable and diffable: "Zürich" as itself, not as a \u escape.
    (project / "seeds" / "000_a.txt").write_text(listing(("Models in Zürich", ABSTRACT + " Ça va.")), encoding="utf-8")
    build_docs(default_sources(project), tmp_path / "docs", SiteSettings())
    text = (tmp_path / "docs" / "papers.json").read_text(encoding="utf-8")
    assert "Models in Zürich" in text and "Ça va." in text
