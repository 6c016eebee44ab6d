"""Golden output: the complete docs/ the generator writes for a small fixture project, committed
as the expected result and compared file by file.

After an intended change to the output, regenerate it and review the difference:

    .venv/bin/python -m tests.golden --update
    git diff tests/fixtures/golden/expected
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from unittest import mock

from generator.build import STATIC, build_docs
from generator.catalogue import Sources
from generator.render import SiteSettings

from .conftest import FIXTURES

GOLDEN = FIXTURES / "golden"
EXPECTED = GOLDEN / "expected"
SOURCES = Sources(GOLDEN / "seeds", GOLDEN / "taxonomy.yaml", GOLDEN / "curation.yaml", GOLDEN / "metadata")
# Feeds date papers by when their listing was added: outside git history that is
# SOURCE_DATE_EPOCH, fixed here (2024-03-18 12:00 UTC) so the output does not depend on the clone.
EPOCH = "1710763200"
SETTINGS = SiteSettings(listing_edit_url="https://github.com/OWNER/REPO/edit/main/seeds/")
# Copied byte for byte from generator/static/: compared with their source, not kept twice.
COPIED = frozenset(p.relative_to(STATIC).as_posix() for p in STATIC.rglob("*") if p.is_file())


def tree(root: Path) -> dict[str, bytes]:
    return {
        rel: p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.startswith(".") and (rel := p.relative_to(root).as_posix()) not in COPIED
    }


def generate(out: Path) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        # A copy outside the repository, so git history (absent from a shallow or exported
        # clone) plays no part.
        seeds = Path(tmp) / "seeds"
        shutil.copytree(SOURCES.seeds, seeds)
        with mock.patch.dict(os.environ, {"SOURCE_DATE_EPOCH": EPOCH}):
            build_docs(Sources(seeds, SOURCES.taxonomy, SOURCES.curation, SOURCES.metadata), out, SETTINGS)
    return tree(out)


def update() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        files = generate(Path(tmp) / "docs")
    shutil.rmtree(EXPECTED, ignore_errors=True)
    for rel, data in files.items():
        (EXPECTED / rel).parent.mkdir(parents=True, exist_ok=True)
        (EXPECTED / rel).write_bytes(data)
    print(f"wrote {len(files)} files to {EXPECTED}")


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit(__doc__)
    update()
