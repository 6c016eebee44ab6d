"""Helpers that build a real site with MkDocs, from the seeds or from a test's own listings."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT, SEED_FIXTURE, subprocess_env


def make_project(where: Path, seeds: dict[str, str] | None = None, *, real: bool = False) -> Path:
    """A project folder with the real configuration and taxonomy.

    Its listings are the test's own (`seeds`), or the four original listings (the default), or,
    with real=True, whatever the project's seeds/ and curation file hold now."""
    where.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", where / "mkdocs.yml")
    for name in ("overrides", "data"):
        shutil.copytree(ROOT / name, where / name)
    (where / "docs").mkdir()
    (where / "generator").symlink_to(ROOT / "generator")
    if real:
        shutil.copytree(ROOT / "seeds", where / "seeds")
        return where
    # The test's own listings: the project's curation and metadata name papers they do not hold.
    (where / "data" / "curation.yaml").write_text("papers: []\n")
    shutil.rmtree(where / "data" / "metadata", ignore_errors=True)
    (where / "seeds").mkdir()
    if seeds is None:
        seeds = {p.name: p.read_text(encoding="utf-8") for p in sorted(SEED_FIXTURE.glob("*.txt"))}
    for name, text in seeds.items():
        (where / "seeds" / name).write_text(text, encoding="utf-8")
    return where


def mkdocs_build(project: Path, **env: str) -> Path:
    mkdocs = Path(sys.executable).parent / "mkdocs"
    result = subprocess.run(
        [str(mkdocs), "build", "--strict", "--quiet"],
        cwd=project,
        capture_output=True,
        text=True,
        env=subprocess_env(**env),
    )
    assert result.returncode == 0, result.stderr
    return project / "site"


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True, env=subprocess_env()
    )
