"""The pull request comment, made from `generator diff --format json` output.

Standard library only, and reads its input as data: the publishing workflow runs it with
write permissions, from the default branch, on an artifact a pull request produced.

Usage: python -m generator.prcomment DIFF_JSON PREVIEW_URL
"""

from __future__ import annotations

import json
import re
import sys

from .escape import literal

MARKER = "<!-- reading-list-preview -->"
LIMIT = 200  # GitHub caps comments at 65,536 characters
_SLUG = re.compile(r"[a-z0-9]+(?:--?[a-z0-9]+)*")
_FIELDS = {"title", "abstract", "topics", "arxiv", "code", "project", "note"}


def _section(name: str, items: list, base: str, link: bool) -> list[str]:
    if not items:
        return []
    lines = [f"**{name} ({len(items)})**", ""]
    for item in items[:LIMIT]:
        slug = str(item.get("slug", ""))
        title = literal(str(item.get("title", "")))  # titles come from the pull request
        line = f"- [{title}]({base}papers/{slug}.html)" if link and _SLUG.fullmatch(slug) else f"- {title}"
        fields = [f for f in item.get("fields", []) if f in _FIELDS]
        if fields:
            line += f" ({', '.join(fields)})"
        lines.append(line)
    if len(items) > LIMIT:
        lines.append(f"- … and {len(items) - LIMIT} more")
    return lines + [""]


def render(diff: dict, base: str) -> str:
    base = base if not base or base.endswith("/") else base + "/"
    lines = [MARKER, "### Preview of this pull request", ""]
    if base:
        lines += [f"Browse the whole site: {base}", ""]
    lines += _section("Added", diff.get("added", []), base, link=True)
    lines += _section("Changed", diff.get("changed", []), base, link=True)
    lines += _section("Removed", diff.get("removed", []), base, link=False)
    if not any(diff.get(k) for k in ("added", "changed", "removed")):
        lines += ["No paper is added, changed or removed.", ""]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    with open(argv[0], encoding="utf-8") as f:
        diff = json.load(f)
    if not isinstance(diff, dict):
        print("diff must be a JSON object", file=sys.stderr)
        return 1
    print(render(diff, argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
