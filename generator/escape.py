"""Showing untrusted text literally in Markdown (pages, pull request comments).

Standard library only: the publishing workflow uses it from generator/prcomment.py.
"""

from __future__ import annotations

import re

# Every ASCII punctuation mark becomes a numeric character reference. Markdown, HTML and
# template syntax all start with punctuation, so nothing in untrusted text can take effect;
# browsers still show the same characters.
_PUNCT = re.compile(r"[!-/:-@\[-`{-~]")
_ENTITY = {c: f"&#{ord(c)};" for c in map(chr, range(33, 127)) if not c.isalnum()}


def literal(text: str) -> str:
    return _PUNCT.sub(lambda m: _ENTITY[m.group(0)], " ".join(text.split()))
