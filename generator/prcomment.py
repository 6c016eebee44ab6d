"""The pull request comment, made from `generator diff --format json` output.

Standard library only, and reads its input as untrusted data: the publishing workflow runs it
with write permissions. Every field is checked before use; a malformed file is a clear error.
The comment stays under GitHub's size limit in characters, however long the titles are:
papers past the limit are counted and the preview's own A–Z list is linked instead.

Usage: python -m generator.prcomment DIFF_JSON PREVIEW_URL
"""

from __future__ import annotations

import json
import re
import sys

from .escape import code_span

MARKER = "<!-- reading-list-preview -->"
MAX_CHARS = 60_000  # GitHub refuses comments over 65,536 characters; room for the closing lines
_SLUG = re.compile(r"[a-z0-9]+(?:--?[a-z0-9]+)*")
_FIELDS = {"title", "abstract", "topics", "arxiv", "code", "project", "note"}
_TOPIC = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_SECTIONS = (("added", "Added"), ("changed", "Changed"), ("removed", "Removed"))


class BadDiff(ValueError):
    """The diff file is not what `generator diff --format json` writes."""


def validate(diff: object) -> dict:
    """The diff, checked field by field: lists of papers, each with text fields as text."""
    if not isinstance(diff, dict):
        raise BadDiff("the diff must be a JSON object")
    for key, _ in _SECTIONS:
        items = diff.get(key, [])
        if not isinstance(items, list):
            raise BadDiff(f"{key!r} must be a list")
        for n, item in enumerate(items):
            where = f"{key}[{n}]"
            if not isinstance(item, dict):
                raise BadDiff(f"{where} must be an object")
            for field in ("slug", "title"):
                if not isinstance(item.get(field), str):
                    raise BadDiff(f"{where}.{field} must be text")
            fields = item.get("fields", [])
            if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
                raise BadDiff(f"{where}.fields must be a list of text")
            topics = item.get("topics", [])
            if not isinstance(topics, list) or not all(
                isinstance(t, dict) and isinstance(t.get("id"), str) and isinstance(t.get("evidence", []), list)
                for t in topics
            ):
                raise BadDiff(f"{where}.topics must be a list of topics with an id and a list of evidence")
    return diff


def _topic_lines(item: dict) -> list[str]:
    """Under an added paper: its topics and, in short, the words that earned each."""
    shown = []
    for t in item.get("topics", []):
        if not _TOPIC.fullmatch(t["id"]):
            continue
        evidence = [code_span(e) for e in t.get("evidence", []) if isinstance(e, str)][:3]
        shown.append(f"`{t['id']}`" + (f" ({'; '.join(evidence)})" if evidence else ""))
    if not shown:
        return ["  - topics: none found: add them in `data/curation.yaml`"]
    note = " (curated)" if item.get("curated") is True else ""
    if item.get("unclear") is True:
        note = " (unclear: please check, and correct in `data/curation.yaml`)"
    return [f"  - topics{note}: " + ", ".join(shown)]


def _item(key: str, item: dict, base: str) -> list[str]:
    slug = item["slug"]
    title = code_span(item["title"])  # titles come from the pull request
    linked = key != "removed" and _SLUG.fullmatch(slug)
    line = f"- [{title}]({base}papers/{slug}.html)" if linked else f"- {title}"
    fields = [f for f in item.get("fields", []) if f in _FIELDS]
    if fields:
        line += f" ({', '.join(fields)})"
    return [line] + (_topic_lines(item) if key == "added" else [])


def render(diff: dict, base: str) -> str:
    diff = validate(diff)
    base = base if not base or base.endswith("/") else base + "/"
    lines = [MARKER, "### Preview of this pull request", ""]
    if base:
        lines += [f"Browse the whole site: {base}", ""]
    used = sum(len(line) + 1 for line in lines)
    left_out = 0
    for key, name in _SECTIONS:
        items = diff.get(key, [])
        if not items:
            continue
        section = [f"**{name} ({len(items)})**", ""]
        used += sum(len(line) + 1 for line in section)
        for item in items:
            shown = _item(key, item, base)
            size = sum(len(line) + 1 for line in shown)
            if left_out or used + size > MAX_CHARS:
                left_out += 1
                continue
            section += shown
            used += size
        lines += section + [""]
    if left_out:
        where = f"the preview's A–Z list: {base}az/index.html" if base else "the preview's A–Z list"
        lines += [
            f"… and {left_out} more papers, not listed to keep this comment within GitHub's limit: see {where}",
            "",
        ]
    if not any(diff.get(k) for k, _ in _SECTIONS):
        lines += ["No paper is added, changed or removed.", ""]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    try:
        with open(argv[0], encoding="utf-8") as f:
            text = render(json.load(f), argv[1])
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, BadDiff) as e:
        print(f"{argv[0]}: not a usable diff: {e}", file=sys.stderr)
        return 1
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
