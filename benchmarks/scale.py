"""The scale benchmark: generator stages, full build, yardsticks, sizes and incremental builds.

Prints one table; ratios matter more than seconds on a shared, noisy machine.
Usage: python -m benchmarks scale [--sizes 1000 10000 100000] [--work DIR] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path

from generator.search_index import shard_of, terms

from . import yardstick
from .project import BIN, Trash, make_project, run, run_measured, tree_size
from .synth import generate

MKDOCS_TIMEOUT = 600  # the issue allows skipping a full MkDocs build past 10 minutes
QUERIES = ("quantization", "large language models", "mixture of experts")


HUGO_CONFIG = """\
baseURL = "/"
uglyURLs = true
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
[markup.goldmark.renderer]
unsafe = true
"""
HUGO_LAYOUT = "<!doctype html><title>{{ .Title }}</title><body>{{ .Content }}</body>\n"


def hugo_site(project: Path, docs: Path) -> Path:
    site = project / "hugo"
    if site.exists():
        shutil.rmtree(site)
    (site / "layouts" / "_default").mkdir(parents=True)
    (site / "hugo.toml").write_text(HUGO_CONFIG)
    for name in ("single.html", "list.html"):
        (site / "layouts" / "_default" / name).write_text(HUGO_LAYOUT)
    (site / "layouts" / "index.html").write_text(HUGO_LAYOUT)
    for md in docs.rglob("*.md"):
        rel = md.relative_to(docs)
        # Hugo reads a folder's index.md as a leaf bundle and would hide its siblings.
        target = site / "content" / (rel.parent / "_index.md" if rel.name == "index.md" else rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(md, target)
    return site


def gz(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), 6, mtime=0))


def search_sizes(docs: Path) -> dict:
    """Sizes of the generator's index files (the same bytes MkDocs copies into site/search/)."""
    files = [p for p in (docs / "search").rglob("*.js")]
    shards = {p.stem: p for p in (docs / "search" / "t").glob("*.js")}
    chunks = list((docs / "search" / "d").glob("*.js"))
    keys = frozenset(shards)
    loads = []
    for q in QUERIES:
        # The shards of the query's own terms; a typed prefix may load a few more.
        needed = {shard_of(t, keys) for t in terms(q)}
        loads.append(sum(shards[k].stat().st_size for k in needed))
    return {
        "raw": sum(p.stat().st_size for p in files),
        "gzip": sum(gz(p) for p in files),
        "largest_shard": max((p.stat().st_size for p in shards.values()), default=0),
        "query_shards": max(loads),
        "chunk": max((p.stat().st_size for p in chunks), default=0),
    }


def snapshot(docs: Path) -> dict[str, bytes]:
    return {p.relative_to(docs).as_posix(): p.read_bytes() for p in docs.rglob("*") if p.is_file()}


def incremental(project: Path) -> dict:
    cmd = [sys.executable, "-m", "generator", "--root", str(project), "build"]
    again, _, out = run(cmd, project)
    unchanged = int(out.rsplit(" written", 1)[0].rsplit(" ", 1)[1])
    seeds = project / "seeds"
    first = sorted(seeds.glob("*.txt"))[0].read_text().split("\n\n")
    title, abstract = "An Entirely New Paper on Incremental Static Site Builds", first[-1].strip()
    (seeds / "999999_added.txt").write_text(f"Mar 31\n\n{title}\n\n{abstract}\n")
    before = snapshot(project / "docs")
    one, _, out = run(cmd, project)
    after = snapshot(project / "docs")
    changed = Counter(k.split("/")[0] if "/" in k else k for k in after if before.get(k) != after[k])
    written = ", ".join(f"{folder} {count}" for folder, count in sorted(changed.items()))
    (seeds / "999999_added.txt").unlink()
    run(cmd, project)
    return {"again_s": again, "again_written": unchanged, "add_one_s": one, "add_one": written}


STAGES = ("read", "classify_terms_summaries", "related", "render", "search_index", "write", "total")
GENERATOR = ("read", "classify_terms_summaries", "related", "render")  # the generator budget's stages
RATIO_UP_TO = 10_000  # full builds, ours and plain, are repeated up to this size (the ratio's budget)


def generator_s(stages: dict) -> float:
    return sum(stages[k] for k in GENERATOR)


def bench(n: int, work: Path, trash: Trash, repeat: int = 3) -> dict:
    """One size's figures. The machine is shared and its speed swings from minute to minute, so
    the generator's stages run `repeat` times and report each stage's median (every run's sum
    is kept), and up to RATIO_UP_TO papers our full build and the plain one run `repeat` times,
    one after the other in pairs, the ratio being the median of the pairs' ratios: a slow minute
    then slows both builds of a pair instead of one side of the comparison. Our builds in the
    pairs find docs/ as the generator's last run left it, as in a maintainer's checkout (the
    generator compares and writes nothing); a build as CI runs it on a fresh clone, which writes
    every generated page first, is timed once after them. What it is done with goes to the
    trash, emptied after the last measurement (see Trash)."""
    project = make_project(work / f"n{n}", trash)
    generate(n, project / "seeds")
    r: dict = {"n": n}
    runs = [
        json.loads(run([sys.executable, "-m", "benchmarks.stages", str(project)], project)[2]) for _ in range(repeat)
    ]
    r["stage_runs"] = [round(generator_s(one), 2) for one in runs]
    r["stages"] = {k: statistics.median(one[k] for one in runs) for k in STAGES}
    r["stages"]["generator"] = statistics.median(generator_s(one) for one in runs)
    r["stages"]["peak_mb"] = max(one["peak_mb"] for one in runs)
    # The same work as a one-shot build does it, stages overlapping, into an empty folder.
    cold = project / "cold-docs"
    _, _, out = run([sys.executable, "-m", "benchmarks.stages", str(project), "0", "build", str(cold)], project)
    r["oneshot"] = json.loads(out)
    trash.discard(cold)
    papers = project / "docs" / "papers"
    pages = sorted(papers.glob("*.md"))
    r["paper_md_max"] = max(p.stat().st_size for p in pages)
    r["search"] = search_sizes(project / "docs")
    r["incremental"] = incremental(project)
    # The yardstick: the same papers as ordinary Markdown (benchmarks/yardstick.py, fixed code).
    plain = yardstick.write(project / "seeds", project / "yardstick")
    ours_runs, plain_runs = [], []
    for _ in range(repeat if n <= RATIO_UP_TO else 1):
        ours_runs.append(full_build(project, trash))
        plain_runs.append(full_build(plain, trash)[0])
    seconds = [b[0] for b in ours_runs]
    r["mkdocs_s"] = None if None in seconds else statistics.median(seconds)
    r["plain_s"] = None if None in plain_runs else statistics.median(plain_runs)
    if r["mkdocs_s"] is not None:
        r["mkdocs_mb"] = max(b[1] for b in ours_runs)
        r["mkdocs_all_mb"] = max((b[2] for b in ours_runs if b[2] is not None), default=None)
        site = project / "site"
        r["site_mb"] = tree_size(site) / 2**20
        r["paper_html_max"] = max(p.stat().st_size for p in (site / "papers").glob("*.html"))
        if r["plain_s"] is not None:
            r["ratios"] = [round(o / p, 3) for o, p in zip(seconds, plain_runs, strict=True)]
            r["ratio"] = statistics.median(r["ratios"])
    # As CI builds a fresh clone: no generated page in docs/ yet, so the generator writes them all.
    trash.discard(project / "docs")
    (project / "docs").mkdir()
    r["fresh_s"] = full_build(project, trash)[0]
    if n <= RATIO_UP_TO:
        # As a maintainer builds again: MkDocs deletes the last site itself, then writes the new
        # one. After the fresh clone's build, which deleted nothing; ours last, so it pays for
        # both deletions (see Trash).
        r["again_plain_s"] = full_build(plain, trash, over_last=True)[0]
        r["again_s"] = full_build(project, trash, over_last=True)[0]
    hugo = shutil.which("hugo")
    if hugo:
        r["hugo_s"], _, _ = run([hugo, "--quiet", "-s", str(hugo_site(project, plain / "docs"))], project)
    trash.discard(project / "hugo")
    trash.discard(plain)
    return r


def full_build(project: Path, trash: Trash, over_last: bool = False) -> tuple[float | None, float, float | None]:
    """A full `mkdocs build` of the project (ours or the yardstick) into an empty site/, the last
    one's put in the trash (or, `over_last`, left for MkDocs to delete): seconds (None past
    MKDOCS_TIMEOUT), and the peaks of run_measured."""
    if not over_last:
        trash.discard(project / "site")
    try:
        seconds, largest, together, _ = run_measured([str(BIN / "mkdocs"), "build", "--quiet"], project, MKDOCS_TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, 0.0, None
    return seconds, largest, together


def fmt(value, spec=".1f", unit="") -> str:
    return "skipped" if value is None else f"{value:{spec}}{unit}"


def table(results: list[dict]) -> str:
    rows = [("papers", lambda r: f"{r['n']:,}")]
    stage = lambda k: lambda r: fmt(r["stages"][k], ".2f", " s")  # noqa: E731
    rows += [(f"generator: {k} (median of runs)", stage(k)) for k in STAGES[:-1]]
    rows += [
        ("generator: read to render, each run", lambda r: ", ".join(f"{s:.2f}" for s in r["stage_runs"])),
        ("generator: read to render, median", stage("generator")),
        ("generator total (incl. index)", stage("total")),
        (
            "generator, one-shot (stages overlap; + index, writing)",
            lambda r: fmt(r["oneshot"]["build"], ".2f", " s"),
        ),
        ("generator per 1,000 papers", lambda r: f"{r['stages']['total'] / r['n'] * 1000:.2f} s"),
        (
            "generator peak memory (stages timed apart: it holds every page)",
            lambda r: f"{r['stages']['peak_mb']:.0f} MB",
        ),
        ("full mkdocs build (ours, median)", lambda r: fmt(r["mkdocs_s"], ".1f", " s")),
        ("  the same from a fresh clone (docs/ empty; once)", lambda r: fmt(r.get("fresh_s"), ".1f", " s")),
        ("plain Material, same papers as Markdown (median)", lambda r: fmt(r["plain_s"], ".1f", " s")),
        ("hugo, the same Markdown", lambda r: fmt(r.get("hugo_s"), ".2f", " s")),
        ("ours / plain mkdocs, each pair of builds", lambda r: ", ".join(f"{x:.2f}x" for x in r.get("ratios", []))),
        ("ours / plain mkdocs, median", lambda r: fmt(r.get("ratio"), ".2f", "x")),
        (
            "ours / plain, each built again over its last site (once)",
            lambda r: (
                f"{r['again_s']:.1f} / {r['again_plain_s']:.1f} s = {r['again_s'] / r['again_plain_s']:.2f}x"
                if r.get("again_s") and r.get("again_plain_s")
                else "skipped"
            ),
        ),
        (
            "plain mkdocs / hugo",
            lambda r: fmt(r["plain_s"] / r["hugo_s"] if r["plain_s"] and r.get("hugo_s") else None, ".0f", "x"),
        ),
        ("mkdocs build peak memory, largest process", lambda r: fmt(r.get("mkdocs_mb"), ".0f", " MB")),
        ("mkdocs build peak memory, all processes", lambda r: fmt(r.get("mkdocs_all_mb"), ".0f", " MB")),
        ("site size", lambda r: fmt(r.get("site_mb"), ".0f", " MB")),
        ("largest paper page (HTML)", lambda r: fmt(r.get("paper_html_max"), ",", " B")),
        ("largest paper page (Markdown)", lambda r: f"{r['paper_md_max']:,} B"),
        (
            "search index, all files",
            lambda r: (
                f"{r['search']['raw'] / 2**20:.1f} MB raw, {r['search']['gzip'] / 2**20:.1f} MB gzip"
                if "search" in r
                else "skipped"
            ),
        ),
        (
            "search: largest shard",
            lambda r: fmt(r["search"]["largest_shard"] / 1024 if "search" in r else None, ".0f", " KB"),
        ),
        (
            "search: shards one query loads (max of 3)",
            lambda r: fmt(r["search"]["query_shards"] / 1024 if "search" in r else None, ".0f", " KB"),
        ),
        (
            "rebuild, nothing changed",
            lambda r: f"{r['incremental']['again_s']:.1f} s, {r['incremental']['again_written']} files written",
        ),
        ("rebuild, one paper added", lambda r: f"{r['incremental']['add_one_s']:.1f} s"),
        ("  files it rewrote, by folder", lambda r: r["incremental"]["add_one"]),
    ]
    width = max(len(name) for name, _ in rows)
    cols = [[get(r) for r in results] for _, get in rows]
    colw = [max(len(c[i]) for c in cols) for i in range(len(results))]
    lines = []
    for (name, _), values in zip(rows, cols, strict=True):
        lines.append(f"{name:<{width}}  " + "  ".join(f"{v:>{w}}" for v, w in zip(values, colw, strict=True)))
        if name == "papers":
            lines.append("-" * len(lines[-1]))
    return "\n".join(lines)


def budgets(results: list[dict]) -> list[str]:
    out = []
    for r in results:
        gen = r["stages"]["generator"]
        runs = ", ".join(f"{x:.1f}" for x in r["stage_runs"])
        if r["n"] == 10_000:
            out.append(
                f"generator at 10,000 (read, classify with terms and summaries, related, render): {gen:.1f} s, "
                f"median of {len(r['stage_runs'])} runs ({runs}), budget 5 s: " + ("met" if gen <= 5 else "NOT MET")
            )
            if r.get("ratio") is not None:
                ratio = r["ratio"]
                out.append(
                    f"full build at 10,000: {ratio:.2f}x a plain Material build of the same papers, median of "
                    f"{len(r['ratios'])} pairs ({', '.join(f'{x:.2f}' for x in r['ratios'])}), budget 0.35x: "
                    + ("met" if ratio <= 0.35 else "NOT MET")
                )
        if r["n"] == 100_000:
            out.append(
                f"generator at 100,000: {gen:.1f} s, median of {len(r['stage_runs'])} runs ({runs}), budget 60 s: "
                + ("met" if gen <= 60 else "NOT MET")
            )
            if r["mkdocs_s"] is None:
                out.append("full mkdocs build at 100,000: skipped, it ran past 10 minutes")
            else:
                # Every process of the build counts: its workers' memory is the machine's too.
                peak = r.get("mkdocs_all_mb") or r.get("mkdocs_mb", 0)
                out.append(
                    f"full build at 100,000: {r['mkdocs_s']:.0f} s (budget 300 s: "
                    + ("met" if r["mkdocs_s"] <= 300 else "NOT MET")
                    + f"), peak {peak:.0f} MB, all processes (budget 1,536 MB: "
                    + ("met" if peak <= 1536 else "NOT MET")
                    + ")"
                )
        out.append(f"incremental at {r['n']:,}: unchanged rebuild wrote {r['incremental']['again_written']} files")
    pages = [r.get("paper_html_max") for r in results if r.get("paper_html_max")]
    if len(pages) > 1:
        out.append(
            f"largest paper page from {results[0]['n']:,} to {results[-1]['n']:,} papers: {min(pages):,} to {max(pages):,} bytes"
        )
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks scale")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--work", type=Path, default=Path("bench-out"))
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of the stages, and pairs of full builds (see bench)"
    )
    args = parser.parse_args(argv)
    results = []
    trash = Trash(args.work.resolve() / "trash")
    trash.empty()  # an interrupted run's
    try:
        for n in args.sizes:
            print(f"... {n:,} papers", file=sys.stderr, flush=True)
            results.append(bench(n, args.work.resolve(), trash, max(1, args.repeat)))
    finally:
        trash.empty()
    print(table(results))
    print()
    print("\n".join(budgets(results)))
    (args.work / "scale.json").write_text(json.dumps(results, indent=1))
