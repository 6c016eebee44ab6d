"""One cold generator run, stage by stage, in its own process: prints JSON timings and peak memory.

Usage: python -m benchmarks.stages PROJECT_DIR [WORKERS]
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from generator import catalogue as cat
from generator.build import (
    default_sources,
    listing_dates_of,
    paper_texts_of,
    related_papers,
    site_settings,
    static_files,
)
from generator.listings import read_listings
from generator.parallel import available
from generator.render import render_lists, render_papers
from generator.search_index import build_index, documents
from generator.writer import write_files


def main() -> None:
    root = Path(sys.argv[1])
    sources = default_sources(root)
    t = {}
    settings = site_settings(root)  # read before timing: loading mkdocs.yml is not the generator's work
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else available()  # as a one-shot build runs
    start = time.perf_counter()
    listings, problems = read_listings(sources.seeds)
    t["read"] = time.perf_counter() - start
    mark = time.perf_counter()
    taxonomy, _ = cat.load_taxonomy(sources.taxonomy)
    curation, _ = cat.load_curation(sources.curation)
    catalogue, problems = cat.build_catalogue(listings, taxonomy, curation, workers=workers)
    assert not problems, problems[:3]
    t["classify"] = time.perf_counter() - mark
    mark = time.perf_counter()
    texts = paper_texts_of(catalogue, workers)
    t["terms_summaries"] = time.perf_counter() - mark
    mark = time.perf_counter()
    neighbours = related_papers(catalogue, texts.terms)
    t["related"] = time.perf_counter() - mark
    mark = time.perf_counter()
    dates = listing_dates_of(catalogue, sources)
    files = list(render_papers(catalogue, settings, neighbours, texts.summaries, workers=workers))
    files += render_lists(catalogue, settings, dates, texts.summaries)
    t["render"] = time.perf_counter() - mark
    mark = time.perf_counter()
    files += build_index(documents(catalogue, texts.summaries, texts.terms)).items()
    t["search_index"] = time.perf_counter() - mark
    mark = time.perf_counter()
    files += static_files()
    write_files(files, root / "docs")
    t["write"] = time.perf_counter() - mark
    t["total"] = time.perf_counter() - start
    t["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t["papers"] = len(catalogue.papers)
    t["workers"] = workers
    print(json.dumps(t))


if __name__ == "__main__":
    main()
