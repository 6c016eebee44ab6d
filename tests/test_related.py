"""Related papers: what a reader following "Related papers" relies on."""

from __future__ import annotations

from generator import catalogue as cat
from generator.build import related_papers
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
    near = related(papers)
    assert 1 not in near[0] and 0 not in near[1]
    assert near[0][0] == 2 and near[1][0] == 3
