from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"

ABSTRACT = (
    "We study a thing at length. This abstract is long enough to look like one, because abstracts are "
    "paragraphs of several sentences that explain what a paper does and what it finds, far longer than any "
    "title would be. It goes on to describe results in detail and ends with a conclusion about the findings."
)


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
