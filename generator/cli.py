"""Command line: python -m generator check | build | diff | topics | evaluate | import."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from . import catalogue as cat
from . import evaluate as ev
from .build import build_docs, default_sources, related_papers, site_settings
from .diff import compare, load_base
from .importer import import_arxiv_ids, import_daily_papers
from .parallel import available
from .prcomment import render as render_comment
from .problems import InputError, Problem
from .topics import RELATIVE, THRESHOLD, classify, explain
from .writer import OutputError


def _sources(args: argparse.Namespace) -> cat.Sources:
    base = default_sources(Path(args.root))
    return cat.Sources(
        seeds=Path(args.seeds) if args.seeds else base.seeds,
        taxonomy=Path(args.taxonomy) if args.taxonomy else base.taxonomy,
        curation=Path(args.curation) if args.curation else base.curation,
        metadata=Path(args.metadata) if args.metadata else base.metadata,
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
    unclear = [p for p in c.papers if p.topics and p.unclear]
    lines.append(f"papers whose topics are unclear (look, then curate or leave): {len(unclear)}")
    lines += [
        f"  {p.title}  ({p.appearances[0].listing}:{p.appearances[0].line}): "
        + ", ".join(f"{t} {score:g}" for t, score in p.topics)
        for p in unclear
    ]
    return "\n".join(lines)


def explain_paper(c: cat.Catalogue, title: str) -> str:
    """Each topic's score and the evidence behind it, for one paper of the catalogue."""
    paper = c.find(title)
    if paper is None:
        raise InputError([Problem("<command line>", 0, f"no paper has this title: {title!r}")])
    scores = sorted(explain(c.taxonomy, paper.title, paper.abstract), key=lambda s: (-s.score, s.topic))
    auto = dict(classify(c.taxonomy, paper.title, paper.abstract))
    first = paper.appearances[0]
    lines = [paper.title, f"  listed at {first.listing}:{first.line}", ""]
    lines.append("topics shown: " + (", ".join(f"{t} ({score:g})" for t, score in paper.topics) or "none"))
    if paper.curated:
        lines.append(
            "  (set in the curation file; the classifier alone would choose: " + (", ".join(auto) or "none") + ")"
        )
    lines += ["", f"{'topic':<30}{'score':>7}  {'chosen':<8}evidence (where: title, opening sentences, abstract)"]
    for s in scores:
        if not s.hits:
            continue
        evidence = ", ".join(
            f"{h.word} ({h.where}{f' x{h.count}' if h.count > 1 else ''}{', weak' if h.weak else ''})" for h in s.hits
        )
        lines.append(f"{s.topic:<30}{s.score:>7g}  {'yes' if s.topic in auto else '-':<8}{evidence}")
    lines += [
        "",
        f"A topic is chosen at a score of {THRESHOLD:g} or more, with at least one strong term, and at least "
        f"{RELATIVE:g} of the best topic's score. Weak terms count half and never more than the strong ones.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator", description=__doc__)
    parser.add_argument("--root", default=".", help="project folder (default: current)")
    parser.add_argument("--seeds", help="listings folder (default: ROOT/seeds)")
    parser.add_argument("--taxonomy", help="taxonomy file (default: ROOT/data/taxonomy.yaml)")
    parser.add_argument("--curation", help="curation file (default: ROOT/data/curation.yaml)")
    parser.add_argument("--metadata", help="metadata folder (default: ROOT/data/metadata)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="validate listings, taxonomy and curation; print a summary")
    build = sub.add_parser("build", help="check, then render the site's pages into docs/")
    build.add_argument("--docs", help="output folder (default: ROOT/docs)")
    diff = sub.add_parser("diff", help="papers added, changed and removed since BASE")
    diff.add_argument("base", metavar="BASE", help="a git revision, or a folder of listings")
    diff.add_argument("--format", choices=("markdown", "json"), default="markdown")
    diff.add_argument("--url", default="", help="base address of the built site, for links")
    topics = sub.add_parser("topics", help="why a paper has its topics: each topic's score and evidence")
    topics.add_argument("title", metavar="TITLE", help="the paper's title (case and spacing do not matter)")
    evaluate = sub.add_parser("evaluate", help="topics and related papers against a curator's labels")
    evaluate.add_argument("labels", metavar="LABELS", help="labels file, e.g. evaluation/labels.yaml")
    imp = sub.add_parser(
        "import",
        help="add papers with real metadata: FILE.json (a saved Hugging Face daily-papers response) "
        "becomes a listing plus metadata; FILE.tsv (arXiv id, tab, title) adds ids to listed papers",
    )
    imp.add_argument("file", metavar="FILE", help="FILE.json or FILE.tsv")
    imp.add_argument("--date", help="the listing's day, YYYY-MM-DD (default: from the file's name)")
    args = parser.parse_args(argv)

    try:
        sources = _sources(args)
        if args.command == "check":
            print(summary(cat.load(sources)))
        elif args.command == "build":
            root = Path(args.root)
            docs = Path(args.docs) if args.docs else root / "docs"
            report = build_docs(sources, docs, site_settings(root), workers=available())
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
        elif args.command == "topics":
            print(explain_paper(cat.load(sources), args.title))
        elif args.command == "import":
            file = Path(args.file)
            if file.suffix == ".json":
                result = import_daily_papers(file, sources, args.date)
            elif file.suffix == ".tsv":
                result = import_arxiv_ids(file, sources)
            else:
                raise InputError(
                    [Problem(str(file), 0, "import reads FILE.json (daily papers) or FILE.tsv (arXiv ids)")]
                )
            for note in result.notes:
                print(note)
            for path in result.written:
                print(f"wrote {path}")
        elif args.command == "evaluate":
            c = cat.load(sources)
            print(ev.evaluate(c, Path(args.labels), related_papers(c)))
    except InputError as e:
        for problem in e.problems:
            print(f"error: {problem}", file=sys.stderr)
        undone = "imported" if args.command == "import" else "built"
        print(f"{len(e.problems)} problem(s) found; nothing was {undone}.", file=sys.stderr)
        return 1
    except OutputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0
