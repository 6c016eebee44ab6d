"""The pull request comment, made from `generator diff --format json` output.

Standard library only, and reads its input as data: the publishing workflow runs it with
write permissions, from the default branch, on an artifact a pull request produced.

Usage: python -m generator.prcomment DIFF_JSON PREVIEW_URL
"""

from __future__ import annotations

import json
import re
import sys

from .escape import code_span

MARKER = "<!-- reading-list-preview -->"
LIMIT = 200  # GitHub caps comments at 65,536 characters
_SLUG = re.compile(r"[a-z0-9]+(?:--?[a-z0-9]+)*")
_FIELDS = {"title", "abstract", "topics", "arxiv", "code", "project", "note"}
_TOPIC = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _topic_lines(item: dict) -> list[str]:
    """Under an added paper: its topics and, in short, the words that earned each."""
    topics = item.get("topics")
    if not isinstance(topics, list):
        return []
    shown = []
    for t in topics:
        if not isinstance(t, dict) or not _TOPIC.fullmatch(str(t.get("id", ""))):
            continue
        evidence = [code_span(e) for e in t.get("evidence", []) if isinstance(e, str)][:3]
        shown.append(f"`{t['id']}`" + (f" ({'; '.join(evidence)})" if evidence else ""))
    if not shown:
        return ["  - topics: none found: add them in `data/curation.yaml`"]
    note = " (curated)" if item.get("curated") is True else ""
    if item.get("unclear") is True:
        note = " (unclear: please check, and correct in `data/curation.yaml`)"
    return [f"  - topics{note}: " + ", ".join(shown)]


def _section(name: str, items: list, base: str, link: bool) -> list[str]:
    if not items:
        return []
    lines = [f"**{name} ({len(items)})**", ""]
    for item in items[:LIMIT]:
        slug = str(item.get("slug", ""))
        title = code_span(str(item.get("title", "")))  # titles come from the pull request
        line = f"- [{title}]({base}papers/{slug}.html)" if link and _SLUG.fullmatch(slug) else f"- {title}"
        fields = [f for f in item.get("fields", []) if f in _FIELDS]
        if fields:
            line += f" ({', '.join(fields)})"
        lines.append(line)
        if name == "Added":
            lines += _topic_lines(item)
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
