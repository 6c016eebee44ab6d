"""Reading listings: plain-text pages of titles and abstracts copied from a daily-papers feed.

A listing is UTF-8 text: optional page chrome (the feed's four fixed lines), an optional date
line such as ``Mar 18``, then title / abstract blocks separated by blank lines. An abstract may
be wrapped over several lines; a title is one line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .problems import Problem

CHROME = frozenset(
    {
        "new",
        "Get trending papers in your email inbox!",
        "Subscribe",
        "byAK and the research community",
    }
)

_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}
# Days per month allowing Feb 29: the listing carries no year, so a leap day may be real.
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_DATE = re.compile(r"([A-Za-z]+)\.? +(\d{1,2})")
_SENTENCE = re.compile(r"[.!?] +[A-Z]")
# C0 and C1 control characters other than tab, line feed and carriage return (before \n).
# One character set, the \r of a \r\n then let go: a pattern that starts with a set lets the
# regex engine skip ahead to its characters; an alternation was tried at every position, 2.5x
# slower on listings without any.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f](?<!\r(?=\n))")

# A title longer than this is almost certainly an abstract standing where a title should be.
TITLE_MAX = 300
# Real abstracts run to a few thousand characters; a far longer one is several papers run
# together (a missing blank line) or pasted by mistake.
ABSTRACT_MAX = 20_000
LISTING_SUFFIX = ".txt"


@dataclass(frozen=True)
class Entry:
    title: str
    abstract: str
    listing: str
    line: int  # line of the title, 1-based


@dataclass(frozen=True)
class Listing:
    name: str  # file name, the listing's identity
    path: str  # as given, for messages
    date: str | None  # as written, e.g. "Mar 18": the feed gives no year, so none is invented
    date_key: tuple[int, int] | None  # (month, day), for ordering within a year
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class _Block:
    line: int
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.lines)


def _is_blank(line: str) -> bool:
    # Zero-width and other format characters are invisible: a line of only those is blank.
    stripped = line.strip()
    if not stripped or stripped[0].isalnum():
        return not stripped
    return all(c.isspace() or unicodedata.category(c) == "Cf" for c in stripped)


_ODD_SPACE = re.compile(r"[^\S ]")  # white space but the plain space: tabs, no-break spaces ...


def _clean(line: str) -> str:
    """The line with each run of white space one space, and none at its ends."""
    # Most lines are clean already; these checks are scans in C, where splitting a long
    # abstract into words and joining them again was the most of reading a listing.
    # A printable line holds no white space but the plain space (isprintable, in C, is faster
    # than the regex).
    odd = not line.isprintable() and _ODD_SPACE.search(line)
    if "  " in line or line[:1].isspace() or line[-1:].isspace() or odd:
        return " ".join(line.split())
    return line


def _date_like(text: str) -> bool:
    """A month name and a day: "Llama 3" is a title, "Mar 0" a mistyped date."""
    m = _DATE.fullmatch(text)
    return bool(m) and m.group(1).lower() in _MONTHS


def _title_like(block: _Block) -> bool:
    """One short line that does not read as a sentence: how titles look, and abstracts don't."""
    text = block.text
    return len(block.lines) == 1 and len(text) <= 200 and not text.endswith(".") and not _SENTENCE.search(text)


def _abstract_like(block: _Block) -> bool:
    return _looks_like_abstract(block) or block.text.endswith(".") or bool(_SENTENCE.search(block.text))


def parse_date(text: str) -> tuple[int, int] | None:
    m = _DATE.fullmatch(text)
    if not m:
        return None
    month = _MONTHS.get(m.group(1).lower())
    day = int(m.group(2))
    if month is None or not 1 <= day <= _DAYS[month - 1]:
        return None
    return month, day


def _blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    current: list[str] = []
    start = 0
    for number, raw in enumerate(_lines(text), start=1):
        if _is_blank(raw):
            if current:
                blocks.append(_Block(start, tuple(current)))
                current = []
            continue
        if not current:
            start = number
        current.append(_clean(raw))
    if current:
        blocks.append(_Block(start, tuple(current)))
    return blocks


def _decode(data: bytes, path: str) -> tuple[str | None, list[Problem]]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        return None, [Problem(path, line, f"not UTF-8 text (byte 0x{data[e.start]:02x}); save the listing as UTF-8")]
    if "\x00" in text:
        # UTF-16 read as UTF-8 is every other byte NUL: one clear message, not one per line.
        line = text.count("\n", 0, text.index("\x00")) + 1
        return None, [Problem(path, line, "NUL bytes: the file looks like UTF-16 or binary; save the listing as UTF-8")]
    problems = []
    line, counted_to, last_line = 1, 0, 0
    for m in _CONTROL.finditer(text):
        line += text.count("\n", counted_to, m.start())  # lines counted once, left to right
        counted_to = m.start()
        if line != last_line:
            last_line = line
            problems.append(Problem(path, line, f"control character U+{ord(m.group(0)):04X} in text"))
    return unicodedata.normalize("NFC", text), problems


def _lines(text: str) -> list[str]:
    # Lines end at \n (and \r\n), as editors count them; str.splitlines would also break at
    # form feeds and other separators and so name the wrong line in messages.
    return [line.removesuffix("\r") for line in text.split("\n")]


def _looks_like_abstract(block: _Block) -> bool:
    return len(block.lines) > 1 or len(block.text) > TITLE_MAX


def parse_listing(data: bytes, path: str) -> tuple[Listing | None, list[Problem]]:
    """Parse one listing. Returns the listing (None if it is unusable) and every problem found."""
    name = Path(path).name
    text, problems = _decode(data, path)
    if text is None:
        return None, problems
    blocks = _blocks(text)

    i = 0
    while i < len(blocks) and len(blocks[i].lines) == 1 and blocks[i].text in CHROME:
        i += 1
    date = date_key = None
    if i < len(blocks) and len(blocks[i].lines) == 1 and _date_like(blocks[i].text):
        date_key = parse_date(blocks[i].text)
        if date_key is None:
            problems.append(Problem(path, blocks[i].line, f"not a valid date: {blocks[i].text!r}"))
        else:
            date = blocks[i].text
        i += 1

    entries: list[Entry] = []
    while i < len(blocks):
        title = blocks[i]
        if _looks_like_abstract(title):
            what = (
                "a title spans several lines"
                if len(title.lines) > 1
                else "this paragraph stands where a title should be"
            )
            problems.append(
                Problem(path, title.line, f"{what}; each title is one line, followed by a blank line and its abstract")
            )
            # A wrapped title is still followed by its abstract: skip both, or every later
            # block would be reported out of step.
            wrapped_title = len(title.lines) > 1 and len(title.lines[0]) <= TITLE_MAX
            i += 2 if wrapped_title and i + 1 < len(blocks) and _looks_like_abstract(blocks[i + 1]) else 1
            continue
        if title.text in CHROME or _date_like(title.text):
            problems.append(
                Problem(path, title.line, f"{title.text!r} belongs at the top of the listing, before the first paper")
            )
            i += 1
            continue
        if not any(c.isalnum() for c in title.text):
            problems.append(Problem(path, title.line, "empty title: a title needs letters or digits"))
        if i + 1 >= len(blocks):
            problems.append(Problem(path, title.line, f"title has no abstract: {title.text!r}"))
            break
        abstract = blocks[i + 1]
        # A short line followed by a paragraph is a title whose own abstract went missing. Where
        # abstracts are one short line each, an "abstract" that looks like a title, followed by
        # a block that reads as an abstract, is the same mistake.
        following = blocks[i + 2] if i + 2 < len(blocks) else None
        if following is not None and (
            (not _looks_like_abstract(abstract) and _looks_like_abstract(following))
            or (_title_like(abstract) and _abstract_like(following) and not _title_like(following))
        ):
            problems.append(Problem(path, title.line, f"title has no abstract: {title.text!r}"))
            i += 1
            continue
        if len(abstract.text) > ABSTRACT_MAX:
            problems.append(
                Problem(
                    path,
                    abstract.line,
                    f"abstract of {len(abstract.text):,} characters, longer than any real one (at most "
                    f"{ABSTRACT_MAX:,}): is a blank line between papers missing?",
                )
            )
        entries.append(Entry(title.text, abstract.text, name, title.line))
        i += 2

    if not entries and not problems:
        problems.append(Problem(path, 1, "listing holds no papers"))
    return Listing(name, path, date, date_key, tuple(entries)), problems


def read_listings(directory: Path, seen: dict | None = None) -> tuple[list[Listing], list[Problem]]:
    """Read every ``*.txt`` listing in a directory, in file-name order. A long-lived process
    passes `seen`, each listing's bytes and what was read from them last time: a listing
    whose bytes are the same is not parsed again."""
    listings: list[Listing] = []
    problems: list[Problem] = []
    if not directory.is_dir():
        return [], [Problem(str(directory), 0, "listings directory not found")]
    files = sorted(p for p in directory.iterdir() if not p.name.startswith("."))
    paths = [p for p in files if p.suffix == LISTING_SUFFIX and p.is_file()]
    for p in files:
        if p not in paths:
            # Silently skipping it would lose the papers a maintainer meant to add.
            problems.append(Problem(str(p), 0, f"not a listing: listings are *{LISTING_SUFFIX} files"))
    if not paths:
        problems.append(Problem(str(directory), 0, f"no listings (*{LISTING_SUFFIX}) found"))
    for p in paths:
        if p.is_symlink():
            # A link could make the site publish any file of the machine that builds it.
            problems.append(Problem(str(p), 0, "a listing may not be a symbolic link; copy the file instead"))
            continue
        data = p.read_bytes()
        before = seen.get(str(p)) if seen is not None else None
        if before is not None and before[0] == data:
            listing, found = before[1], before[2]
        else:
            listing, found = parse_listing(data, str(p))
            if seen is not None:
                seen[str(p)] = (data, listing, found)
        problems += found
        if listing is not None:
            listings.append(listing)
    return listings, problems
