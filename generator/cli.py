"""Command line: python -m generator check | build | diff."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from . import catalogue as cat
from .build import build_docs, default_sources, site_settings
from .diff import compare, load_base
from .prcomment import render as render_comment
from .problems import InputError
from .writer import OutputError


def _sources(args: argparse.Namespace) -> cat.Sources:
    base = default_sources(Path(args.root))
    return cat.Sources(
        seeds=Path(args.seeds) if args.seeds else base.seeds,
        taxonomy=Path(args.taxonomy) if args.taxonomy else base.taxonomy,
        curation=Path(args.curation) if args.curation else base.curation,
    )


def summary(c: cat.Catalogue) -> str:
    counts = Counter(t for p in c.papers for t in p.topic_ids)
    lines = [
        f"listings:        {len(c.listings)}",
        f"entries:         {c.entry_count}",
        f"distinct papers: {len(c.papers)}",
        f"in several listings: {sum(1 for p in c.papers if len(p.appearances) > 1)}",
        "papers per topic:",
    ]
    width = max(len(t.id) for t in c.taxonomy.topics)
    lines += [f"  {t.id:<{width}}  {counts[t.id]:>5}" for t in c.taxonomy.topics]
    missing = c.untopical()
    lines.append(f"papers with no topic: {len(missing)}")
    lines += [f"  {p.title}  ({p.appearances[0].listing}:{p.appearances[0].line})" for p in missing]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator", description=__doc__)
    parser.add_argument("--root", default=".", help="project folder (default: current)")
    parser.add_argument("--seeds", help="listings folder (default: ROOT/seeds)")
    parser.add_argument("--taxonomy", help="taxonomy file (default: ROOT/data/taxonomy.yaml)")
    parser.add_argument("--curation", help="curation file (default: ROOT/data/curation.yaml)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="validate listings, taxonomy and curation; print a summary")
    build = sub.add_parser("build", help="check, then render the site's pages into docs/")
    build.add_argument("--docs", help="output folder (default: ROOT/docs)")
    diff = sub.add_parser("diff", help="papers added, changed and removed since BASE")
    diff.add_argument("base", metavar="BASE", help="a git revision, or a folder of listings")
    diff.add_argument("--format", choices=("markdown", "json"), default="markdown")
    diff.add_argument("--url", default="", help="base address of the built site, for links")
    args = parser.parse_args(argv)

    try:
        sources = _sources(args)
        if args.command == "check":
            print(summary(cat.load(sources)))
        elif args.command == "build":
            root = Path(args.root)
            docs = Path(args.docs) if args.docs else root / "docs"
            report = build_docs(sources, docs, site_settings(root))
            print(summary(report.catalogue))
            print(
                f"pages: {report.total} files, {len(report.written)} written, {len(report.deleted)} deleted, in {docs}"
            )
        elif args.command == "diff":
            changes = compare(load_base(args.base, Path(args.root)), cat.load(sources))
            if args.format == "json":
                print(json.dumps(changes, indent=1, ensure_ascii=False))
            else:
                print(render_comment(changes, args.url))
    except InputError as e:
        for problem in e.problems:
            print(f"error: {problem}", file=sys.stderr)
        print(f"{len(e.problems)} problem(s) found; nothing was built.", file=sys.stderr)
        return 1
    except OutputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0
