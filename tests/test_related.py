"""Related papers: what a reader following "Related papers" relies on."""

from __future__ import annotations

from generator import catalogue as cat
from generator.related import related
from generator.search_index import terms

from .conftest import FIXTURES, ROOT, SEED_FIXTURE


def seed_catalogue() -> cat.Catalogue:
    return cat.load(cat.Sources(SEED_FIXTURE, ROOT / "data" / "taxonomy.yaml", FIXTURES / "no-curation.yaml"))


def test_every_paper_gets_up_to_five_distinct_others_never_itself():
    c = seed_catalogue()
    near = related([(terms(p.title), terms(p.abstract)) for p in c.papers])
    assert len(near) == len(c.papers)
    for i, others in enumerate(near):
        assert i not in others
        assert len(set(others)) == len(others) <= 5
    assert sum(1 for others in near if others) >= 0.95 * len(c.papers)
