"""The writer owns only what it wrote: a maintainer's files in docs/ survive every build."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator import writer
from generator.build import build_docs, default_sources
from generator.render import SiteSettings
from generator.writer import JOURNAL, MANIFEST, OutputError, write_files

from .conftest import ABSTRACT, listing
from .sitebuild import run_cli

PAGE = "papers/a.md"


def build(project: Path) -> writer.WriteReport:
    return build_docs(default_sources(project), project / "docs", SiteSettings())


def add(project: Path, *titles: str) -> None:
    (project / "seeds" / "000_a.txt").write_text(listing(*[(t, ABSTRACT) for t in titles]))


def test_a_maintainers_own_files_survive_every_build(project):
    add(project, "First Paper", "Second Paper")
    docs = project / "docs"
    own = {"about.md": "# About\n", "assets/custom.css": "body {}\n", "papers/notes.md": "mine\n", ".gitignore": "*\n"}
    for rel, text in own.items():
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text(text)
    build(project)
    add(project, "First Paper")  # the second paper's page is now stale
    report = build(project)
    assert report.deleted == ["az/s.md", "papers/second-paper.md"]
    assert {rel: (docs / rel).read_text() for rel in own} == own
    assert "about.md" not in (docs / MANIFEST).read_text().split()


def test_the_output_folder_may_not_hold_the_project(tmp_path, project):
    add(project, "First Paper")
    before = sorted(p for p in project.rglob("*"))
    for docs in (project, project / "seeds", project / "data" / "out"):
        result = run_cli("--root", str(project), "build", "--docs", str(docs))
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert "output folder" in result.stderr, result.stderr
    assert sorted(p for p in project.rglob("*")) == before
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    result = run_cli("--root", str(project), "build", "--docs", str(tmp_path / "repo"))
    assert result.returncode == 1 and "holds .git" in result.stderr


def test_a_file_the_generator_did_not_write_is_never_replaced(project):
    add(project, "First Paper")
    page = project / "docs" / "index.md"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text("my own home page\n")
    with pytest.raises(OutputError, match=r"1 file\(s\) stand where generated pages go.*index\.md"):
        build(project)
    assert page.read_text() == "my own home page\n"
    assert (project / "docs" / "papers" / "first-paper.md").is_file()  # the rest was written


def test_an_unchanged_build_rewrites_nothing(project):
    add(project, "First Paper")
    build(project)
    files = [p for p in (project / "docs").rglob("*") if p.is_file()]
    stamps = {p: p.stat().st_mtime_ns for p in files}
    report = build(project)
    assert report.written == [] and report.deleted == []
    assert {p: p.stat().st_mtime_ns for p in files} == stamps


def test_a_killed_build_leaves_no_half_page_and_the_next_build_completes_it(tmp_path):
    docs = tmp_path / "docs"

    def files(kill_after: int | None):
        for n in range(4):
            if n == kill_after:
                raise KeyboardInterrupt
            yield f"papers/{n}.md", f"page {n}\n"

    with pytest.raises(KeyboardInterrupt):
        write_files(files(kill_after=2), docs)
    assert (docs / JOURNAL).is_file()
    # Written files are whole; the unwritten ones are absent, never partial.
    assert sorted(p.name for p in (docs / "papers").iterdir()) == ["0.md", "1.md"]
    report = write_files(files(kill_after=None), docs)
    assert report.written == ["papers/2.md", "papers/3.md"]
    assert not (docs / JOURNAL).exists()
    assert not [p for p in docs.rglob(".generator-tmp-*")]
    assert (docs / MANIFEST).read_text().split() == [f"papers/{n}.md" for n in range(4)]


def test_one_name_written_twice_is_an_error(tmp_path):
    with pytest.raises(OutputError, match="two generated pages"):
        write_files([(PAGE, "a"), (PAGE, "b")], tmp_path / "docs")


def test_the_writer_writes_only_names_the_site_owns(tmp_path):
    for rel in ("about.md", "../escape.md", "papers/.hidden.md", "/etc/x"):
        with pytest.raises(ValueError):
            write_files([(rel, "x")], tmp_path / "docs")


def test_a_failed_write_is_a_clear_error_not_a_traceback(project):
    add(project, "First Paper")
    (project / "docs").mkdir()
    (project / "docs" / "papers").write_text("a file where a folder must be\n")
    result = run_cli("--root", str(project), "build")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "error: cannot write" in result.stderr


def test_a_link_in_docs_is_never_followed(tmp_path):
    docs, outside = tmp_path / "docs", tmp_path / "outside.md"
    outside.write_text("keep\n")
    write_files([(PAGE, "one\n")], docs)
    (docs / PAGE).unlink()
    os.symlink(outside, docs / PAGE)
    write_files([(PAGE, "two\n")], docs)
    assert outside.read_text() == "keep\n"
    assert not (docs / PAGE).is_symlink() and (docs / PAGE).read_text() == "two\n"


def test_a_page_is_replaced_whole_or_not_at_all(tmp_path, monkeypatch):
    docs = tmp_path / "docs"
    write_files([(PAGE, "first version\n")], docs)

    def fail(*_):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer.os, "replace", fail)
    with pytest.raises(OutputError, match="No space left on device"):
        write_files([(PAGE, "second version\n")], docs)
    assert (docs / PAGE).read_text() == "first version\n"


def test_a_broken_generated_page_header_fails_the_build_with_its_name(monkeypatch):
    from types import SimpleNamespace

    from mkdocs.exceptions import PluginError

    from generator import mkdocs_hooks
    from generator.mkdocs_hooks import _body, _read_generated

    # The header as the generator saw it (MkDocs does not open the page for it) ...
    for header in ("{broken", '{"title": "x"}', "[]"):
        monkeypatch.setattr(mkdocs_hooks._LastRun, "pages", {"papers/x.md": header})
        page = SimpleNamespace(file=SimpleNamespace(src_uri="papers/x.md"))
        with pytest.raises(PluginError, match="papers/x.md: the generated page's header is broken"):
            _read_generated(page, None)
    # ... and the page as it is on disk when its body is read.
    for text in ("no header at all", "---\n{}"):
        page = SimpleNamespace(file=SimpleNamespace(content_string=text, src_uri="papers/x.md"))
        with pytest.raises(PluginError, match="papers/x.md: the generated page's header is broken"):
            _body(page)
    page = SimpleNamespace(file=SimpleNamespace(content_string='---\n{"a": 1}\n---\n\n<p>x</p>', src_uri="p.md"))
    assert _body(page) == "\n<p>x</p>"


def test_every_link_a_generated_page_writes_must_reach_a_page(tmp_path):
    from generator.build import _check_links

    (tmp_path / "about.md").write_text("mine\n")
    names = frozenset({"index.md", "papers/a.md", "papers.json"})
    _check_links({"papers/a.html": "index.md", "about.html": "index.md", "papers.json": "index.md"}, names, tmp_path)
    with pytest.raises(OutputError, match=r"index\.md: links to papers/b\.html, which no page provides"):
        _check_links({"papers/b.html": "index.md"}, names, tmp_path)


def test_a_file_written_in_pieces_is_written_compared_and_owned_as_a_whole_one_is(tmp_path):
    # papers.json comes in pieces, so 100,000 papers' worth is never held twice in memory.
    docs, name = tmp_path / "docs", "papers.json"

    def pieces(*texts: str):
        yield from texts

    assert write_files([(name, pieces("[1,", "2]\n"))], docs).written == [name]
    assert (docs / name).read_text() == "[1,2]\n"
    stamp = (docs / name).stat().st_mtime_ns
    assert write_files([(name, pieces("[1", ",2]\n"))], docs).written == []  # same bytes, cut elsewhere
    assert (docs / name).stat().st_mtime_ns == stamp
    for text in ("[1,2]\n\n", "[1,2]", "[1,3]\n"):  # longer, shorter, different
        assert write_files([(name, pieces(text))], docs).written == [name]
        assert (docs / name).read_text() == text
    assert not [p for p in docs.rglob(".generator-tmp-*")]

    own = tmp_path / "own"
    (own / name).parent.mkdir(parents=True)
    (own / name).write_text("mine\n")
    with pytest.raises(OutputError, match="not written by the generator"):
        write_files([(name, pieces("[]\n"))], own)
    assert (own / name).read_text() == "mine\n"


def test_a_build_killed_while_writing_pieces_leaves_no_half_file_and_knows_it_is_its_own(tmp_path):
    docs, name = tmp_path / "docs", "papers.json"

    def pieces():
        yield "[1,"
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_files([(name, pieces())], docs)
    assert not (docs / name).exists()
    assert (docs / JOURNAL).read_text().split() == [name]
    assert write_files([(name, iter(["[]\n"]))], docs).written == [name]
    assert not [p for p in docs.rglob(".generator-tmp-*")]


def test_pieces_and_whole_contents_meet_a_file_already_there_alike(tmp_path):
    # An unrecorded file with the generator's very bytes is left and adopted; one with other
    # bytes is a conflict: the same whichever way the content comes.
    for text, conflict in (("[1,2]\n", False), ("mine\n", True)):
        outcomes = []
        for how, content in (("whole", "[1,2]\n"), ("pieces", iter(["[1,", "2]\n"]))):
            docs = tmp_path / f"{how}-{conflict}"
            docs.mkdir()
            (docs / "papers.json").write_text(text)
            try:
                outcomes.append(write_files([("papers.json", content)], docs).written)
            except OutputError:
                outcomes.append("conflict")
            assert (docs / "papers.json").read_text() == text
        assert outcomes == (["conflict"] * 2 if conflict else [[], []])
