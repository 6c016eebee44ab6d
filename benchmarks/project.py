"""Benchmark projects: the real configuration around synthetic listings."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


class Trash:
    """Folders the benchmark is done with, moved aside and deleted only after its last
    measurement. This VM's ext4 has no journal, and ext4 without one does not reuse an inode for
    one to six minutes after its file was deleted: every file created meanwhile in that block
    group first looks at each of them (perf, at 10,000 papers: 3 s of a 14 s build in ext4's
    `recently_deleted`, 2.5 s of the plain one's 38 s). A build that came right after deleting the
    last one's site paid for that deletion, and more after every pair; a fresh clone's build pays
    for none. A journalled ext4 (GitHub's runners, most laptops) has no such cost."""

    def __init__(self, where: Path):
        self.where = where
        self.count = 0

    def discard(self, path: Path) -> None:
        if path.exists():
            self.where.mkdir(parents=True, exist_ok=True)
            self.count += 1
            path.rename(self.where / str(self.count))  # one directory entry: no inode freed yet

    def empty(self) -> None:
        shutil.rmtree(self.where, ignore_errors=True)


def make_project(where: Path, trash: Trash | None = None) -> Path:
    if trash is not None:
        trash.discard(where)
    elif where.exists():
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
    seconds, largest, _, stdout = run_measured(cmd, cwd, timeout)
    return seconds, largest, stdout


def run_measured(cmd: list[str], cwd: Path, timeout: float | None = None) -> tuple[float, float, float | None, str]:
    """As run(), with two peaks in MB: the largest process's (its maximum resident size) and
    all processes' together, sampled (PSS: a page several processes share counts once). The
    second is None where /proc cannot tell (not Linux)."""
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
    sampler = _TreeMemory(proc.pid)
    sampler.start()
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    finally:
        sampler.stop()
    result = subprocess.CompletedProcess(wrapper, proc.returncode, stdout, stderr)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{result.stderr[-2000:]}")
    peak = next((int(line.split()[1]) / 1024 for line in result.stderr.splitlines() if line.startswith("PEAK")), 0.0)
    return seconds, peak, sampler.peak_mb, result.stdout


class _TreeMemory(threading.Thread):
    """The largest sum of PSS over a process and all its descendants, sampled every 0.2 s."""

    def __init__(self, root: int):
        super().__init__(daemon=True)
        self.root = root
        self.peak_mb: float | None = 0.0 if Path("/proc/self/smaps_rollup").exists() else None
        self._done = threading.Event()

    def stop(self) -> None:
        self._done.set()
        self.join()

    def run(self) -> None:
        while self.peak_mb is not None and not self._done.wait(0.2):
            self.peak_mb = max(self.peak_mb, sum(map(_pss_kb, _descendants(self.root))) / 1024)


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            return next((int(line.split()[1]) for line in f if line.startswith("Pss:")), 0)
    except OSError:
        return 0  # it ended meanwhile


def tree_size(path: Path, pattern: str = "*") -> int:
    return sum(p.stat().st_size for p in path.rglob(pattern) if p.is_file())


def peak_rss_self() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
