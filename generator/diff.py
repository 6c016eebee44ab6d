"""Comparing two catalogues: which papers a change adds, changes and removes.

A paper is identified by its normalised title (its address derives from it). Where it is
listed is not part of the paper, so moving it between listings or renaming a listing file is
no change to it.
"""

from __future__ import annotations

import subprocess
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

from . import catalogue as cat
from .build import default_sources
from .problems import InputError, Problem
from .topics import explain

EVIDENCE_SHOWN = 3  # words per topic in the pull request comment

COMPARED = ("title", "abstract", "topic_ids", "arxiv", "code", "project", "note")
_NAMES = {"topic_ids": "topics"}


def _entry(p: cat.Paper) -> dict:
    return {"slug": p.slug, "title": p.title, "url": f"papers/{p.slug}.html"}


def _topics(p: cat.Paper, taxonomy) -> dict:
    """A new paper's topics with the evidence for each, for a reviewer to check."""
    scores = {s.topic: s for s in explain(taxonomy, p.title, p.abstract)}
    topics = [
        {
            "id": t,
            "score": score,
            "evidence": [f"{h.word} ({h.where})" for h in scores[t].hits[:EVIDENCE_SHOWN]],
        }
        for t, score in p.topics
    ]
    return {"topics": topics, "curated": p.curated, "unclear": p.unclear}


def compare(old: cat.Catalogue, new: cat.Catalogue) -> dict:
    before = {p.slug: p for p in old.papers}
    after = {p.slug: p for p in new.papers}
    changed = []
    for slug in sorted(before.keys() & after.keys()):
        fields = [f for f in COMPARED if getattr(before[slug], f) != getattr(after[slug], f)]
        if fields:
            changed.append({**_entry(after[slug]), "fields": [_NAMES.get(f, f) for f in fields]})
    return {
        "added": [
            {**_entry(after[s]), **_topics(after[s], new.taxonomy)} for s in sorted(after.keys() - before.keys())
        ],
        "changed": changed,
        "removed": [_entry(before[s]) for s in sorted(before.keys() - after.keys())],
    }


def _extract(rev: str, root: Path, into: Path) -> None:
    """The project's inputs (seeds/, data/) as they were at a git revision."""
    try:
        archive = subprocess.run(
            ["git", "archive", "--format=tar", rev, "seeds", "data"], cwd=root, capture_output=True, check=True
        ).stdout
    except (subprocess.CalledProcessError, FileNotFoundError) as e:
        detail = e.stderr.decode(errors="replace").strip() if isinstance(e, subprocess.CalledProcessError) else str(e)
        raise InputError([Problem(rev, 0, f"cannot read seeds/ and data/ at this git revision: {detail}")]) from None
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")


def load_base(base: str, root: Path) -> cat.Catalogue:
    """The catalogue at BASE: a seeds folder (with today's taxonomy and curation) or a git revision."""
    current = default_sources(root)
    if Path(base).is_dir():
        return cat.load(cat.Sources(Path(base), current.taxonomy, current.curation))
    with tempfile.TemporaryDirectory() as tmp:
        _extract(base, root, Path(tmp))
        then = default_sources(Path(tmp))
        return cat.load(
            cat.Sources(
                then.seeds,
                then.taxonomy if then.taxonomy.exists() else current.taxonomy,
                then.curation if then.curation.exists() else current.curation,
                then.metadata,
            )
        )
