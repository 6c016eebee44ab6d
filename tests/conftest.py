from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
# The four listings the project started with, frozen here: facts about them (309 entries, 261
# papers, their dates) are asserted on this copy, so adding or editing a listing in seeds/
# never needs a test change.
SEED_FIXTURE = FIXTURES / "seeds"

# A busy machine must not fail a property test: examples are judged, not timed.
settings.register_profile("project", deadline=None)
settings.load_profile("project")

ABSTRACT = (
    "We study a thing at length. This abstract is long enough to look like one, because abstracts are "
    "paragraphs of several sentences that explain what a paper does and what it finds, far longer than any "
    "title would be. It goes on to describe results in detail and ends with a conclusion about the findings."
)


def subprocess_env(**extra: str) -> dict[str, str]:
    """The environment for every subprocess a test starts (the CLI, MkDocs): the working tree's
    `generator` comes first on the path, so the code under test runs, never an installed copy."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    # Test projects are copies outside git: their listings' dates (feeds) come from
    # SOURCE_DATE_EPOCH, fixed, so two copies of the same input build the same bytes.
    env = {"SOURCE_DATE_EPOCH": "1710763200", **extra}
    return dict(os.environ, PYTHONPATH=path, NO_MKDOCS_2_WARNING="1", **env)


def listing(*pairs: tuple[str, str], date: str | None = None) -> str:
    """A listing's text in the feed's format."""
    head = f"{date}\n\n" if date else ""
    return head + "\n\n".join(f"{t}\n\n{a}" for t, a in pairs) + "\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's inputs that a test may change freely."""
    (tmp_path / "seeds").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "taxonomy.yaml").write_text((ROOT / "data" / "taxonomy.yaml").read_text())
    (tmp_path / "data" / "curation.yaml").write_text("papers: []\n")
    return tmp_path


@pytest.fixture
def seed_project(project: Path) -> Path:
    """The four original listings with the project's taxonomy and no curation."""
    for path in sorted(SEED_FIXTURE.glob("*.txt")):
        (project / "seeds" / path.name).write_bytes(path.read_bytes())
    return project
