"""Headless Chromium (Debian's) driven by Playwright, with every request to another host blocked."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory: Path) -> contextlib.AbstractContextManager[str]:
    """Serve a folder on loopback; yields the base URL."""
    return serve_pages(directory, {})


class _Pages(_Quiet):
    """A host like GitHub Pages: a missing address under the site gets the site's 404.html."""

    sites: dict[str, Path] = {}  # path prefix -> site folder

    def send_error(self, code, message=None, explain=None):
        prefix = max((p for p in self.sites if self.path.startswith(p)), key=len, default=None)
        page = self.sites[prefix] / "404.html" if prefix is not None else None
        if code != 404 or page is None or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def serve_pages(directory: Path, sites: dict[str, Path]) -> Iterator[str]:
    """Serve a folder on loopback, answering missing addresses with the 404 page of the site
    whose path prefix they fall under; yields the base URL."""
    handler = functools.partial(type("Pages", (_Pages,), {"sites": sites}), directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class Guard:
    """Blocks and records every request that leaves this machine's loopback or disk."""

    def __init__(self, context):
        self.outside: list[str] = []
        context.route("**/*", self._route)

    def _route(self, route):
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("file", "data", "blob", "about") or parts.hostname == "127.0.0.1":
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()
