"""Benchmark projects: the real configuration around synthetic listings."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def make_project(where: Path) -> Path:
    if where.exists():
        shutil.rmtree(where)
    where.mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", where / "mkdocs.yml")
    for name in ("overrides", "data"):
        shutil.copytree(ROOT / name, where / name)
    (where / "data" / "curation.yaml").write_text("papers: []\n")
    shutil.rmtree(where / "data" / "metadata", ignore_errors=True)  # names the real seeds' papers
    (where / "docs").mkdir()
    (where / "generator").symlink_to(ROOT / "generator")
    return where


def run(cmd: list[str], cwd: Path, timeout: float | None = None) -> tuple[float, float, str]:
    """Seconds, peak memory of the child in MB, and stdout; raises TimeoutExpired past timeout."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(ROOT))
    wrapper = [
        sys.executable,
        "-c",
        "import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]);"
        "print('PEAK', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(r.returncode)",
        *cmd,
    ]
    start = time.perf_counter()
    # A session of its own, so a timeout ends the command's whole process tree, not only
    # the wrapper (an orphaned MkDocs build would skew every later measurement).
    proc = subprocess.Popen(
        wrapper, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, start_new_session=True
    )
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    result = subprocess.CompletedProcess(wrapper, proc.returncode, stdout, stderr)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{result.stderr[-2000:]}")
    peak = next((int(line.split()[1]) / 1024 for line in result.stderr.splitlines() if line.startswith("PEAK")), 0.0)
    return seconds, peak, result.stdout


def tree_size(path: Path, pattern: str = "*") -> int:
    return sum(p.stat().st_size for p in path.rglob(pattern) if p.is_file())


def peak_rss_self() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
