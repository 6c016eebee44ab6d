"""The generated pages of a small fixture project, byte for byte (see tests/golden.py)."""

from __future__ import annotations

from generator.build import STATIC

from .golden import COPIED, EXPECTED, generate, tree

HINT = "if the change is intended: .venv/bin/python -m tests.golden --update, then review the diff"


def test_generated_docs_equal_the_committed_expected_output(tmp_path):
    docs = tmp_path / "docs"
    actual, expected = generate(docs), tree(EXPECTED)
    assert sorted(actual) == sorted(expected), HINT
    for rel in expected:
        assert actual[rel] == expected[rel], f"{rel} differs; {HINT}"
    for rel in COPIED:
        assert (docs / rel).read_bytes() == (STATIC / rel).read_bytes(), rel
