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


def publish(remote, *args, **extra_env):
    env = dict(os.environ, PAGES_REMOTE=str(remote), GIT_AUTHOR_NAME="t", GIT_COMMITTER_NAME="t", **extra_env)
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


def test_a_first_preview_does_not_leave_the_sites_root_a_404(remote, tmp_path):
    assert publish(remote, "preview", 3, site(tmp_path, "pr3", ["index.html"])).returncode == 0
    assert tree(remote) == {".nojekyll", "index.html", "pr-3/index.html"}
    assert publish(remote, "main", site(tmp_path, "v1", ["index.html", "a.html"])).returncode == 0
    assert tree(remote) == {".nojekyll", "index.html", "a.html", "pr-3/index.html"}


def test_a_deploy_sweeps_previews_of_closed_pull_requests(remote, tmp_path):
    for n in (3, 4, 5):
        assert publish(remote, "preview", n, site(tmp_path, f"pr{n}", ["index.html"])).returncode == 0
    result = publish(remote, "main", site(tmp_path, "v1", ["index.html"]), OPEN_PRS="4")
    assert result.returncode == 0, result.stderr
    assert tree(remote) == {".nojekyll", "index.html", "pr-4/index.html"}
    assert "swept pr-3/" in result.stdout and "swept pr-5/" in result.stdout


@pytest.mark.parametrize("kind", ["symlink", "git", "big"])
def test_only_regular_files_of_a_bounded_site_are_published(remote, tmp_path, kind):
    bad = site(tmp_path, "bad", ["index.html"])
    extra = {}
    if kind == "symlink":
        (bad / "secrets.html").symlink_to("/etc/passwd")
    elif kind == "git":
        (bad / "sub" / ".git").mkdir(parents=True)
        (bad / "sub" / ".git" / "config").write_text("[core]\n")
    else:
        (bad / "big.bin").write_bytes(b"\0" * (2 * 2**20))
        extra["MAX_SITE_MB"] = "1"
    result = publish(remote, "preview", 9, bad, **extra)
    assert result.returncode == 3 and "refusing to publish" in result.stderr
    assert subprocess.run(["git", "rev-parse", "--verify", "gh-pages"], cwd=remote, capture_output=True).returncode != 0


def test_a_push_that_lost_a_race_is_retried_from_the_branch_as_it_is_now(remote, tmp_path):
    assert publish(remote, "main", site(tmp_path, "v1", ["index.html"])).returncode == 0
    # A hook that rejects the first push, as a concurrent writer's push would.
    hook = remote / "hooks" / "pre-receive"
    hook.write_text(f'#!/bin/sh\nif [ ! -e "{tmp_path}/raced" ]; then touch "{tmp_path}/raced"; exit 1; fi\n')
    hook.chmod(0o755)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    result = publish(remote, "preview", 8, site(tmp_path, "pr8", ["index.html"]), TMPDIR=str(scratch))
    assert result.returncode == 0, result.stderr
    assert "try 1 of 5" in result.stderr
    assert tree(remote) == {".nojekyll", "index.html", "pr-8/index.html"}
    assert list(scratch.iterdir()) == [], "every try's clone is removed"
