"""What the preview-publish workflow decides, as data in and an answer out (standard library only).

    python -m generator.previewgate pr HEAD_SHA < open_prs.json     prints the number to publish
    python -m generator.previewgate comment < comments.json         prints the bot's comment id

`open_prs.json` is `gh pr list --json number,headRefOid,isCrossRepository,labels`; `comments.json`
the issue comments API's pages, concatenated (`gh api --paginate`). Both come from GitHub, but
name things a pull request's author controls (labels they cannot set, comments they can write),
so only exact matches count. Nothing printed means: do nothing (the reason goes to stderr).
"""

from __future__ import annotations

import json
import sys

from .prcomment import MARKER

LABEL = "safe-to-preview"
BOT = "github-actions[bot]"


def pull_request_to_publish(open_prs: object, head_sha: str) -> tuple[int | None, str]:
    """The open pull request whose head is the previewed commit, if its preview may be published.

    A fork's preview is its author's HTML on the site's own address: it is published only while
    a maintainer's safe-to-preview label stands, and the label is taken off on every push
    (preview-approval.yml), so an approval covers the commit it was given for and no later one."""
    if not isinstance(open_prs, list):
        return None, "the pull request list is not a list"
    matching = [p for p in open_prs if isinstance(p, dict) and p.get("headRefOid") == head_sha]
    if len(matching) != 1:
        return None, f"no single open pull request has head {head_sha}"
    pr = matching[0]
    number = pr.get("number")
    if not isinstance(number, int) or isinstance(number, bool) or number <= 0:
        return None, "the pull request has no valid number"
    if pr.get("isCrossRepository") is not False:  # unknown counts as a fork
        labels = pr.get("labels") if isinstance(pr.get("labels"), list) else []
        if not any(isinstance(label, dict) and label.get("name") == LABEL for label in labels):
            return None, f"fork pull request #{number} without the {LABEL} label for its latest commit: not published"
    return number, f"publishing the preview of #{number}"


def bot_comment(comments: object) -> int | None:
    """The preview comment this workflow wrote before: the marker alone is not enough, anyone
    can write it; the author must be the workflow's own bot account."""
    if not isinstance(comments, list):
        return None
    for c in comments:
        user = c.get("user") if isinstance(c, dict) else None
        if (
            isinstance(user, dict)
            and user.get("login") == BOT
            and user.get("type") == "Bot"
            and isinstance(c.get("body"), str)
            and c["body"].startswith(MARKER)
            and isinstance(c.get("id"), int)
        ):
            return c["id"]
    return None


def _read_json_stream(text: str) -> list:
    """`gh api --paginate` prints one JSON array per page, one after another."""
    decoder, items, pos = json.JSONDecoder(), [], 0
    while pos < len(text):
        if text[pos].isspace():
            pos += 1
            continue
        value, pos = decoder.raw_decode(text, pos)
        items += value if isinstance(value, list) else [value]
    return items


def main(argv: list[str]) -> int:
    try:
        data = _read_json_stream(sys.stdin.read())
    except ValueError as e:
        print(f"not JSON: {e}", file=sys.stderr)
        return 1
    if argv[:1] == ["pr"] and len(argv) == 2:
        number, reason = pull_request_to_publish(data, argv[1])
        print(reason, file=sys.stderr)
        if number is not None:
            print(number)
        return 0
    if argv == ["comment"]:
        found = bot_comment(data)
        if found is not None:
            print(found)
        return 0
    print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
