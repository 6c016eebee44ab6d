"""The split search index: the browser's lunr.js and the generator must agree on every term."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from generator import catalogue as cat
from generator.render import summary
from generator.search_index import DOC_CHUNK, build_index, documents, shard_of, terms

from .conftest import FIXTURES, ROOT, SEED_FIXTURE

LUNR = ROOT / "generator" / "static" / "assets" / "vendor" / "lunr" / "lunr.min.js"
PIPELINE_JS = """
const lunr = require(process.argv[1]);
let input = "";
process.stdin.on("data", (d) => (input += d));
process.stdin.on("end", () => {
  const out = [];
  for (const t of lunr.tokenizer(input)) {
    const a = lunr.trimmer(t); if (!a || !a.toString()) continue;
    const b = lunr.stopWordFilter(a); if (!b) continue;
    out.push(lunr.stemmer(b).toString());
  }
  process.stdout.write(JSON.stringify(out));
});
"""


@pytest.fixture(scope="module")
def seed_index():
    c = cat.load(cat.Sources(SEED_FIXTURE, ROOT / "data" / "taxonomy.yaml", FIXTURES / "no-curation.yaml"))
    return c, build_index(documents(c, summary, {p.slug: (terms(p.title), terms(p.abstract)) for p in c.papers}))


def test_index_terms_equal_lunr_js_terms_for_every_word_of_the_seeds():
    node = shutil.which("node")
    assert node, "node is needed to run lunr.js itself"
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEED_FIXTURE.glob("*.txt")))
    text += " survey surveys Café naïve über-fast cry say by yield"
    result = subprocess.run([node, "-e", PIPELINE_JS, str(LUNR)], input=text, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert list(terms(text)) == json.loads(result.stdout)


def test_every_index_file_is_a_script_so_it_loads_from_disk(seed_index):
    _, files = seed_index
    assert files
    for path, text in files.items():
        assert re.fullmatch(r"__search(Meta|Shard|Docs)\(.*\);\n", text, re.S), path


def test_a_shard_holds_only_terms_with_its_prefix(seed_index):
    _, files = seed_index
    for path, text in files.items():
        if path.startswith("search/t/"):
            key, shard = json.loads("[" + text[len("__searchShard(") : -3] + "]")
            assert path == f"search/t/{key}.js"
            assert all(shard_of(t) == key for t in shard)


def test_results_documents_hold_title_address_and_a_short_excerpt_only(seed_index):
    c, files = seed_index
    docs = []
    for path, text in sorted(files.items()):
        if path.startswith("search/d/"):
            docs += json.loads("[" + text[len("__searchDocs(") : -3] + "]")[1]
    assert len(docs) == len(c.papers) + len(c.taxonomy.topics)
    assert max(len(json.dumps(d)) for d in docs) < 600
    assert all(len(d[2]) <= 190 for d in docs)
    assert sum(1 for p in files if p.startswith("search/d/")) == -(-len(docs) // DOC_CHUNK)


def test_only_titles_abstracts_and_topics_are_indexed_not_page_furniture(seed_index):
    c, files = seed_index
    indexed = set()
    for path, text in files.items():
        if path.startswith("search/t/"):
            indexed |= set(json.loads("[" + text[len("__searchShard(") : -3] + "]")[1])
    source = [p.title + " " + p.abstract for p in c.papers] + [t.name + " " + t.description for t in c.taxonomy.topics]
    assert indexed == set(terms(" ".join(source)))


def test_search_highlighting_never_breaks_an_entity():
    worker = (ROOT / "generator" / "static" / "assets" / "search" / "worker.js").read_text(encoding="utf-8")
    functions = "\n".join(
        re.search(rf"^function {name}\(.*?^}}", worker, re.S | re.M).group(0) for name in ("escapeHtml", "highlight")
    )
    script = (
        functions
        + "\nprocess.stdout.write(JSON.stringify([highlight('Dataset & Model <b> amplify', ['amp']), highlight('A & B', [])]));"
    )
    result = subprocess.run([shutil.which("node"), "-e", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["Dataset &amp; Model &lt;b&gt; <mark>amplify</mark>", "A &amp; B"]
