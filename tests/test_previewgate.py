"""The preview-publish workflow's decisions: whose preview is published, which comment is ours."""

from __future__ import annotations

import json
import subprocess
import sys

from generator.prcomment import MARKER
from generator.previewgate import bot_comment, pull_request_to_publish

from .conftest import ROOT, subprocess_env

SHA = "a" * 40


def pr(number=5, head=SHA, fork=True, labels=()):
    return {"number": number, "headRefOid": head, "isCrossRepository": fork, "labels": [{"name": n} for n in labels]}


def test_a_branch_of_this_repository_is_published():
    assert pull_request_to_publish([pr(fork=False)], SHA)[0] == 5


def test_a_fork_is_published_only_with_the_label_standing_for_its_latest_commit():
    assert pull_request_to_publish([pr()], SHA)[0] is None
    assert pull_request_to_publish([pr(labels=["other"])], SHA)[0] is None
    assert pull_request_to_publish([pr(labels=["safe-to-preview"])], SHA)[0] == 5
    # A newer push moved the head: the run's commit is not the pull request's any more.
    assert pull_request_to_publish([pr(head="b" * 40, labels=["safe-to-preview"])], SHA)[0] is None


def test_odd_input_publishes_nothing():
    for data in (
        {},
        [pr(number="5", fork=False)],
        [pr(fork=None, labels=[])],
        [pr(fork=False), pr(7, fork=False)],
        [3],
    ):
        assert pull_request_to_publish(data, SHA)[0] is None


def test_only_the_bots_own_marked_comment_is_updated():
    planted = {"id": 1, "body": MARKER + " mine now", "user": {"login": "mallory", "type": "User"}}
    spoofed = {"id": 2, "body": MARKER, "user": {"login": "github-actions[bot]x", "type": "Bot"}}
    ours = {"id": 3, "body": MARKER + "\n### Preview", "user": {"login": "github-actions[bot]", "type": "Bot"}}
    other = {"id": 4, "body": "thanks!", "user": {"login": "github-actions[bot]", "type": "Bot"}}
    assert bot_comment([planted, spoofed, other]) is None
    assert bot_comment([planted, spoofed, other, ours]) == 3


def test_the_command_reads_paginated_output_and_prints_only_the_answer():
    pages = json.dumps([pr(3, head="c" * 40)]) + "\n" + json.dumps([pr(fork=False)])
    result = subprocess.run(
        [sys.executable, "-m", "generator.previewgate", "pr", SHA],
        input=pages,
        capture_output=True,
        text=True,
        env=subprocess_env(),
    )
    assert (result.returncode, result.stdout) == (0, "5\n")
    result = subprocess.run(
        [sys.executable, "-m", "generator.previewgate", "pr", SHA],
        input="{broken",
        capture_output=True,
        text=True,
        env=subprocess_env(),
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr


def test_the_publishing_jobs_python_modules_need_nothing_but_the_standard_library(tmp_path):
    # The job that may write to gh-pages installs no package: these must import without any.
    code = "import sys; sys.path.insert(0, sys.argv[1]); import generator.prcomment, generator.previewgate"
    result = subprocess.run([sys.executable, "-I", "-S", "-c", code, str(ROOT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
