"""The preview comment's verdict is computed by the default branch's generator from the pull
request's files read as data: tested against local repositories, as the workflow runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ABSTRACT, ROOT, listing, subprocess_env

SCRIPT = ROOT / ".github" / "scripts" / "review-pr.sh"


def git(cwd: Path, *args: str) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_COMMITTER_NAME="t", GIT_AUTHOR_EMAIL="t@e.invalid")
    env["GIT_COMMITTER_EMAIL"] = "t@e.invalid"
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=env).stdout.strip()


@pytest.fixture
def repos(tmp_path):
    """An upstream repository with main and a pull request ref, and a checkout of main."""
    up = tmp_path / "upstream"
    (up / "seeds").mkdir(parents=True)
    (up / "data").mkdir()
    (up / "data" / "taxonomy.yaml").write_text((ROOT / "data" / "taxonomy.yaml").read_text())
    (up / "data" / "curation.yaml").write_text("papers: []\n")
    (up / "seeds" / "000_a.txt").write_text(listing(("Post-Training Quantization of Large Models", ABSTRACT)))
    git(up, "init", "-q", "-b", "main")
    git(up, "add", "-A")
    git(up, "commit", "-qm", "base")
    base = git(up, "rev-parse", "HEAD")
    checkout = tmp_path / "checkout"
    git(tmp_path, "clone", "-q", str(up), str(checkout))
    return up, checkout, base


def pull_request(up: Path, files: dict[str, str], links: dict[str, str] | None = None) -> str:
    git(up, "checkout", "-q", "-b", "contribution")
    for rel, text in files.items():
        (up / rel).parent.mkdir(parents=True, exist_ok=True)
        (up / rel).write_text(text)
    for rel, target in (links or {}).items():
        (up / rel).symlink_to(target)
    git(up, "add", "-A")
    git(up, "commit", "-qm", "contribution")
    head = git(up, "rev-parse", "HEAD")
    git(up, "update-ref", "refs/pull/1/head", head)
    git(up, "checkout", "-q", "main")
    return head


def review(checkout: Path, head: str, base: str, pr: str = "1") -> subprocess.CompletedProcess:
    scratch = checkout.parent / "tmp"
    scratch.mkdir(exist_ok=True)
    result = subprocess.run(
        ["bash", str(SCRIPT), pr, head, base, str(checkout / "diff.json")],
        cwd=checkout,
        capture_output=True,
        text=True,
        env=subprocess_env(PYTHON=sys.executable, TMPDIR=str(scratch)),
    )
    assert list(scratch.iterdir()) == [], "the script removes the pull request's files it unpacked"
    return result


def test_the_verdict_comes_from_the_default_branchs_code_not_the_pull_requests(repos):
    up, checkout, base = repos
    hostile = "raise SystemExit('the pull request code ran')\n"
    head = pull_request(
        up,
        {
            "seeds/001_b.txt": listing(("A Survey of Agents That Use Tools", ABSTRACT)),
            "generator/__init__.py": hostile,
            "generator/diff.py": hostile,
        },
    )
    result = review(checkout, head, base)
    assert result.returncode == 0, result.stderr
    diff = json.loads((checkout / "diff.json").read_text())
    assert [p["title"] for p in diff["added"]] == ["A Survey of Agents That Use Tools"]


def test_a_pull_request_that_moved_on_is_not_reviewed(repos):
    up, checkout, base = repos
    pull_request(up, {"seeds/001_b.txt": listing(("Another Paper", ABSTRACT))})
    result = review(checkout, "f" * 40, base)
    assert result.returncode == 1 and "moved on" in result.stderr


def test_links_in_the_pull_requests_files_are_refused(repos):
    up, checkout, base = repos
    head = pull_request(up, {}, links={"seeds/001_b.txt": "/etc/passwd"})
    result = review(checkout, head, base)
    assert result.returncode == 1 and "links or other non-files" in result.stderr


def test_arguments_are_checked_before_anything_runs(repos):
    _, checkout, base = repos
    assert review(checkout, "HEAD; rm -rf /", base).returncode == 2
    assert review(checkout, "a" * 40, base, pr="1 --upload-pack=x").returncode == 2
