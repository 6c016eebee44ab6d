"""The split search index: the browser's lunr.js and the generator must agree on every term."""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator import catalogue as cat
from generator import search_index
from generator.render import summary
from generator.search_index import (
    DOC_CHUNK,
    FIELD_WEIGHTS,
    SPLIT_BYTES,
    SearchDoc,
    build_index,
    decode,
    documents,
    encode,
    shard_of,
    terms,
)
from generator.stemmer import stem

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
    return c, build_index(
        documents(
            c,
            {p.slug: summary(p.abstract) for p in c.papers},
            {p.slug: (" ".join(terms(p.title)), " ".join(terms(p.abstract))) for p in c.papers},
        )
    )


def test_index_terms_equal_lunr_js_terms_for_every_word_of_the_seeds():
    node = shutil.which("node")
    assert node, "node is needed to run lunr.js itself"
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEED_FIXTURE.glob("*.txt")))
    text += " survey surveys Café naïve über-fast cry say by yield"
    result = subprocess.run([node, "-e", PIPELINE_JS, str(LUNR)], input=text, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert list(terms(text)) == json.loads(result.stdout)


@given(st.text(alphabet="aB-.' \t\n\u00a0\u2028\x1c\x85\u3000\ufeff", max_size=30))
def test_words_are_split_at_runs_of_white_space_and_hyphens_as_first_written(text):
    as_written = []
    for token in re.split(r"[\s\-]+", text.lower()):
        token = re.sub(r"^\W+|\W+$", "", token, flags=re.ASCII)
        if token and token not in search_index._STOP:
            as_written.append(stem(token))
    assert terms(text) == tuple(as_written)


def test_every_index_file_is_a_script_so_it_loads_from_disk(seed_index):
    _, files = seed_index
    assert files
    for path, text in files.items():
        assert re.fullmatch(r"__search(Meta|Shard|Docs)\(.*\);\n", text, re.S), path


def shards_of(files: dict[str, str]) -> dict[str, dict[str, str]]:
    out = {}
    for path, text in files.items():
        if path.startswith("search/t/"):
            key, shard = json.loads("[" + text[len("__searchShard(") : -3] + "]")
            assert path == f"search/t/{key}.js"
            out[key] = shard
    return out


def test_a_shard_holds_only_terms_with_its_prefix(seed_index):
    _, files = seed_index
    shards = shards_of(files)
    keys = frozenset(shards)
    meta = json.loads(files["search/meta.js"][len("__searchMeta(") : -3])
    assert sorted(meta["shards"]) == sorted(keys)
    for key, shard in shards.items():
        assert all(shard_of(t, keys) == key for t in shard)


@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(1, 40)), unique_by=lambda p: p[0]))
def test_postings_survive_their_compact_encoding(postings):
    postings = sorted(postings)
    assert decode(encode(postings)) == [(d, min(w, 26)) for d, w in postings]


def test_every_term_lists_each_document_it_is_in_with_its_weighted_count():
    # Documents over several of the index's blocks, words from common to rare (gaps between
    # documents of one to four base-36 digits), repeated in a field and spread over fields.
    rng = random.Random(7)
    words = [f"w{n}" for n in range(3000)]
    docs = [
        SearchDoc(
            f"papers/p{i}.html",
            "t",
            "e",
            {
                field: " ".join(rng.choice(words[: rng.choice((5, 60, 3000))]) for _ in range(rng.randrange(12)))
                for field in ("title", "text", "topics")
            },
        )
        for i in range(3000)
    ]
    docs[2999].fields["text"] = "w-rare"
    docs[0].fields["text"] = " ".join(["w-rare"] * 30)
    expected: dict[str, list[tuple[int, int]]] = {}
    for i, doc in enumerate(docs):
        weights: dict[str, int] = {}
        for field, field_terms in doc.fields.items():
            for t in field_terms.split():
                weights[t] = weights.get(t, 0) + FIELD_WEIGHTS[field]
        for t, w in weights.items():
            expected.setdefault(t, []).append((i, min(w, 26)))
    shards = shards_of(build_index(docs))
    found = {t: decode(postings) for shard in shards.values() for t, postings in shard.items()}
    assert found == expected
    assert expected["w-rare"] == [(0, 26), (2999, 1)]


def test_no_shard_grows_with_the_catalogue_and_common_words_stay_small():
    # 60,000 documents: every one holds the same common words, and 20,000 rare words share a
    # three-letter prefix, so the splitting has to go several characters deep.
    docs = [
        SearchDoc(f"papers/p{i}.html", "t", "e", {"title": f"model wab{i % 20000}", "text": "languag larg"})
        for i in range(60_000)
    ]
    files = build_index(docs)
    shards = shards_of(files)
    sizes = {f"search/t/{key}.js": len(files[f"search/t/{key}.js"].encode()) for key in shards}
    assert sum(1 for key in shards if key.startswith("wab")) > 10
    for key, shard in shards.items():
        size = sizes[f"search/t/{key}.js"]
        # Only a shard of one term (or of terms alike in their first eight characters) may exceed the bound.
        assert size <= SPLIT_BYTES or len({t[:8] for t in shard}) == 1, (key, size)
    assert max(sizes.values()) <= SPLIT_BYTES  # "languag" and "larg", in all 60,000 documents, 120 KB
    assert decode(shards[shard_of("languag", frozenset(shards))]["languag"]) == [(i, 1) for i in range(60_000)]


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


def _worker_functions(*names: str) -> str:
    worker = (ROOT / "generator" / "static" / "assets" / "search" / "worker.js").read_text(encoding="utf-8")
    consts = re.search(r"^const FIRST_DEPTH.*$", worker, re.M).group(0) + "\nconst decoded = new Map();\n"
    return consts + "\n".join(re.search(rf"^function {n}\(.*?^}}", worker, re.S | re.M).group(0) for n in names)


def _matches(raw: str, stem: str | None, term: str) -> bool:
    """The worker's matchingTerms rules, for one term."""
    return (
        term == stem
        or (len(raw) >= 3 and (term.startswith(raw) or bool(stem and term.startswith(stem))))
        or (len(term) >= 3 and raw.startswith(term) and len(term) >= len(raw) - 3)
    )


@pytest.mark.parametrize("split", [None, 1500, 200])
def test_the_worker_finds_every_term_in_the_shards_it_loads(seed_index, monkeypatch, split):
    """The worker decides which shards to load and reads their postings with its own code: on
    every term of the seeds it must agree with the generator, and load every shard that holds
    a term a query word matches. With split=1500 shards split several characters deep, as a
    large catalogue's do."""
    c, files = seed_index
    if split:
        monkeypatch.setattr(search_index, "SPLIT_BYTES", split)
        files = build_index(
            documents(
                c,
                {p.slug: summary(p.abstract) for p in c.papers},
                {p.slug: (" ".join(terms(p.title)), " ".join(terms(p.abstract))) for p in c.papers},
            )
        )
        assert max(len(k) for k in shards_of(files)) >= (4 if split > 1000 else 6)
    shards = shards_of(files)
    keys = sorted(shards)
    postings = {t: p for shard in shards.values() for t, p in shard.items()}
    tokens = [
        {"raw": w, "stem": terms(w)[0] if terms(w) else None}
        for w in (
            "la",
            "lan",
            "lang",
            "language",
            "languages",
            "mod",
            "model",
            "quantiz",
            "qua",
            "mixture",
            "l4q",
            "x",
            "1.3b",
            "llms",
            "com",
            "pre",
            "gen",
        )
    ]
    script = (
        _worker_functions("keyAt", "keyOf", "shardsFor", "postingsOf")
        + """
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const keys = new Set(input.keys);
const out = {keyOf: {}, postings: {}, shardsFor: []};
for (const [term, text] of Object.entries(input.postings)) {
  out.keyOf[term] = keyOf(term, keys);
  out.postings[term] = postingsOf(text);
}
for (const token of input.tokens) out.shardsFor.push(shardsFor(token, keys).sort());
process.stdout.write(JSON.stringify(out));
"""
    )
    data = json.dumps({"keys": keys, "postings": postings, "tokens": tokens})
    result = subprocess.run([shutil.which("node"), "-e", script], input=data, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    frozen = frozenset(keys)
    for term, text in postings.items():
        assert out["keyOf"][term] == shard_of(term, frozen), term
        assert out["postings"][term] == [x for pair in decode(text) for x in pair], term
    for token, loaded in zip(tokens, out["shardsFor"], strict=True):
        needed = {shard_of(t, frozen) for t in postings if _matches(token["raw"], token["stem"], t)}
        assert needed <= set(loaded), token
