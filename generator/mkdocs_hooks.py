"""MkDocs hooks: `mkdocs build` and `mkdocs serve` run the generator themselves."""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.exceptions import PluginError

from generator.build import build_docs, default_sources
from generator.problems import InputError
from generator.render import SiteSettings

log = logging.getLogger("mkdocs.hooks.generator")


def _root(config) -> Path:
    return Path(config.config_file_path).resolve().parent


def on_pre_build(config) -> None:
    # Runs before MkDocs collects docs/, so the pages it builds are the fresh ones.
    root = _root(config)
    settings = SiteSettings(listing_edit_url=config.extra.get("listing_edit_url"))
    try:
        report = build_docs(default_sources(root), Path(config.docs_dir), settings)
    except InputError as e:
        raise PluginError("the listings have problems:\n" + "\n".join(str(p) for p in e.problems)) from None
    log.info("generator: %d papers, %d files written", len(report.catalogue.papers), len(report.written))


def on_serve(server, config, builder):
    root = _root(config)
    for path in (root / "seeds", root / "data", Path(__file__).parent / "templates", Path(__file__).parent / "static"):
        server.watch(str(path))
    return server
