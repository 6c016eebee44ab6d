"""MkDocs hooks: `mkdocs build` and `mkdocs serve` run the generator themselves."""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.exceptions import PluginError

from generator.build import build_docs, default_sources
from generator.problems import InputError
from generator.render import SiteSettings
from generator.writer import OutputError

log = logging.getLogger("mkdocs.hooks.generator")


class _LastRun:
    """What the generator saw the last time it ran in this process (mkdocs serve lives long)."""

    serving = False
    inputs: tuple | None = None
    docs: tuple | None = None


def _fingerprint(*paths: Path) -> tuple:
    """Names, sizes and modification times of the files at or below the given paths."""
    files = (q for p in paths for q in ([p] if p.is_file() else sorted(p.rglob("*"))))
    return tuple((str(f), st.st_mtime_ns, st.st_size) for f in files if f.is_file() and (st := f.stat()))


def _root(config) -> Path:
    return Path(config.config_file_path).resolve().parent


def _inputs(root: Path) -> list[Path]:
    """What the generator reads besides mkdocs.yml: what serve watches and what changes a run."""
    sources = default_sources(root)
    here = Path(__file__).parent
    return [sources.seeds, sources.taxonomy.parent, here / "templates", here / "static"]


def on_startup(command, dirty) -> None:
    # Only a long-lived `mkdocs serve` can reuse a run; a one-shot build skips the bookkeeping.
    _LastRun.serving = command == "serve"


def on_pre_build(config) -> None:
    # Runs before MkDocs collects docs/, so the pages it builds are the fresh ones.
    root = _root(config)
    docs = Path(config.docs_dir)
    inputs = _fingerprint(*_inputs(root), root / "mkdocs.yml") if _LastRun.serving else None
    # The generator's own writes to docs/ make mkdocs serve build again: with nothing changed
    # since, that build need not run the generator.
    if inputs is not None and inputs == _LastRun.inputs and _fingerprint(docs) == _LastRun.docs:
        log.info("generator: inputs unchanged since its last run")
        return
    settings = SiteSettings(listing_edit_url=config.extra.get("listing_edit_url"))
    try:
        report = build_docs(default_sources(root), docs, settings)
    except InputError as e:
        raise PluginError("the listings have problems:\n" + "\n".join(str(p) for p in e.problems)) from None
    except OutputError as e:
        raise PluginError(str(e)) from None
    if _LastRun.serving:
        _LastRun.inputs, _LastRun.docs = inputs, _fingerprint(docs)
    log.info("generator: %d papers, %d files written", len(report.catalogue.papers), len(report.written))


def on_serve(server, config, builder):
    for path in _inputs(_root(config)):
        server.watch(str(path))
    return server
