"""MkDocs hooks: `mkdocs build` and `mkdocs serve` run the generator themselves, the pages it
wrote as HTML go into Material's page template without a Markdown pass (see render.py), and a
process beside MkDocs writes them into the site (_PageWriter)."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import stat
from pathlib import Path
from types import MethodType
from urllib.parse import urlsplit

import jinja2
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.toc import get_toc
from mkdocs.utils import write_file

from generator.build import build_docs, default_sources
from generator.parallel import Writer, available, can_fork, fewer_collections, in_child
from generator.problems import InputError
from generator.render import GENERATED, PageMemo, SiteSettings
from generator.writer import OutputError

log = logging.getLogger("mkdocs.hooks.generator")


class _LastRun:
    """What the generator saw the last time it ran in this process (mkdocs serve lives long)."""

    serving = False
    inputs: tuple | None = None
    docs: tuple | None = None
    pages: dict[str, str] = {}  # the generated pages, docs/-relative -> their front matter line
    in_nav: frozenset[str] = frozenset()  # pages in the navigation (not rendered by shape)
    shapes = None  # this build's _Shapes
    memo: PageMemo | None = None  # paper pages of the last run, while serving
    compiled: jinja2.BytecodeCache | None = None  # the theme's templates, while serving
    collecting = contextlib.ExitStack()  # a one-shot build's fewer_collections(), to its shutdown
    writer: _PageWriter | None = None  # this build's, from its start to its end


class _CompiledTemplates(jinja2.BytecodeCache):
    """The theme's templates compiled once per serve: MkDocs makes a new Jinja environment for
    every build, which compiled all of Material's templates again (about 0.5 s). Jinja checks
    each template's source against the compiled one's, so an edited template is compiled anew."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


def _fingerprint(*paths: Path) -> tuple:
    """Names, sizes and modification times of the files at or below the given paths. Serve
    takes one of docs/ after every build: os.walk and one stat a file, where pathlib's rglob
    took three times as long (0.07 s at 2,500 papers)."""
    found = []
    for path in paths:
        names = (
            [str(path)]
            if path.is_file()
            else (os.path.join(folder, name) for folder, _, files in os.walk(path, followlinks=True) for name in files)
        )
        for name in names:
            try:
                st = os.stat(name)
            except OSError:  # a broken link, or a file gone since the listing
                continue
            if stat.S_ISREG(st.st_mode):
                found.append((name, st.st_mtime_ns, st.st_size))
    return tuple(sorted(found))


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
    _LastRun.memo = PageMemo() if _LastRun.serving else None
    _LastRun.compiled = _CompiledTemplates() if _LastRun.serving else None
    # MkDocs keeps its pages, files and navigation to a one-shot build's end, as the generator
    # does its own (parallel.YOUNG_OBJECTS): at 100,000 papers its collections took 5.3 s, 2.6 s
    # with this. mkdocs serve's process keeps its thresholds; each run of the generator in it
    # changes them only while it runs.
    if not _LastRun.serving:
        _LastRun.collecting.enter_context(fewer_collections())


def on_shutdown() -> None:
    _LastRun.collecting.close()


def on_pre_build(config) -> None:
    # The process that writes generated pages is forked now, while this one is small: forked
    # when the pages come, it shared MkDocs' every page read, and each page MkDocs wrote to
    # after was copied (at 100,000 papers the build's processes took 1,815 MB, not 1,361).
    _close_writer(failed=True)  # a build interrupted before its end may have left one
    if os.environ.get(FULL_RENDER) != "1" and can_fork():
        _LastRun.writer = _PageWriter()
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
        if _LastRun.serving:  # reuses its last run's pages and caches: in this process
            pages, papers, written = _generate(root, docs, settings, _LastRun.memo, 1)
        else:  # a process of its own, every core: MkDocs does not keep what it held
            pages, papers, written = in_child(_generate, root, docs, settings, None, available())
    except InputError as e:
        raise PluginError("the listings have problems:\n" + "\n".join(str(p) for p in e.problems)) from None
    except OutputError as e:
        raise PluginError(str(e)) from None
    _LastRun.pages = pages
    if _LastRun.serving:
        _LastRun.inputs, _LastRun.docs = inputs, _fingerprint(docs)
    log.info("generator: %d papers, %d files written", papers, written)


def _generate(root: Path, docs: Path, settings: SiteSettings, memo: PageMemo | None, workers: int):
    """The generated pages (docs/-relative) with their front matter lines, and how many papers
    and files written."""
    report = build_docs(default_sources(root), docs, settings, memo, workers)
    pages = report.headers
    return pages, len(report.catalogue.papers), len(report.written)


def on_serve(server, config, builder):
    for path in _inputs(_root(config)):
        server.watch(str(path))
    return server


def on_pre_page(page, config, files):
    if page.file.src_uri in _LastRun.pages:
        page.read_source = MethodType(_read_generated, page)
        page.render = MethodType(_render_generated, page)
    return page


# Material's page template, rendered once per shape of page. Generated pages outside the
# navigation differ only in a few values (title, description, canonical address, head lines,
# content); the table of contents and the depth of the page in the site are the same for all
# pages of one shape. So the template is rendered once with marker values, cut at the markers,
# and each page of that shape is the pieces with its own values in between. The first pages
# of each shape are rendered in full as well and must come out byte for byte the same, else
# the shape is always rendered in full: a theme change that treats a value differently (escapes
# it, shortens it) costs speed, never correctness. tests/test_site.py compares whole sites.
SHAPED = "generated-page.html"  # the template name generated pages ask for (page.meta.template)
_MARK = "\x00{}&<>\"'\x00"  # characters any filter would change: a changed marker is found
_HOLES = ("title", "description", "canonical", "head", "content", "anchor")
_CHECKED = 2  # pages of each shape rendered in full too, and compared


class _Shapes:
    def __init__(self, template):
        self.template = template
        self.shapes: dict[tuple, list | None] = {}  # shape -> pieces, or None: render in full
        self.checked: dict[tuple, int] = {}
        self.filled = self.full = 0

    @staticmethod
    def _values(page) -> dict[str, str]:
        generated = page.meta[GENERATED]
        return {
            "title": page.meta.get("title", ""),
            "description": page.meta.get("description", ""),
            "canonical": page.canonical_url or "",
            "head": generated.get("head", ""),
            "content": page.content or "",
            # The first heading's anchor: Material's "skip to content" link points at it.
            "anchor": page.toc.items[0].id if page.toc.items else "",
        }

    @staticmethod
    def _toc(items) -> tuple:
        return tuple((t.level, t.id, t.title, _Shapes._toc(t.children)) for t in items)

    @staticmethod
    def _shape(context, values: dict[str, str]) -> tuple:
        page = context["page"]
        items = list(page.toc)
        # Material leaves a lone title heading out of the table of contents: its text and
        # anchor are the page's own, in its content only (the full renders check that).
        if len(items) == 1 and items[0].level == 1:
            toc = ("h1", _Shapes._toc(items[0].children))
        else:
            toc = _Shapes._toc(items)
        # Which values are present changes which branches the template takes.
        present = tuple(bool(v) for v in values.values())
        # Material adds a title heading to content that has none.
        has_h1 = "<h1" in values["content"]
        # Relative links from the page (navigation, assets) depend on its folder.
        folder = page.url.rpartition("/")[0]
        return (context["base_url"], folder, toc, present, has_h1)

    def _learn(self, context, values: dict[str, str]) -> list | None:
        page = context["page"]
        saved = (page.meta, page.content, page.canonical_url)
        first = page.toc.items[0] if page.toc.items else None
        saved_anchor = first.id if first else None
        # Markers only where the page has a value: an absent one takes the template elsewhere.
        marks = {hole: _MARK.format(hole) for hole in _HOLES if values[hole]}
        if "<h1" in values["content"]:
            marks["content"] = _MARK.format("content<h1>")
        meta = dict(page.meta)
        for hole in ("title", "description"):
            if hole in marks:
                meta[hole] = marks[hole]
        meta[GENERATED] = dict(page.meta[GENERATED])
        if "head" in marks:
            meta[GENERATED]["head"] = marks["head"]
        page.meta = meta
        page.content = marks.get("content", page.content)
        page.canonical_url = marks.get("canonical", page.canonical_url)
        if first and "anchor" in marks:
            first.id = marks["anchor"]
        try:
            output = self.template.render(context)
        finally:
            page.meta, page.content, page.canonical_url = saved
            if first:
                first.id = saved_anchor
        pieces: list = []
        rest = output
        while True:
            at = [(rest.find(m), hole) for hole, m in marks.items() if m in rest]
            if not at:
                break
            index, hole = min(at)
            pieces += [rest[:index], hole]
            rest = rest[index + len(marks[hole]) :]
        pieces.append(rest)
        if any("\x00" in piece for piece in pieces[::2]):
            return None  # a marker was changed on its way into the page: render in full
        return pieces

    def render(self, context) -> str:
        values = self._values(context["page"])
        key = self._shape(context, values)
        if key not in self.shapes:
            self.shapes[key] = self._learn(context, values)
        pieces = self.shapes[key]
        if pieces is None:
            self.full += 1
            return self.template.render(context)
        self.filled += 1
        output = "".join(values[p] if i % 2 else p for i, p in enumerate(pieces))
        if self.checked.get(key, 0) < _CHECKED:
            self.checked[key] = self.checked.get(key, 0) + 1
            full = self.template.render(context)
            if full != output:
                log.debug("generator: page shape %s renders differently; rendering it in full", key)
                self.shapes[key] = None
                return full
        return output


def on_env(env, config, files):
    """Generated pages outside the navigation ask for SHAPED: Material's main.html, rendered
    once per shape of page (see _Shapes)."""
    if _LastRun.compiled is not None:
        env.bytecode_cache = _LastRun.compiled
    get_template = env.get_template
    shapes = _LastRun.shapes = _Shapes(get_template("main.html"))

    def get(name, *args, **kwargs):
        return shapes if name == SHAPED else get_template(name, *args, **kwargs)

    env.get_template = get
    return env


def on_post_build(config):
    written = _close_writer()
    shapes = _LastRun.shapes
    if shapes is not None and shapes.filled + shapes.full:
        log.info(
            "generator: %d pages filled into %d page shapes, %d rendered in full; %d written beside MkDocs",
            shapes.filled,
            sum(1 for p in shapes.shapes.values() if p is not None),
            shapes.full,
            written,
        )


def on_nav(nav, config, files):
    _LastRun.in_nav = frozenset(p.file.src_uri for p in nav.pages)
    return nav


# Set to 1 to render every page in full and have MkDocs write it (the test that compares both,
# or to rule this out).
FULL_RENDER = "READING_LIST_FULL_RENDER"


def on_page_markdown(markdown, page, config, files):
    # Pages in the navigation mark their own entry active: they are not all of one shape.
    shaped = os.environ.get(FULL_RENDER) != "1"
    if shaped and page.file.src_uri in _LastRun.pages and page.file.src_uri not in _LastRun.in_nav:
        page.meta["template"] = SHAPED
    return markdown


def _broken(page) -> PluginError:
    return PluginError(f"{page.file.src_uri}: the generated page's header is broken; run the build again to rewrite it")


def _read_generated(page, config) -> None:
    # The page's header (one line of JSON, render.page) comes from the generator, which saw it
    # as it wrote it: opening 100,000 pages here for it took seconds. MkDocs reads every page
    # before it builds any and keeps what it read to the end: the body is read when the page is
    # built (on_page_context) and let go once it is written (on_post_page), so memory does not
    # grow with the bodies of 100,000 pages.
    try:
        meta = json.loads(_LastRun.pages[page.file.src_uri])
    except ValueError:
        meta = None
    if not isinstance(meta, dict) or not isinstance(meta.get(GENERATED), dict):
        raise _broken(page)
    page.meta = meta
    page.markdown = ""


def _body(page) -> str:
    """A generated page's HTML body, after its header."""
    text = page.file.content_string
    _, found, body = text.partition("\n---\n")
    if not (found and text.startswith("---\n")):
        raise _broken(page)
    return body


# After Material's search plugin: generated pages are not in its index (the site has its own,
# search_index.py), yet it ran a regular expression over every page's whole content to strip
# attributes only Markdown extensions write (2 s at 10,000 papers). Given no content, it has
# none to scan.
@event_priority(-100)
def on_page_context(context, page, config, nav):
    if page.file.src_uri in _LastRun.pages:
        page.content = _body(page)
    return context


# MkDocs' message for a page whose output is empty, which it then does not write.
_SKIPPED = "Page skipped: '{}'. Generated empty output."


class _PageWriter(logging.Filter):
    """Generated pages written to site/ by a process of their own (parallel.Writer) while MkDocs
    builds the pages after them. MkDocs writes each page before it builds the next, on one core
    with the other idle, and deletes the last site before it starts. On ext4 without a journal
    (as on the machine this was measured on), a file created in the minutes after many were
    deleted costs CPU: ext4 looks past each recently deleted inode for a free one. Building over
    the last site at 10,000 papers, MkDocs spent 5.5 to 6.6 s on the pages, 1.8 s with site/ in
    memory (tmpfs). With this, that cost and the rest of writing run on the other core: the build
    took 13.3 s against 14.3 s without it (medians of six, alternating), and 8.7 s against 9.4 s
    into a site folder nothing was deleted from lately (medians of eight). MkDocs is handed an empty
    page instead, which it does not write; its message saying so is kept out of the log (a line
    a page). Should a version of MkDocs write empty pages after all, the files' sizes show it at
    the end, and the build fails instead of leaving pages that may be empty."""

    def __init__(self) -> None:
        super().__init__()
        self.writer = Writer(write_file)
        self.written: list[tuple[str, int]] = []
        self.skipped: set[str] = set()
        self.log = logging.getLogger("mkdocs.commands.build")
        self.log.addFilter(self)

    def hand(self, output: str, page) -> str:
        data = output.encode("utf-8", errors="xmlcharrefreplace")  # as MkDocs encodes a page
        try:
            self.writer.write(page.file.abs_dest_path, data)
        except OSError as e:
            raise PluginError(str(e)) from None
        self.written.append((page.file.abs_dest_path, len(data)))
        self.skipped.add(_SKIPPED.format(page.file.src_uri))
        return ""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() not in self.skipped

    def close(self, failed: bool = False) -> int:
        """Waits for the pages to be written and checks them; the number written. After a
        failed build, only ends the writing."""
        self.log.removeFilter(self)
        with self.writer:
            if failed:
                return 0
            try:
                self.writer.close()
            except OSError as e:
                raise PluginError(str(e)) from None
        for path, size in self.written:
            if not os.path.isfile(path) or os.path.getsize(path) != size:
                raise PluginError(
                    f"{path} is not the page the generator wrote: this version of MkDocs may write the empty"
                    f" pages it is handed. Build with {FULL_RENDER}=1 to have MkDocs write every page."
                )
        return len(self.written)


@event_priority(-100)  # after other plugins': the page as they leave it is the one written
def on_post_page(output, page, config):
    if page.file.src_uri not in _LastRun.pages:
        return output
    page.content = None
    if _LastRun.writer is None or not output.strip():
        return output
    return _LastRun.writer.hand(output, page)


def _close_writer(failed: bool = False) -> int:
    writer, _LastRun.writer = _LastRun.writer, None
    return 0 if writer is None else writer.close(failed)


def on_build_error(error) -> None:
    _close_writer(failed=True)


def _render_generated(page, config, files) -> None:
    tokens: list[dict] = []
    open_levels: list[dict] = []
    for level, anchor, name in page.meta[GENERATED]["toc"]:
        token = {"level": level, "id": anchor, "name": name, "children": []}
        while open_levels and open_levels[-1]["level"] >= level:
            open_levels.pop()
        (open_levels[-1]["children"] if open_levels else tokens).append(token)
        open_levels.append(token)
    page.content = ""  # the body is read when the page is built (on_page_context)
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
