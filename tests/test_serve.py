"""`mkdocs serve` runs the generator itself and rebuilds when maintainers' files change."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from generator.slugs import slugify

from .conftest import ABSTRACT, listing, subprocess_env
from .sitebuild import make_project

pytestmark = pytest.mark.slow

TITLE = "Post-Training Quantization of Large Models"
TEXT = "We quantize the weights of large models. " + ABSTRACT


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8")
    except OSError:
        return ""


def _wait_for(url: str, text: str, timeout: float = 60) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if text in _get(url):
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def served(tmp_path):
    project = make_project(tmp_path / "p", {"000_a.txt": listing((TITLE, TEXT), date="Mar 1")})
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "mkdocs"),
            "serve",
            "--dirty",
            "--no-strict",
            "-a",
            f"127.0.0.1:{port}",
        ],
        cwd=project,
        env=subprocess_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # mkdocs serve mounts the site at site_url's path (/REPO/ for the placeholder).
    mount = urlsplit(yaml.safe_load((project / "mkdocs.yml").read_text())["site_url"]).path
    base = f"http://127.0.0.1:{port}{mount}"
    try:
        # Pages show punctuation as character references, so look for words only.
        assert _wait_for(base + "index.html", "Quantization of Large Models"), "the first build never showed"
        time.sleep(1)  # let the file watcher settle
        yield project, base
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_an_edited_listing_an_edited_taxonomy_and_a_new_listing_show_while_serving(served):
    project, base = served
    page = base + f"papers/{slugify(TITLE)}.html"

    (project / "seeds" / "000_a.txt").write_text(listing((TITLE, TEXT + " Newly edited sentence."), date="Mar 1"))
    assert _wait_for(page, "Newly edited sentence")

    taxonomy = project / "data" / "taxonomy.yaml"
    taxonomy.write_text(taxonomy.read_text().replace("name: Quantization", "name: Quantization of weights"))
    assert _wait_for(page, "Quantization of weights")

    (project / "seeds" / "001_b.txt").write_text(listing(("A Brand New Paper on Agents", ABSTRACT), date="Mar 2"))
    assert _wait_for(base + "index.html", "A Brand New Paper on Agents")

    # Serve keeps the theme's compiled templates between builds: an edited one is compiled
    # anew, and the pages rebuilt after it use it (--dirty rebuilds the pages that changed).
    main = project / "overrides" / "main.html"
    main.write_text(
        main.read_text().replace("{% block extrahead %}", '{% block extrahead %}<meta name="edited-theme">')
    )
    (project / "seeds" / "000_a.txt").write_text(listing((TITLE, TEXT + " Edited with the theme."), date="Mar 1"))
    assert _wait_for(page, "Edited with the theme")
    assert '<meta name="edited-theme">' in _get(page)

    # A generated page deleted by hand while serving is written again, though no input changed.
    deleted = project / "docs" / "papers" / f"{slugify(TITLE)}.md"
    deleted.unlink()
    end = time.monotonic() + 60
    while not deleted.exists() and time.monotonic() < end:
        time.sleep(0.1)
    assert deleted.exists(), "the deleted generated page was not written again"
