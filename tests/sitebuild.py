"""Helpers that build a real site with MkDocs, from the seeds or from a test's own listings."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT


def make_project(where: Path, seeds: dict[str, str] | None = None) -> Path:
    """A project folder with the real configuration; seeds are the real ones unless given."""
    where.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.yml",):
        shutil.copy(ROOT / name, where / name)
    for name in ("overrides", "data"):
        shutil.copytree(ROOT / name, where / name)
    (where / "docs").mkdir()
    (where / "generator").symlink_to(ROOT / "generator")
    if seeds is None:
        shutil.copytree(ROOT / "seeds", where / "seeds")
    else:
        (where / "seeds").mkdir()
        for name, text in seeds.items():
            (where / "seeds" / name).write_text(text, encoding="utf-8")
        (where / "data" / "curation.yaml").write_text("papers: []\n")
    return where


def mkdocs_build(project: Path) -> Path:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    mkdocs = Path(sys.executable).parent / "mkdocs"
    result = subprocess.run(
        [str(mkdocs), "build", "--strict", "--quiet"], cwd=project, capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stderr
    return project / "site"
