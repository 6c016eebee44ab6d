"""The gh-pages publishing script: main at the root, previews under pr-N/, beside each other."""

from __future__ import annotations

import os
import subprocess

import pytest

from .conftest import ROOT

SCRIPT = ROOT / ".github" / "scripts" / "publish-pages.sh"


@pytest.fixture
def remote(tmp_path):
    bare = tmp_path / "pages.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "gh-pages", str(bare)], check=True)
    return bare


def publish(remote, *args):
    env = dict(os.environ, PAGES_REMOTE=str(remote), GIT_AUTHOR_NAME="t", GIT_COMMITTER_NAME="t")
    return subprocess.run(["bash", str(SCRIPT), *map(str, args)], env=env, capture_output=True, text=True)


def tree(remote) -> set[str]:
    out = subprocess.run(
        ["git", "ls-tree", "-r", "--name-only", "gh-pages"], cwd=remote, capture_output=True, text=True, check=True
    )
    return set(out.stdout.split())


def site(tmp_path, name, files):
    d = tmp_path / name
    d.mkdir()
    for f in files:
        (d / f).write_text(name)
    return d


def test_main_and_previews_share_one_pages_branch(remote, tmp_path):
    assert publish(remote, "main", site(tmp_path, "v1", ["index.html", "old.html"])).returncode == 0
    assert publish(remote, "preview", 7, site(tmp_path, "pr7", ["index.html"])).returncode == 0
    assert publish(remote, "main", site(tmp_path, "v2", ["index.html"])).returncode == 0
    assert tree(remote) == {".nojekyll", "index.html", "pr-7/index.html"}
    assert publish(remote, "remove", 7).returncode == 0
    assert tree(remote) == {".nojekyll", "index.html"}


def test_a_preview_number_must_be_a_number(remote, tmp_path):
    result = publish(remote, "preview", "../x", site(tmp_path, "s", ["index.html"]))
    assert result.returncode == 2 and "not a pull request number" in result.stderr
