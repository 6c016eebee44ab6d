"""The listing reader: what maintainers write is read exactly, and mistakes are named by line."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from generator.listings import parse_date, parse_listing, read_listings

from .conftest import FIXTURES, ROOT, SEED_FIXTURE

# fixture file -> the (line, message fragment) pairs it must report, and nothing else
BAD = {
    "title_without_abstract_at_end.txt": [(5, "title has no abstract: 'Second Paper'")],
    "title_without_abstract_before_next.txt": [(1, "title has no abstract: 'First Paper'")],
    "empty_title.txt": [(5, "empty title")],
    "not_utf8.txt": [(1, "not UTF-8 text (byte 0xe9)")],
    "invalid_date.txt": [(1, "not a valid date: 'Feb 30'")],
    "date_in_the_middle.txt": [(5, "'Mar 18' belongs at the top of the listing")],
    "abstract_without_title.txt": [(1, "stands where a title should be"), (3, "stands where a title should be")],
    "title_on_two_lines.txt": [(1, "a title spans several lines")],
    "control_character.txt": [(3, "control character U+0007")],
    "no_papers.txt": [(1, "listing holds no papers")],
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_malformed_listing_is_reported_with_file_and_line(name):
    path = FIXTURES / "bad" / name
    _, problems = parse_listing(path.read_bytes(), str(path))
    assert [(p.line, p.path) for p in problems] == [(line, str(path)) for line, _ in BAD[name]]
    for problem, (_, fragment) in zip(problems, BAD[name], strict=True):
        assert fragment in problem.message


def test_every_bad_fixture_has_an_expectation():
    assert sorted(p.name for p in (FIXTURES / "bad").iterdir()) == sorted(BAD)


def test_all_problems_of_a_run_are_reported_not_only_the_first(tmp_path):
    for name in ("title_without_abstract_at_end.txt", "empty_title.txt", "invalid_date.txt"):
        (tmp_path / name).write_bytes((FIXTURES / "bad" / name).read_bytes())
    _, problems = read_listings(tmp_path)
    assert {p.path.rsplit("/", 1)[1] for p in problems} == {
        "title_without_abstract_at_end.txt",
        "empty_title.txt",
        "invalid_date.txt",
    }


def test_crlf_bom_trailing_spaces_blank_runs_and_wrapped_abstracts_are_read():
    path = FIXTURES / "good" / "handwritten_crlf_bom.txt"
    listing, problems = parse_listing(path.read_bytes(), str(path))
    assert problems == []
    assert listing.date is None
    assert [(e.title, e.line) for e in listing.entries] == [("A Hand-Written Paper", 1), ("Second Paper", 9)]
    assert listing.entries[0].abstract == "We study a thing. The abstract wraps over lines."


def test_chrome_is_skipped_and_the_date_kept_as_written():
    path = FIXTURES / "good" / "with_chrome_and_date.txt"
    listing, problems = parse_listing(path.read_bytes(), str(path))
    assert problems == []
    assert listing.date == "Mar 18"
    assert listing.date_key == (3, 18)
    assert [e.title for e in listing.entries] == ["A Paper"]
    assert listing.entries[0].line == 11


def test_a_file_that_is_not_a_listing_is_reported_rather_than_ignored(tmp_path):
    (tmp_path / "000_a.txt").write_bytes((FIXTURES / "good" / "with_chrome_and_date.txt").read_bytes())
    (tmp_path / "001_b.md").write_text("A Paper\n\nAn abstract.\n")
    _, problems = read_listings(tmp_path)
    assert len(problems) == 1 and "not a listing" in problems[0].message


def test_the_four_original_listings_hold_309_entries_with_their_dates():
    listings, problems = read_listings(SEED_FIXTURE)
    assert problems == []
    assert sum(len(lst.entries) for lst in listings) == 309
    assert [lst.date for lst in listings] == ["Mar 18", "Mar 12", "Jun 6", "Mar 11"]


def test_the_fixture_holds_the_shared_listings_unchanged():
    shared = ROOT.parent / "shared" / "seeds"
    if not shared.is_dir():
        pytest.skip("shared/ is not beside this checkout")
    assert sorted(p.name for p in SEED_FIXTURE.iterdir()) == sorted(p.name for p in shared.iterdir())
    for path in shared.iterdir():
        assert (SEED_FIXTURE / path.name).read_bytes() == path.read_bytes()


def test_every_listing_in_seeds_is_valid():
    # Whatever maintainers add: the real listings read without a problem.
    listings, problems = read_listings(ROOT / "seeds")
    assert problems == [] and listings


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Mar 18", (3, 18)), ("Feb 29", (2, 29)), ("September 1", (9, 1)), ("Dec. 31", (12, 31))]
    + [(bad, None) for bad in ("Mar 0", "Feb 30", "Apr 31", "Mar 32", "Foo 3", "Llama 3")],
)
def test_dates_are_real_calendar_days(text, expected):
    assert parse_date(text) == expected


def test_an_impossible_date_line_is_reported_with_its_line(tmp_path):
    path = tmp_path / "000_a.txt"
    path.write_text("Mar 0\n\nA Paper\n\n" + "An abstract that is long enough. " * 12 + "\n")
    _, problems = parse_listing(path.read_bytes(), str(path))
    assert [(p.line, p.message) for p in problems] == [(1, "not a valid date: 'Mar 0'")]


def test_a_title_that_looks_like_a_month_and_a_number_is_a_title(tmp_path):
    path = tmp_path / "000_a.txt"
    abstract = "An abstract that is long enough to read as one. " * 8
    path.write_text(f"Mar 18\n\nLlama 3\n\n{abstract}\n\nMay the Best Model Win\n\n{abstract}\n")
    listing, problems = parse_listing(path.read_bytes(), str(path))
    assert problems == []
    assert [e.title for e in listing.entries] == ["Llama 3", "May the Best Model Win"]


def test_a_missing_short_abstract_is_reported_not_paired_with_the_next_title(tmp_path):
    path = tmp_path / "000_a.txt"
    path.write_text(
        "A First Paper\n\nWe do one thing.\n\n"
        "A Second Paper Whose Abstract Went Missing\n\n"
        "A Third Paper\n\nWe do a third thing.\n"
    )
    listing, problems = parse_listing(path.read_bytes(), str(path))
    assert [(p.line, p.message) for p in problems] == [
        (5, "title has no abstract: 'A Second Paper Whose Abstract Went Missing'")
    ]
    assert [(e.title, e.abstract) for e in listing.entries] == [
        ("A First Paper", "We do one thing."),
        ("A Third Paper", "We do a third thing."),
    ]


def test_a_megabyte_abstract_is_reported_as_suspicious(tmp_path):
    path = tmp_path / "000_a.txt"
    path.write_text("A Paper\n\n" + "word " * 200_000 + "\n")
    _, problems = parse_listing(path.read_bytes(), str(path))
    assert [p.line for p in problems] == [3] and "longer than any real one" in problems[0].message


def test_utf16_is_one_clear_problem(tmp_path):
    path = tmp_path / "000_a.txt"
    path.write_bytes("A Paper\n\nAn abstract.\n".encode("utf-16-le"))
    _, problems = parse_listing(path.read_bytes(), str(path))
    assert [(p.line, p.message) for p in problems] == [
        (1, "NUL bytes: the file looks like UTF-16 or binary; save the listing as UTF-8")
    ]


def test_control_characters_cost_linear_time_and_name_their_lines(tmp_path):
    import signal

    path = tmp_path / "000_a.txt"
    text = "A Paper\n\n" + "\x01\n" * 200_000
    path.write_text(text)
    # A guard, not a benchmark: the linear reader takes well under a second; the old quadratic
    # one took minutes on this input.
    signal.signal(signal.SIGALRM, lambda *_: pytest.fail("reading took over 30 s: not linear"))
    signal.alarm(30)
    try:
        _, problems = parse_listing(path.read_bytes(), str(path))
    finally:
        signal.alarm(0)
    control = [p for p in problems if "control character" in p.message]
    assert [p.line for p in control[:3]] == [3, 4, 5] and len(control) == 200_000


def test_a_listing_that_is_a_symbolic_link_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("A Secret\n\n" + "Not for the site. " * 30 + "\n")
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "000_a.txt").symlink_to(secret)
    listings, problems = read_listings(tmp_path / "seeds")
    assert listings == [] and any("may not be a symbolic link" in p.message for p in problems)


@given(st.text(alphabet="a\n\r\x07\x85\x0c\t", max_size=30))
def test_every_control_character_is_named_with_its_line_and_line_ends_are_not(text):
    _, problems = parse_listing(("A Paper\n\n" + text).encode(), "seeds/000_a.txt")
    found = [(p.line, p.message) for p in problems if "control character" in p.message]
    # The rule as first written: one problem per line with a control character or a lone \r.
    expected, lines = [], set()
    for m in re.finditer(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)", "A Paper\n\n" + text):
        line = ("A Paper\n\n" + text).count("\n", 0, m.start()) + 1
        if line not in lines:
            lines.add(line)
            expected.append((line, f"control character U+{ord(m.group(0)):04X} in text"))
    assert found == expected


@given(st.text(alphabet="a b\t\u00a0\u2028\x1c\u3000", max_size=20))
@example("Two  spaces inside")
@example(" ends ")
def test_a_line_reads_with_each_run_of_white_space_as_one_space(line):
    from generator.listings import _clean

    assert _clean(line) == " ".join(line.split())
