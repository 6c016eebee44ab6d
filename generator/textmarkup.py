"""Abstracts as their authors meant them: common LaTeX text markup and web addresses.

Abstracts copied from a feed keep the LaTeX their authors typed (``45\\%``, ``\\textbf{Mamba}``,
````deep''``) and bare addresses of code and project pages. Pages show the markup's meaning and
make http(s) addresses links, while every other character is escaped: nothing from the text can
add markup or run. Unknown commands (``\\ourMethod``) are shown as typed.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup, escape

# Every alternative starts with a plain character outside its group: the regex engine then
# skips ahead to those four characters instead of trying each alternative at every position
# (about 9x faster on abstracts that hold markup).
_TOKEN = re.compile(
    r"h(?P<url>ttps?://[^\s<>\"'{}|\\^`]+)"
    r"|\\(?P<cmd>textbf|textit|emph|texttt|text|textsc)\{(?P<arg>[^{}]*)\}"
    r"|\\(?P<escaped>[%&_#$])"
    r"|`(?P<open>`)"
    r"|'(?P<close>')"
)
_TAGS = {"textbf": "strong", "textit": "em", "emph": "em", "texttt": "code", "text": None, "textsc": None}
_TRAILING = ".,;:!?"


def _split_url(url: str) -> tuple[str, str]:
    """An address without the punctuation that ends the sentence around it."""
    rest = ""
    while url and (url[-1] in _TRAILING or (url[-1] == ")" and url.count("(") < url.count(")"))):
        url, rest = url[:-1], url[-1] + rest
    return url, rest


def _plain_text(text: str) -> bool:
    # Most abstracts hold no markup and no address: four substring scans in C say so at once.
    return "\\" not in text and "http" not in text and "``" not in text and "''" not in text


def _pieces(text: str):
    """(kind, value, extra) for the text's plain runs and its markup, left to right."""
    if _plain_text(text):
        if text:
            yield "text", text, None
        return
    last = 0
    for m in _TOKEN.finditer(text):
        if m.start() > last:
            yield "text", text[last : m.start()], None
        if m.group("url"):
            url, rest = _split_url(m.group())
            yield ("link" if url.split("://", 1)[1] else "text"), url, None
            if rest:
                yield "text", rest, None
        elif m.group("cmd"):
            yield "tag", m.group("arg"), _TAGS[m.group("cmd")]
        elif m.group("escaped"):
            yield "text", m.group("escaped"), None
        else:
            yield "text", "\u201c" if m.group("open") else "\u201d", None
        last = m.end()
    if last < len(text):
        yield "text", text[last:], None


def rich(text: str) -> Markup:
    """HTML for an abstract: markup as meant, addresses as links, everything else escaped."""
    if _plain_text(text):
        return escape(text)
    out = []
    for kind, value, tag in _pieces(text):
        if kind == "link":
            out.append(Markup('<a href="{0}" rel="nofollow noopener">{0}</a>').format(value))
        elif kind == "tag" and tag:
            out.append(Markup("<{0}>{1}</{0}>").format(Markup(tag), value))
        else:
            out.append(escape(value))
    return Markup("").join(out)


@lru_cache(maxsize=1024)  # an abstract is read for its summary and its terms, one after the other
def plain(text: str) -> str:
    """The same words without markup: for summaries, descriptions and search excerpts."""
    if _plain_text(text):
        return text
    return "".join(value for _, value, _ in _pieces(text))
