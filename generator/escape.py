"""Showing untrusted text (titles, abstracts) literally where the generator's templates cannot
escape it: bidi controls made visible everywhere, and pull request comments made inert.

Standard library only: the publishing workflow uses it from generator/prcomment.py.
"""

from __future__ import annotations

import re

# Bidirectional controls reorder the text around them: "evil\u202etxt.exe" reads "evilexe.txt".
# Untrusted text shows them as visible escapes instead, wherever it is shown.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    if text.isascii():  # bidi controls are not: most texts are, and this is one scan in C
        return text
    return _BIDI.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def code_span(text: str) -> str:
    """Untrusted text as a Markdown code span for GitHub comments. Inside one nothing is read as
    markup, and GitHub links no mention (@user), issue (#42, GH-7) or commit SHA in it."""
    text = " ".join(visible(text).split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"
