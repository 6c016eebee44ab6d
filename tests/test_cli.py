"""The command line: a summary when all is well, every problem and no traceback when not."""

from __future__ import annotations

from .conftest import ABSTRACT, FIXTURES, ROOT, listing
from .sitebuild import run_cli as run


def test_check_on_the_four_original_listings_prints_the_summary(seed_project):
    result = run("--root", str(seed_project), "check")
    assert result.returncode == 0, result.stderr
    for line in ("listings:        4", "entries:         309", "distinct papers: 261", "papers with no topic: "):
        assert line in result.stdout
    assert "  quantization" in result.stdout


def test_check_reports_every_problem_with_file_and_line_and_no_traceback(project):
    for name in ("not_utf8.txt", "empty_title.txt"):
        (project / "seeds" / name).write_bytes((FIXTURES / "bad" / name).read_bytes())
    result = run("--root", str(project), "check")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{project}/seeds/not_utf8.txt:1: not UTF-8" in result.stderr
    assert f"{project}/seeds/empty_title.txt:5: empty title" in result.stderr
    assert "2 problem(s) found" in result.stderr


def test_build_fails_without_writing_pages_when_input_is_bad(project, tmp_path):
    (project / "seeds" / "000_a.txt").write_text(listing(("A Paper", ABSTRACT)) + "\nLonely Title\n")
    docs = tmp_path / "out"
    result = run("--root", str(project), "build", "--docs", str(docs))
    assert result.returncode == 1
    assert "title has no abstract: 'Lonely Title'" in result.stderr
    assert not docs.exists()


def test_a_missing_seeds_folder_is_an_error_not_a_crash(tmp_path):
    result = run("--root", str(tmp_path), "check")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "listings directory not found" in result.stderr


def test_topics_explains_each_topics_score_with_its_evidence(project):
    (project / "seeds" / "000_a.txt").write_text(
        listing(("Grammar-Aligned Decoding", "Constrained decoding restricts tokens. " + ABSTRACT))
    )
    result = run("--root", str(project), "topics", "grammar-aligned   DECODING")
    assert result.returncode == 0, result.stderr
    assert "topics shown: generation-and-decoding" in result.stdout
    row = next(line for line in result.stdout.splitlines() if line.startswith("generation-and-decoding"))
    assert "yes" in row and "decoding (title" in row and "constrained decoding (opening" in row
    assert "alignment-and-safety" not in result.stdout  # "aligned" there is another sense


def test_topics_for_an_unknown_title_is_a_clear_error(project):
    (project / "seeds" / "000_a.txt").write_text(listing(("A Paper", ABSTRACT)))
    result = run("--root", str(project), "topics", "No Such Paper")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "no paper has this title: 'No Such Paper'" in result.stderr


def test_evaluate_prints_precision_recall_f1_and_first_topic_for_both_modes(seed_project):
    result = run("--root", str(seed_project), "evaluate", str(ROOT / "evaluation" / "labels.yaml"))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "labelled papers: 261, in the catalogue: 261" in out
    for label in ("precision", "recall", "F1", "first topic right", "sharing a labelled topic"):
        assert label in out
    assert "classifier alone" in out and "with curation" in out


def test_check_lists_papers_whose_topics_are_unclear(project):
    (project / "seeds" / "000_a.txt").write_text(listing(("Quantization Study", "We quantize. " + ABSTRACT)))
    result = run("--root", str(project), "check")
    assert "papers whose topics are unclear (look, then curate or leave): 1" in result.stdout
    assert "  Quantization Study  (000_a.txt:1): quantization" in result.stdout
