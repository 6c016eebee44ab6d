"""Importing real metadata: a saved Hugging Face daily-papers response and a table of arXiv ids.
Imported papers are validated like hand-written ones, and a failed import writes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator import catalogue as cat
from generator.build import build_docs, default_sources
from generator.importer import import_arxiv_ids, import_daily_papers
from generator.problems import InputError
from generator.render import SiteSettings

from .conftest import ABSTRACT, FIXTURES, listing
from .sitebuild import run_cli

DAILY = FIXTURES / "import" / "2026-11-20.json"


def item(arxiv: str, title: str, summary: str = ABSTRACT, **paper) -> dict:
    """One item as the API documents it: the paper's fields under "paper"."""
    return {"paper": {"id": arxiv, "title": title, "summary": summary, **paper}, "publishedAt": "2026-11-20T08:00:00Z"}


def save(tmp_path: Path, items: object, name: str = "2026-11-21.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(items))
    return path


def snapshot(project: Path) -> dict[str, bytes]:
    return {p.relative_to(project).as_posix(): p.read_bytes() for p in sorted(project.rglob("*")) if p.is_file()}


@pytest.fixture
def listed(project: Path) -> Path:
    (project / "seeds" / "000_first.txt").write_text(listing(("Known Paper", ABSTRACT), date="Mar 18"))
    return project


def test_a_daily_papers_response_becomes_a_listing_and_metadata_with_every_paper(listed):
    sources = default_sources(listed)
    result = import_daily_papers(DAILY, sources)
    names = [p.relative_to(listed).as_posix() for p in result.written]
    assert names == ["seeds/001_hf-daily-2026-11-20.txt", "data/metadata/001_hf-daily-2026-11-20.yaml"]
    text = (listed / names[0]).read_text()
    assert text.startswith("Nov 20\n\nSpeculative Decoding with Draft Trees for Faster Inference\n\n")

    c = cat.load(sources)
    new = [p for p in c.papers if any(a.listing == "001_hf-daily-2026-11-20.txt" for a in p.appearances)]
    assert len(new) == 3  # every item of the response
    draft = c.find("Speculative Decoding with Draft Trees for Faster Inference")
    assert draft.authors == ("Ada Lovelace", "Alan Turing")  # spacing as a reader expects
    assert (draft.arxiv, draft.published) == ("2411.01234", "2026-11-19")
    assert (draft.code, draft.project) == ("https://github.com/example/draft-trees", "https://example.org/draft-trees")
    injected = c.find("A Benchmark of <script>alert(1)</script> Prompt Injection in Agents")
    assert injected.code is None  # http:// is left out, and the import said so
    assert any("githubRepo" in note and "left out" in note for note in result.notes)
    bare = c.find("Scaling Laws Without Authors Listed")
    assert (bare.authors, bare.published, bare.citable) == ((), None, False)  # nothing invented


def test_imported_metadata_reaches_the_page_and_papers_json_and_citations_need_authors_and_a_date(listed):
    import_daily_papers(DAILY, default_sources(listed))
    build_docs(default_sources(listed), listed / "docs", SiteSettings())
    page = (listed / "docs" / "papers" / "speculative-decoding-with-draft-trees-for-faster-inference.md").read_text()
    head = json.loads(page.split("\n")[1])["generated"]["head"]
    assert head.split("\n") == [
        '<meta name="citation_title" content="Speculative Decoding with Draft Trees for Faster Inference">',
        '<meta name="citation_author" content="Ada Lovelace">',
        '<meta name="citation_author" content="Alan Turing">',
        '<meta name="citation_publication_date" content="2026/11/19">',
        '<meta name="citation_arxiv_id" content="2411.01234">',
        '<meta name="citation_pdf_url" content="https://arxiv.org/pdf/2411.01234">',
    ]
    assert "Ada Lovelace, Alan Turing<br>Published 2026-11-19" in page
    bare = (listed / "docs" / "papers" / "scaling-laws-without-authors-listed.md").read_text()
    assert "citation" not in bare.split("\n")[1]
    assert "https://arxiv.org/abs/2411.09999" in bare  # the id alone still links the source
    records = {r["title"]: r for r in json.loads((listed / "docs" / "papers.json").read_text())["papers"]}
    assert records["Speculative Decoding with Draft Trees for Faster Inference"]["authors"] == [
        "Ada Lovelace",
        "Alan Turing",
    ]
    assert records["Known Paper"]["authors"] == [] and records["Known Paper"]["published"] is None


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", ":1: not valid JSON"),
        ('{"papers": []}', "expected a list of daily papers"),
        ("[]", "holds no papers"),
        (json.dumps([{"title": "no paper object"}]), "item 1: is not an object with a 'paper' object"),
        (json.dumps([item("24.1", "A Title")]), "item 1 (24.1): paper.id '24.1' is not an arXiv id"),
        (json.dumps([item("2411.00001", " \n ")]), "paper.title is missing or empty"),
        (json.dumps([item("2411.00001", "A Title", summary="")]), "paper.summary (the abstract) is missing"),
        (json.dumps([item("2411.00001", "A Title", authors=["Ada"])]), "authors must be a list of objects"),
        (json.dumps([item("2411.00001", "A Title"), item("2411.00002", "a  title")]), "item 2 (2411.00002): the same"),
        (json.dumps([item("2411.00001", "Known Paper", summary="Another text. " + ABSTRACT)]), "different abstracts"),
        (json.dumps([item("2411.00001", "A Title", authors=[{"name": "Bad\u0007Name"}])]), "control character"),
    ],
)
def test_a_bad_response_is_reported_clearly_and_nothing_is_written(listed, tmp_path, content, expected):
    path = tmp_path / "2026-11-21.json"
    path.write_text(content)
    before = snapshot(listed)
    result = run_cli("--root", str(listed), "import", str(path))
    assert result.returncode == 1, result.stdout
    assert expected in result.stderr
    assert "Traceback" not in result.stderr and "nothing was imported" in result.stderr
    assert snapshot(listed) == before


def test_the_listing_day_comes_from_the_option_the_file_name_or_the_items(listed, tmp_path):
    sources = default_sources(listed)
    with pytest.raises(InputError, match="--date 2026-02-29 is not a date"):
        import_daily_papers(save(tmp_path, [item("2411.00001", "First Title")], "x.json"), sources, "2026-02-29")
    import_daily_papers(save(tmp_path, [item("2411.00001", "First Title")], "x.json"), sources, "2026-02-28")
    assert (listed / "seeds" / "001_hf-daily-2026-02-28.txt").read_text().startswith("Feb 28\n")
    import_daily_papers(save(tmp_path, [item("2411.00002", "Second Title")], "2026-03-01.json"), sources)
    assert (listed / "seeds" / "002_hf-daily-2026-03-01.txt").read_text().startswith("Mar 1\n")
    import_daily_papers(save(tmp_path, [item("2411.00003", "Third Title")], "saved.json"), sources)
    assert (listed / "seeds" / "003_hf-daily-2026-11-20.txt").read_text().startswith("Nov 20\n")
    with pytest.raises(InputError, match="was imported already"):
        import_daily_papers(save(tmp_path, [item("2411.00004", "Fourth Title")], "2026-11-20.json"), sources)


def test_a_table_of_arxiv_ids_adds_ids_to_listed_papers_and_says_what_it_did(listed, tmp_path):
    table = tmp_path / "ids.tsv"
    table.write_text("arxiv\ttitle\n# a comment\n\n2401.01234\tknown   PAPER\n")
    result = import_arxiv_ids(table, default_sources(listed))
    assert result.notes == ["1 id(s) added, 0 already known"]
    assert cat.load(default_sources(listed)).find("Known Paper").arxiv == "2401.01234"
    again = import_arxiv_ids(table, default_sources(listed))  # running it twice changes nothing
    assert (again.notes, again.written) == (["0 id(s) added, 1 already known"], [])


def test_a_bad_table_names_each_line_and_changes_nothing(listed, tmp_path):
    (listed / "data" / "metadata").mkdir()
    (listed / "data" / "metadata" / "arxiv-ids.yaml").write_text(
        "papers:\n- {title: Known Paper, arxiv: '2401.01234'}\n"
    )
    table = tmp_path / "ids.tsv"
    table.write_text("2401.99999\tKnown Paper\nnot-an-id\tKnown Paper\n2401.00001\tNo Such Paper\n2401.00002\n")
    before = snapshot(listed)
    result = run_cli("--root", str(listed), "import", str(table))
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert lines == [
        f"error: {table}:1: 'Known Paper' already has arXiv id 2401.01234",
        f"error: {table}:2: 'not-an-id' is not an arXiv id such as 2401.01234",
        f"error: {table}:3: no paper has this title: 'No Such Paper'",
        f"error: {table}:4: expected an arXiv id, a tab and a title; found 1 field(s)",
    ]
    assert snapshot(listed) == before


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ("{title: Known Paper, arxiv: '1'}", "'1' is not an arXiv id"),
        ("{title: Known Paper, published: 2024-13-01}", "is not a date such as 2024-11-05"),
        ("{title: Known Paper, authors: Ada}", "authors must be a list of names"),
        ("{title: Known Paper, code: 'http://x.org'}", "code must be an address starting with https://"),
        ("{title: Known Paper, doi: '10.1/x'}", "unknown key 'doi'"),
        ("{title: Known Paper}", "no metadata for 'Known Paper'"),
        ("{title: Unknown Paper, arxiv: '2401.01234'}", "no paper has this title: 'Unknown Paper'"),
    ],
)
def test_every_metadata_problem_names_its_file_and_line(listed, record, expected):
    folder = listed / "data" / "metadata"
    folder.mkdir()
    (folder / "a.yaml").write_text(f"# imported\npapers:\n- {record}\n")
    with pytest.raises(InputError) as e:
        cat.load(default_sources(listed))
    assert [(p.path, p.line) for p in e.value.problems] == [(str(folder / "a.yaml"), 3)]
    assert expected in e.value.problems[0].message


def test_two_sources_that_disagree_about_a_paper_are_an_error_not_a_choice(listed):
    (listed / "seeds" / "001_second.txt").write_text(listing(("Other Paper", ABSTRACT)))
    folder = listed / "data" / "metadata"
    folder.mkdir()
    (folder / "a.yaml").write_text("papers:\n- {title: Known Paper, arxiv: '2401.01234', authors: [Ada]}\n")
    (folder / "b.yaml").write_text("papers:\n- {title: known paper, published: 2024-01-02}\n")
    merged = cat.load(default_sources(listed)).find("Known Paper")
    assert (merged.arxiv, merged.authors, merged.published) == ("2401.01234", ("Ada",), "2024-01-02")

    (folder / "b.yaml").write_text("papers:\n- {title: Known Paper, authors: [Grace]}\n")
    with pytest.raises(InputError, match="authors differs from"):
        cat.load(default_sources(listed))
    (folder / "b.yaml").write_text("papers:\n- {title: Other Paper, arxiv: '2401.01234v2'}\n")
    with pytest.raises(InputError, match="arXiv id 2401.01234v2 is also given to 'Known Paper'"):
        cat.load(default_sources(listed))
    (folder / "b.yaml").unlink()
    (listed / "data" / "curation.yaml").write_text("papers:\n- {title: Known Paper, links: {arxiv: '2401.09999'}}\n")
    with pytest.raises(InputError, match="arxiv '2401.09999' differs from '2401.01234'"):
        cat.load(default_sources(listed))


def test_an_import_that_would_not_sort_last_is_refused(project, tmp_path):
    (project / "seeds" / "march.txt").write_text(listing(("Known Paper", ABSTRACT)))
    with pytest.raises(InputError, match="would not sort after march.txt"):
        import_daily_papers(save(tmp_path, [item("2411.00001", "A Title")]), default_sources(project))
    assert sorted(p.name for p in (project / "seeds").iterdir()) == ["march.txt"]
