"""One cold generator run in its own process: prints JSON timings and peak memory. Stage by
stage, one after the other, or (with `build`) the whole of it as a one-shot build runs it.

Usage: python -m benchmarks.stages PROJECT_DIR [WORKERS [build OUT_DIR]]
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from generator import catalogue as cat
from generator.build import (
    PaperTexts,
    _paper_text,
    build_docs,
    default_sources,
    listing_dates_of,
    related_papers,
    site_settings,
    static_files,
)
from generator.listings import read_listings
from generator.parallel import available, fewer_collections, start_server
from generator.render import render_lists, render_papers
from generator.search_index import build_index, documents
from generator.writer import write_files


def main() -> None:
    root = Path(sys.argv[1])
    # 0 or none: as many as a one-shot build uses
    workers = int(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2] != "0" else available()
    settings = site_settings(root)  # read before timing: loading mkdocs.yml is not the generator's work
    if len(sys.argv) > 3 and sys.argv[3] == "build":
        # The generator as a one-shot build runs it, its stages overlapping, into OUT_DIR.
        start = time.perf_counter()
        build_docs(default_sources(root), Path(sys.argv[4]), settings, workers=workers)
        t = {"build": time.perf_counter() - start}
    else:
        with fewer_collections():  # as build_docs runs
            t = stages(root, settings, workers)
    t["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t["workers"] = workers
    print(json.dumps(t))


def stages(root: Path, settings, workers: int) -> dict:
    """Each stage timed on its own, one after the other."""
    sources = default_sources(root)
    t = {}
    if workers > 1:
        start_server()  # as build_docs does, before it reads
    start = time.perf_counter()
    listings, problems = read_listings(sources.seeds)
    t["read"] = time.perf_counter() - start
    mark = time.perf_counter()
    taxonomy, _ = cat.load_taxonomy(sources.taxonomy)
    curation, _ = cat.load_curation(sources.curation)
    read: dict = {}
    catalogue, problems = cat.build_catalogue(
        listings, taxonomy, curation, workers=workers, also=_paper_text, read=read
    )
    assert not problems, problems[:3]
    texts = PaperTexts.of(read)
    t["classify_terms_summaries"] = time.perf_counter() - mark
    mark = time.perf_counter()
    neighbours = related_papers(catalogue, texts.terms, workers)
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
    t["papers"] = len(catalogue.papers)
    return t


if __name__ == "__main__":
    main()
