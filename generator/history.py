"""When each listing was added to the repository: the honest date of its papers in feeds.

A listing's own date line ("Mar 18") has no year, and inventing one would be a guess. The day a
listing entered the repository is a fact git records, so feeds date a paper by that. Where git
cannot say (no git, no repository, a listing not committed yet), the date falls back, in
this order, to SOURCE_DATE_EPOCH (the reproducible-builds convention: set it when building
from an export) and then to the file's modification time, which `git archive` exports (such as
GitHub's source tarballs) set to the commit's time. Each date says where it came from.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Added:
    when: dt.datetime  # UTC
    source: str  # "git", "SOURCE_DATE_EPOCH" or "file time"

    @property
    def rfc3339(self) -> str:
        return self.when.strftime("%Y-%m-%dT%H:%M:%SZ")

    @property
    def day(self) -> str:
        return self.when.strftime("%Y-%m-%d")


def _utc(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(seconds), dt.UTC)


def _git(args: list[str], cwd: Path) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def git_added(folder: Path) -> dict[str, dt.datetime]:
    """File name -> time of the first commit that added it to the folder (following no renames:
    a renamed listing is a new listing to its readers' feeds only if its papers are new, and
    papers keep the earliest date of the listings they appear in)."""
    top = _git(["rev-parse", "--show-toplevel"], folder)
    if top is None:
        return {}
    # One command for every listing: each commit's time, then the files it added; oldest last.
    out = _git(
        ["-c", "core.quotePath=false", "log", "--diff-filter=A", "--no-renames", "--format=%x00%H %ct", "--name-only"]
        + ["--", "."],
        folder,
    )
    if out is None:
        return {}
    # In a shallow clone the oldest commit present seems to add every file it holds: its dates
    # are not the real ones, so those listings fall back like untracked ones.
    git_dir = _git(["rev-parse", "--absolute-git-dir"], folder)
    shallow_file = Path(git_dir.strip()) / "shallow" if git_dir else None
    boundary = set(shallow_file.read_text().split()) if shallow_file and shallow_file.is_file() else set()
    prefix = folder.resolve().relative_to(Path(top.strip()).resolve()).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    added: dict[str, dt.datetime] = {}
    for chunk in out.split("\x00")[1:]:
        head, _, names = chunk.partition("\n")
        commit, _, stamp = head.partition(" ")
        when = _utc(int(stamp))
        for name in names.split("\n"):
            if commit in boundary:
                added.pop(name[len(prefix) :], None)
                continue
            if name.startswith(prefix) and "/" not in name[len(prefix) :] and name.strip():
                added[name[len(prefix) :]] = when  # later lines are older commits: the first addition wins
    return added


def listing_dates(folder: Path, names: list[str]) -> dict[str, Added]:
    """Each listing's addition date, from git where it knows, else the documented fallbacks."""
    known = git_added(folder) if folder.is_dir() else {}
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    dates = {}
    for name in names:
        if name in known:
            dates[name] = Added(known[name], "git")
        elif epoch.isdigit():
            dates[name] = Added(_utc(int(epoch)), "SOURCE_DATE_EPOCH")
        else:
            path = folder / name
            seconds = path.stat().st_mtime if path.exists() else 0
            dates[name] = Added(_utc(seconds), "file time")
    return dates
