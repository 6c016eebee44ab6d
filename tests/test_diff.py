"""`generator diff`: what a pull request adds, changes and removes, for the preview comment."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from generator.prcomment import MARKER, MAX_CHARS, render

from .conftest import ABSTRACT, listing, subprocess_env

A = ("Post-Training Quantization of Large Models", ABSTRACT)
B = ("A Survey of Agents That Use Tools", ABSTRACT + " Agents.")
C = ("Retrieval-Augmented Generation at Scale", ABSTRACT + " Retrieval.")


def git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def repo(project):
    git(project, "init", "-q", "-b", "main")
    git(project, "config", "user.email", "t@example.invalid")
    git(project, "config", "user.name", "Test")
    (project / "seeds" / "000_a.txt").write_text(listing(A, B, date="Mar 1"))
    (project / "seeds" / "001_b.txt").write_text(listing(C, date="Mar 2"))
    git(project, "add", "-A")
    git(project, "commit", "-qm", "base")
    return project


def diff(project, base="HEAD"):
    result = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(project), "diff", base, "--format", "json"],
        capture_output=True,
        text=True,
        env=subprocess_env(),
    )
    assert result.returncode == 0, result.stderr
    changes = json.loads(result.stdout)
    return {k: [(e["title"], *e.get("fields", [])) for e in v] for k, v in changes.items()}


def test_no_change_is_an_empty_diff(repo):
    assert diff(repo) == {"added": [], "changed": [], "removed": []}


def test_an_added_paper_is_listed_as_added(repo):
    D = ("Speculative Decoding for Faster Inference", ABSTRACT + " Decoding.")
    (repo / "seeds" / "002_c.txt").write_text(listing(D))
    assert diff(repo) == {"added": [(D[0],)], "changed": [], "removed": []}


def test_an_edited_abstract_is_a_change_naming_the_field(repo):
    (repo / "seeds" / "001_b.txt").write_text(listing((C[0], C[1] + " Edited.")))
    assert diff(repo) == {"added": [], "changed": [(C[0], "abstract")], "removed": []}


def test_a_deleted_entry_is_a_removal(repo):
    (repo / "seeds" / "000_a.txt").write_text(listing(A))
    assert diff(repo) == {"added": [], "changed": [], "removed": [(B[0],)]}


def test_renaming_a_listing_file_changes_no_paper(repo):
    (repo / "seeds" / "001_b.txt").rename(repo / "001_renamed.txt")
    (repo / "001_renamed.txt").rename(repo / "seeds" / "001_renamed.txt")
    assert diff(repo) == {"added": [], "changed": [], "removed": []}


def test_a_paper_moving_between_listings_is_not_a_change(repo):
    (repo / "seeds" / "000_a.txt").write_text(listing(A))
    (repo / "seeds" / "001_b.txt").write_text(listing(C, B))
    assert diff(repo) == {"added": [], "changed": [], "removed": []}


def test_curation_changes_show_as_changed_fields(repo):
    (repo / "data" / "curation.yaml").write_text(
        f"papers:\n  - title: {A[0]}\n    note: Read first.\n    links: {{arxiv: '2401.01234'}}\n"
    )
    assert diff(repo) == {"added": [], "changed": [(A[0], "arxiv", "note")], "removed": []}


def test_base_may_be_a_folder_of_listings(repo, tmp_path):
    old = tmp_path / "old"
    old.mkdir()
    (old / "000_a.txt").write_text(listing(A))
    assert diff(repo, str(old)) == {"added": [(B[0],), (C[0],)], "changed": [], "removed": []}


def test_an_unknown_revision_is_a_clear_error(repo):
    result = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(repo), "diff", "no-such-rev"],
        capture_output=True,
        text=True,
        env=subprocess_env(),
    )
    assert result.returncode == 1
    assert "cannot read seeds/ and data/ at this git revision" in result.stderr and "Traceback" not in result.stderr


def test_the_comment_links_each_paper_to_its_preview_page_and_shows_titles_literally():
    hostile = "@everyone @octocat #42 GH-7 abc1234 <img src=x> [a](b) **T** `tick`"
    changes = {
        "added": [{"slug": "x--1234abcd", "title": hostile, "url": "papers/x--1234abcd.html"}],
        "changed": [{"slug": "y", "title": "Y", "url": "papers/y.html", "fields": ["abstract", "<b>"]}],
        "removed": [{"slug": "z", "title": "Evil\u202etxt.exe", "url": "papers/z.html"}],
    }
    text = render(changes, "https://owner.github.io/repo/pr-7/")
    assert text.startswith(MARKER)
    # A code span: GitHub links no mention, issue or commit in it, and renders no markup.
    assert f"- [`` {hostile} ``](https://owner.github.io/repo/pr-7/papers/x--1234abcd.html)" in text
    assert "- [`Y`](https://owner.github.io/repo/pr-7/papers/y.html) (abstract)" in text
    assert "- `Evil\\u202etxt.exe`\n" in text  # no link for a removed paper; the bidi control shown
    assert "\u202e" not in text and "<b>" not in text


def test_a_slug_that_is_not_a_slug_is_not_linked():
    text = render({"added": [{"slug": "../../evil", "title": "T"}]}, "https://h/pr-1/")
    assert "evil" not in text and "- `T`" in text


def test_an_added_papers_topics_come_with_their_evidence_for_the_reviewer(repo):
    title = "Speculative Decoding for Faster Inference"
    (repo / "seeds" / "002_c.txt").write_text(listing((title, "We use speculative decoding. " + ABSTRACT)))
    result = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(repo), "diff", "HEAD", "--format", "json"],
        capture_output=True,
        text=True,
        env=subprocess_env(),
    )
    [added] = json.loads(result.stdout)["added"]
    first = added["topics"][0]
    assert first["id"] == "compression-and-efficiency"
    assert "speculative decoding (title)" in first["evidence"]
    assert added["curated"] is False and isinstance(added["unclear"], bool)
    text = render(json.loads(result.stdout), "https://h/pr-3/")
    assert "`compression-and-efficiency` (`speculative decoding (title)`" in text


def test_topic_evidence_in_the_comment_is_shown_literally_and_bad_ids_are_dropped():
    item = {
        "slug": "t",
        "title": "T",
        "unclear": True,
        "topics": [
            {"id": "quantization", "evidence": ["@octocat <b>x</b> (title)"]},
            {"id": "<script>", "evidence": []},
        ],
    }
    text = render({"added": [item]}, "https://h/pr-1/")
    line = next(x for x in text.splitlines() if x.startswith("  - topics"))
    assert "unclear: please check" in line and "`quantization`" in line
    assert "`@octocat <b>x</b> (title)`" in line and "script" not in line
    assert "topics: none found" in render({"added": [{"slug": "t", "title": "T", "topics": []}]}, "")


def test_a_comment_stays_within_githubs_limit_in_characters_however_long_the_titles():
    title = "<" * 290 + " &#64;x"
    added = [{"slug": f"p--{n:08x}", "title": f"{title} {n}", "topics": []} for n in range(400)]
    text = render({"added": added}, "https://h/pr-2/")
    assert len(text) <= MAX_CHARS + 500 < 65_536
    assert "more papers, not listed to keep this comment within GitHub's limit" in text
    assert "https://h/pr-2/az/index.html" in text
    listed = text.count("](https://h/pr-2/papers/")
    assert 0 < listed < 400 and f"… and {400 - listed} more papers" in text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ('{"added": [1]}', "added[0] must be an object"),
        ('{"changed": [{"slug": "a", "title": "A", "fields": 5}]}', "changed[0].fields must be a list"),
        ('{"added": "x"}', "'added' must be a list"),
        ('{"removed": [{"slug": 3, "title": "A"}]}', "removed[0].slug must be text"),
        ('{"added": [{"slug": "a", "title": "A", "topics": ["x"]}]}', "added[0].topics must be a list"),
        ("[1, 2]", "must be a JSON object"),
        ("{not json", "not a usable diff"),
    ],
)
def test_a_malformed_diff_file_is_a_clear_error_not_a_traceback(tmp_path, data, message):
    path = tmp_path / "diff.json"
    path.write_text(data)
    result = subprocess.run(
        [sys.executable, "-m", "generator.prcomment", str(path), "https://h/pr-1/"],
        capture_output=True,
        text=True,
        env=subprocess_env(),
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert message in result.stderr and "not a usable diff" in result.stderr
