"""MkDocs hooks: `mkdocs build` and `mkdocs serve` run the generator themselves, and the pages
it wrote as HTML go into Material's page template without a Markdown pass (see render.py)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from types import MethodType
from urllib.parse import urlsplit

from mkdocs.exceptions import PluginError
from mkdocs.structure.toc import get_toc

from generator.build import build_docs, default_sources
from generator.problems import InputError
from generator.render import GENERATED, SiteSettings
from generator.writer import OutputError

log = logging.getLogger("mkdocs.hooks.generator")


class _LastRun:
    """What the generator saw the last time it ran in this process (mkdocs serve lives long)."""

    serving = False
    inputs: tuple | None = None
    docs: tuple | None = None
    pages: frozenset[str] = frozenset()  # the generated pages, docs/-relative


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
    settings = SiteSettings.from_config(config)
    try:
        report = build_docs(default_sources(root), docs, settings)
    except InputError as e:
        raise PluginError("the listings have problems:\n" + "\n".join(str(p) for p in e.problems)) from None
    except OutputError as e:
        raise PluginError(str(e)) from None
    _LastRun.pages = frozenset(name for name in report.names if name.endswith(".md"))
    if _LastRun.serving:
        _LastRun.inputs, _LastRun.docs = inputs, _fingerprint(docs)
    log.info("generator: %d papers, %d files written", len(report.catalogue.papers), len(report.written))


def on_serve(server, config, builder):
    for path in _inputs(_root(config)):
        server.watch(str(path))
    return server


def on_pre_page(page, config, files):
    if page.file.src_uri in _LastRun.pages:
        page.read_source = MethodType(_read_generated, page)
        page.render = MethodType(_render_generated, page)
    return page


def _read_generated(page, config) -> None:
    """A generated page: its header is one line of JSON, its body HTML (render.page)."""
    text = page.file.content_string
    header, found, body = text.removeprefix("---\n").partition("\n---\n")
    try:
        meta = json.loads(header) if found and text.startswith("---\n") else None
    except ValueError:
        meta = None
    if not isinstance(meta, dict) or not isinstance(meta.get(GENERATED), dict):
        raise PluginError(
            f"{page.file.src_uri}: the generated page's header is broken; run the build again to rewrite it"
        )
    page.meta = meta
    page.markdown = body


def _render_generated(page, config, files) -> None:
    tokens: list[dict] = []
    open_levels: list[dict] = []
    for level, anchor, name in page.meta[GENERATED]["toc"]:
        token = {"level": level, "id": anchor, "name": name, "children": []}
        while open_levels and open_levels[-1]["level"] >= level:
            open_levels.pop()
        (open_levels[-1]["children"] if open_levels else tokens).append(token)
        open_levels.append(token)
    page.content = page.markdown
    page.toc = get_toc(tokens)
    page.present_anchor_ids = {anchor for _, anchor, _ in page.meta[GENERATED]["toc"]}


# Served for any missing address, at any depth, under the site's path or at a host's root, or
# opened from disk: the 404 page cannot know its own base when it is built. Its addresses are made
# relative and a <base> set first thing in <head> from where it is actually served.
_BASE_SCRIPT = (
    "<script>(function(l,p){var b=l.protocol==='file:'?l.href.replace(/[^/]*([?#].*)?$/,''):"
    "l.origin+(l.pathname.indexOf(p)===0?p:'/');var e=document.createElement('base');e.href=b;"
    "document.head.appendChild(e)})(location,%s)</script>"
)


def on_post_template(output: str, template_name: str, config) -> str:
    if template_name != "404.html":
        return output
    prefix = urlsplit(config.site_url or "/").path or "/"
    prefix = prefix if prefix.endswith("/") else prefix + "/"
    output = output.replace(f'href="{prefix}', 'href="').replace(f'src="{prefix}', 'src="')
    output = output.replace(f'"base": "{prefix}"', '"base": "."')
    return output.replace("<head>", "<head>" + _BASE_SCRIPT % json.dumps(prefix), 1)
