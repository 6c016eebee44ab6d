"""How long `mkdocs serve --dirty` takes to show an edited listing.

Serves a synthetic list, edits one paper's abstract in its listing five times, and polls the paper's
page over HTTP until each new text is there; the median is the figure. The project is a git
repository with its listings committed, as a maintainer's checkout is: a listing's date is when
it was committed, so an edit does not make it the newest listing (with no git, the date is the
file's time and every edit moves its papers to the top of the feeds).
Usage: python -m benchmarks.serve [--n 2500] [--work DIR]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from generator.slugs import slugify

from .project import BIN, make_project
from .synth import generate


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8")
    except OSError:
        return None


def _wait_for(url: str, text: str, timeout: float) -> float | None:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        page = _get(url)
        if page and text in page:
            return time.perf_counter() - start
        time.sleep(0.05)
    return None


def _commit(project: Path) -> None:
    git = ["git", "-c", "user.name=benchmark", "-c", "user.email=benchmark@example.invalid"]
    for args in (["init", "-q"], ["add", "seeds", "data", "mkdocs.yml"], ["commit", "-q", "-m", "listings"]):
        subprocess.run([*git, *args], cwd=project, check=True, capture_output=True)


# Edits per run: MkDocs looks for changes every half second, so one edit's time varies by up to
# that much with when it lands; the median of several is the figure.
EDITS = 5


def measure(n: int, work: Path) -> dict:
    project = make_project(work / f"serve{n}")
    generate(n, project / "seeds")
    _commit(project)
    listing = sorted((project / "seeds").glob("*.txt"))[len(list((project / "seeds").glob("*.txt"))) // 2]
    blocks = listing.read_text(encoding="utf-8").split("\n\n")
    title = blocks[5]  # chrome (4 blocks), date, then the first title
    port = _free_port()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    server = subprocess.Popen(
        [str(BIN / "mkdocs"), "serve", "--dirty", "--no-strict", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # mkdocs serve mounts the site at site_url's path (/REPO/ for the placeholder).
        mount = urlsplit(yaml.safe_load((project / "mkdocs.yml").read_text())["site_url"]).path
        url = f"http://127.0.0.1:{port}{mount}papers/{slugify(title)}.html"
        first = _wait_for(url, "<h1", timeout=900)
        if first is None:
            return {"n": n, "first_build_s": None, "edit_s": None}
        edits = []
        abstract = blocks[6].rstrip()
        for k in range(EDITS):
            time.sleep(5)  # let the rebuild that the last build's own writes trigger finish
            blocks[6] = f"{abstract} Edited while serving, marker 42{k}42."
            start = time.perf_counter()
            listing.write_text("\n\n".join(blocks), encoding="utf-8")
            shown = _wait_for(url, f"marker 42{k}42", timeout=120)
            if shown is None:
                return {"n": n, "first_build_s": first, "edit_s": None}
            edits.append(time.perf_counter() - start)
        return {"n": n, "first_build_s": first, "edit_s": statistics.median(edits), "edits_s": edits}
    finally:
        server.terminate()
        server.wait(timeout=30)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.serve")
    parser.add_argument("--n", type=int, default=2500)
    parser.add_argument("--work", type=Path, default=Path("bench-out"))
    args = parser.parse_args(argv)
    r = measure(args.n, args.work.resolve())
    if r["edit_s"] is None:
        edit = "did not show within 120 s"
    else:
        each = ", ".join(f"{s:.1f}" for s in r["edits_s"])
        edit = f"{r['edit_s']:.1f} s (median of {len(r['edits_s'])} edits: {each} s)"
    print(
        f"mkdocs serve --dirty at {r['n']:,} papers: first build {r['first_build_s']:.0f} s; edited listing shown after {edit}"
    )
    if r["edit_s"] is not None:
        print("budget 2 s (median): " + ("met" if r["edit_s"] <= 2 else "NOT MET"))


if __name__ == "__main__":
    main(sys.argv[1:])
