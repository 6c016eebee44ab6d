"""The quality benchmark: topics and related papers on the seeds against the curator's labels.

Prints what `python -m generator evaluate evaluation/labels.yaml` prints, for the classifier alone
and with curation, so quality figures sit beside the speed figures in one run.
Usage: python -m benchmarks quality
"""

from __future__ import annotations

import time
from pathlib import Path

from generator import catalogue as cat
from generator import evaluate as ev
from generator.build import default_sources, related_papers

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> None:
    c = cat.load(default_sources(ROOT))
    start = time.perf_counter()
    neighbours = related_papers(c)
    seconds = time.perf_counter() - start
    print(ev.evaluate(c, ROOT / "evaluation" / "labels.yaml", neighbours))
    print(f"\nrelated papers for {len(c.papers)} papers: {seconds * 1000:.0f} ms")
