"""Where generated files go under docs/: the names the site owns.

Everything else in docs/ belongs to the maintainers (a hand-written ``about.md``, an
``assets/custom.css``): the writer never touches it, and topic ids and paper slugs may not
take a name that a generated page already uses.
"""

from __future__ import annotations

import re

# Top-level files and folders (a trailing slash) the generator writes. Only these.
OWNED = (
    "index.md",
    "papers.json",
    "opensearch.xml",
    "feeds/",
    "papers/",
    "topics/",
    "az/",
    "listings/",
    "search/",
    "assets/search/",
    "assets/vendor/",
    "assets/extra.css",
)

# Names that Windows will not create, with any extension: a file called con.md cannot be
# unpacked there, so neither a topic nor a paper may take one.
WINDOWS_DEVICES = frozenset(
    ["con", "prn", "aux", "nul"] + [f"com{i}" for i in range(1, 10)] + [f"lpt{i}" for i in range(1, 10)]
)

# A folder's own overview page, and the other top-level names, are never a paper's or topic's.
RESERVED = frozenset({"index", "papers", "topics", "az", "listings", "search", "assets"}) | WINDOWS_DEVICES

# Long lists are split into pages named base.md, base-2.md, base-3.md ...: a topic id that
# ends in -<number> would take another topic's second page.
PAGE_SUFFIX = re.compile(r"-\d+$")


def owns(rel: str) -> bool:
    """Whether a docs/-relative path is one of the generator's names."""
    return any(rel == name or (name.endswith("/") and rel.startswith(name)) for name in OWNED)


def reserved_reason(name: str) -> str | None:
    """Why a topic id cannot be used as a page name, or None if it can."""
    if name in RESERVED:
        return f"{name!r} is a name the site uses for its own pages"
    if PAGE_SUFFIX.search(name):
        return f"{name!r} ends like a numbered page of a long topic (topic-2, topic-3, ...)"
    return None
