"""Stable, readable page addresses for papers.

A slug is a pure function of the paper's normalised title, so adding or removing other papers
never changes it. A title made only of plain lowercase words maps to those words joined by
hyphens, which is reversible and so cannot collide with another such title. Any other title
(punctuation, non-ASCII, too long, or a name the site or Windows keeps for itself, such
as "Index" or "CON") gets a readable prefix plus ``--`` and a hash of the full
title: plain slugs never contain ``--``, so the two kinds never collide either.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from anyascii import anyascii

from .layout import RESERVED

MAX_LENGTH = 80
HASH_LENGTH = 8
_PLAIN = re.compile(r"[a-z0-9]+(?: [a-z0-9]+)*")


def normalise_title(title: str) -> str:
    """The identity of a paper: same after Unicode form, case (full Unicode case folding, so
    "İ" and "i̇" agree) and white space are folded, and invisible format characters (zero-width
    spaces, bidi marks) are dropped, since a reader cannot see them."""
    text = unicodedata.normalize("NFKC", title)
    if not text.isascii():
        text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return " ".join(unicodedata.normalize("NFKC", text.casefold()).split())


def slugify(title: str) -> str:
    key = normalise_title(title)
    if _PLAIN.fullmatch(key) and len(key) <= MAX_LENGTH and key not in RESERVED:
        return key.replace(" ", "-")
    words = re.findall(r"[a-z0-9]+", anyascii(key).lower())
    budget = MAX_LENGTH - HASH_LENGTH - 2
    prefix = ""
    for word in words:
        candidate = f"{prefix}-{word}" if prefix else word
        if len(candidate) > budget:
            break
        prefix = candidate
    if not prefix and words:  # one very long word: cut it
        prefix = words[0][:budget]
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:HASH_LENGTH]
    return f"{prefix}--{digest}" if prefix else f"paper--{digest}"
