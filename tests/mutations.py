"""Planted bugs: each must make the test suite fail.

Every mutation is applied alone to a fresh copy of the working tree, the suite (without the
browser tests, which need the built site only to look at it) runs on that copy, and the
mutation is "killed" when some test fails. A survivor is a bug users could get with CI green.

    .venv/bin/python -m tests.mutations            # all, two at a time
    .venv/bin/python -m tests.mutations slug-hash  # those whose name contains a word

Exit status 1 if any mutation survives or no longer applies (the code it names has moved on:
update the mutation along with the code).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Mutation:
    name: str
    path: str
    old: str
    new: str


MUTATIONS = [
    # Related papers
    Mutation(
        "related-reversed",
        "generator/related.py",
        "order = head[np.lexsort((b[head], -total[head], a[head]))]",
        "order = head[np.lexsort((b[head], total[head], a[head]))]",
    ),
    Mutation(
        "related-df-last-slice-only",
        "generator/related.py",
        "df += np.bincount(entry_term[start",
        "df = np.bincount(entry_term[start",
    ),
    Mutation("related-to-itself", "generator/related.py", "ok = a != b", "ok = a == a"),
    Mutation(
        "related-one-shared-word",
        "generator/related.py",
        "if len(near) < k and (certain or len(_terms(vectors, i) & _terms(vectors, j)) >= 2):",
        "if len(near) < k:",
    ),
    Mutation(
        "related-term-ties",
        "generator/related.py",
        "order = np.lexsort((-text_rank[term], -weight, paper))",
        "order = np.lexsort((text_rank[term], -weight, paper))",
    ),
    Mutation(
        "related-blocks-drop-a-term",
        "generator/related.py",
        "lo, hi = (ends[first - 1] if first else 0), ends[last - 1]",
        "lo, hi = (ends[first - 1] if first else 0), ends[last - 1] - 1",
    ),
    Mutation(
        "related-walk-stops",
        "generator/related.py",
        "for r in np.flatnonzero(counts > WALK).tolist():",
        "for r in np.flatnonzero(counts < 0).tolist():",
    ),
    Mutation(
        "related-walk-rest-unordered",
        "generator/related.py",
        "rest = mine[np.lexsort((b[mine], -total[mine]))][WALK:]",
        "rest = mine[WALK:]",
    ),
    Mutation(
        "related-best-cut-drops-the-last",
        "generator/related.py",
        "head = np.flatnonzero(total >= _nth_largest(",
        "head = np.flatnonzero(total > _nth_largest(",
    ),
    Mutation(
        "related-postings-uncut",
        "generator/related.py",
        "top = _rank_within(term) < PAPERS_PER_TERM",
        "top = _rank_within(term) < PAPERS_PER_TERM * 2",
    ),
    Mutation(
        "related-topic-masks-first-word-only",
        "generator/related.py",
        "for w in range(self.masks.shape[1]):",
        "for w in range(1):",
    ),
    Mutation(
        "related-shared-topics-uncounted",
        "generator/related.py",
        "np.bitwise_count(self.masks[a, w] & self.masks[b, w])",
        "np.bitwise_count(self.masks[a, w] & 0)",
    ),
    Mutation("related-no-topic-bonus", "generator/related.py", "MAIN_TOPIC = 0.12", "MAIN_TOPIC = 0.0"),
    Mutation(
        "related-pairs-past-the-opening",
        "generator/related.py",
        "(nth[1:] < OPENING_TERMS)",
        "(nth[1:] <= OPENING_TERMS)",
    ),
    Mutation(
        "related-pairs-of-one-word",
        "generator/related.py",
        "(piece[1:] == piece[:-1]) & (word[1:] != word[:-1])",
        "(piece[1:] == piece[:-1])",
    ),
    Mutation(
        "related-pairs-across-texts",
        "generator/related.py",
        "pair = (piece[1:] == piece[:-1]) &",
        "pair = (piece[1:] // 2 == piece[:-1] // 2) &",
    ),
    Mutation(
        "related-abstract-counts-as-title",
        "generator/related.py",
        "key = np.sort((piece // 2) << 34 | term << 1 | piece % 2)",
        "key = np.sort((piece // 2) << 34 | term << 1)",
    ),
    Mutation(
        "related-pairs-numbered-per-block",
        "generator/related.py",
        "which[at + block[is_pair] - known]",
        "which[block[is_pair] - known]",
    ),
    Mutation(
        "related-share-words-kept-local",
        "generator/related.py",
        "block[~is_pair] = number[block[~is_pair]]",
        "block[~is_pair] = block[~is_pair]",
    ),
    Mutation(
        "related-share-pairs-kept-local",
        "generator/related.py",
        "pairs = ((number[(pairs >> 32) - 1] + 1) << 32) | number[pairs & 0xFFFF_FFFF]",
        "pairs = pairs",
    ),
    Mutation(
        "related-share-pairs-not-moved",
        "generator/related.py",
        "block[is_pair] += len(words.names) - known",
        "block[is_pair] += 0",
    ),
    Mutation(
        "related-share-known-kept",
        "generator/related.py",
        "block_list.append((offset + start, offset + end, len(words.names), pairs))",
        "block_list.append((offset + start, offset + end, known, pairs))",
    ),
    Mutation(
        "related-share-entries-not-offset",
        "generator/related.py",
        "block_list.append((offset + start, offset + end, len(words.names), pairs))",
        "block_list.append((start, end, len(words.names), pairs))",
    ),
    Mutation(
        "related-share-lengths-first",
        "generator/related.py",
        "lengths = np.concatenate((lengths, share_lengths))",
        "lengths = np.concatenate((share_lengths, lengths))",
    ),
    Mutation(
        "shares-out-of-order",
        "generator/parallel.py",
        "return [fn(items[: bounds[1]]), *(later.result() for later in others)]",
        "return [*(later.result() for later in others), fn(items[: bounds[1]])]",
    ),
    Mutation(
        "shares-overlap",
        "generator/parallel.py",
        "for a, b in zip(bounds[1:-1], bounds[2:], strict=True)",
        "for a, b in zip(bounds[:-2], bounds[2:], strict=True)",
    ),
    Mutation(
        "related-text-order-misplaced",
        "generator/related.py",
        "in_order = np.concatenate((np.flatnonzero(~pair), np.flatnonzero(pair)))",
        "in_order = np.concatenate((np.flatnonzero(pair), np.flatnonzero(~pair)))",
    ),
    Mutation(
        "related-short-words-kept",
        "generator/related.py",
        "np.frombuffer(words.lengths, np.uint32)[word] > 2",
        "np.frombuffer(words.lengths, np.uint32)[word] > 1",
    ),
    # Topic pages and classification
    Mutation(
        "topic-page-by-title",
        "generator/catalogue.py",
        "scored[topic_id].append((-score, n, p))",
        "scored[topic_id].append((0, n, p))",
    ),
    Mutation(
        "papers-json-keys-unsorted",
        "generator/render.py",
        "json.JSONEncoder(ensure_ascii=False, sort_keys=True)",
        "json.JSONEncoder(ensure_ascii=False)",
    ),
    Mutation(
        "papers-json-ascii-escapes",
        "generator/render.py",
        "json.JSONEncoder(ensure_ascii=False, sort_keys=True)",
        "json.JSONEncoder(sort_keys=True)",
    ),
    Mutation(
        "topic-page-ties-case-sensitive",
        "generator/catalogue.py",
        "key=lambda i: (papers[i].title.casefold(), papers[i].slug)",
        "key=lambda i: (papers[i].title, papers[i].slug)",
    ),
    Mutation(
        "topic-page-ties-by-address",
        "generator/catalogue.py",
        "key=lambda i: (papers[i].title.casefold(), papers[i].slug)",
        "key=lambda i: papers[i].slug",
    ),
    Mutation("classify-weak-overrides", "generator/topics.py", "hit[2] = hit[2] and is_weak\n", "hit[2] = is_weak\n"),
    Mutation("classify-ignores-exclude", "generator/topics.py", "if against and _overlaps(", "if False and _overlaps("),
    Mutation(
        "classify-no-opening",
        "generator/topics.py",
        'where = "title" if is_title else "opening" if start < opening else "abstract"',
        'where = "title" if is_title else "abstract"',
    ),
    Mutation("matches-hyphen-key", "generator/topics.py", "group = match.terms.get(_key(pair), ())", "group = ()"),
    Mutation(
        "matches-shortest-first",
        "generator/topics.py",
        "atoms = sorted((atom == _END, atom) for atom in node if atom)",
        "atoms = sorted((False, atom) for atom in node if atom)",
    ),
    Mutation(
        "matches-phrase-without-next-character",
        "generator/topics.py",
        "phrase = text[pos : longest + 1]",
        "phrase = text[pos:longest]",
    ),
    # Paper pages kept by a long-lived process
    Mutation("memo-ignores-topic-names", "generator/render.py", "        tuple((t.id, t.name) for t in topics),\n", ""),
    Mutation(
        "memo-ignores-settings",
        "generator/render.py",
        "    context = (\n        settings,\n",
        "    context = (\n",
    ),
    Mutation(
        "memo-ignores-related",
        "generator/render.py",
        "done = previous.get(item)",
        "done = next((v for (p, _, _), v in previous.items() if p == item[0]), None)",
    ),
    Mutation(
        "serve-writer-trusts-memory",
        "generator/writer.py",
        "before[0] == content and before[1] == _signature(path)",
        "before[0] == content",
    ),
    Mutation(
        "serve-listing-not-reread",
        "generator/listings.py",
        "if before is not None and before[0] == data:",
        "if before is not None:",
    ),
    Mutation(
        "serve-links-not-reread",
        "generator/build.py",
        "if before is not None and before[0] == text:",
        "if before is not None:",
    ),
    Mutation(
        "serve-list-pages-ignore-context",
        "generator/render.py",
        "previous = self._bodies if context == self._bodies_context else {}",
        "previous = self._bodies",
    ),
    Mutation(
        "serve-list-pages-by-name",
        "generator/render.py",
        "        key = (name, _frozen(values))",
        "        key = (name, str(values)[:40])",
    ),
    Mutation(
        "serve-texts-by-title-only",
        "generator/catalogue.py",
        "key=lambda ta: (taxonomy, also, *ta)",
        "key=lambda ta: (taxonomy, also, ta[0])",
    ),
    Mutation(
        "serve-topics-ignore-taxonomy",
        "generator/catalogue.py",
        "key=lambda ta: (taxonomy, also, *ta)",
        "key=lambda ta: (also, *ta)",
    ),
    Mutation("serve-remembered-kept-forever", "generator/parallel.py", "    seen.clear()\n", ""),
    Mutation(
        "serve-ignores-deleted-pages",
        "generator/mkdocs_hooks.py",
        "    if inputs is not None and inputs == _LastRun.inputs and _fingerprint(docs) == _LastRun.docs:",
        "    if inputs is not None and inputs == _LastRun.inputs:",
    ),
    Mutation(
        "serve-memo-never-forgets",
        "generator/build.py",
        "        memo.forget_all_but(report.names, {lst.path for lst in catalogue.listings})\n",
        "        pass\n",
    ),
    Mutation("title-weight-equal", "generator/topics.py", '"title": 3.0', '"title": 1.0'),
    Mutation("weak-counts-full", "generator/topics.py", "WEAK_FACTOR = 0.5", "WEAK_FACTOR = 1.0"),
    Mutation(
        "exclusions-ignored",
        "generator/topics.py",
        "if _overlaps(start, end, excluded):",
        "if False:",
    ),
    Mutation("threshold-lowered", "generator/topics.py", "THRESHOLD = 3.5", "THRESHOLD = 1.0"),
    Mutation("no-relative-floor", "generator/topics.py", "RELATIVE = 0.4", "RELATIVE = 0.0"),
    Mutation(
        "curated-topics-ignored",
        "generator/catalogue.py",
        "    if curated.topics is not None:\n",
        "    if False:\n",
    ),
    Mutation("reserved-topic-id", "generator/topics.py", "if reason := reserved_reason(tid):", "if False:"),
    # Listings and curation
    Mutation("date-day-zero", "generator/listings.py", "not 1 <= day <= _DAYS", "not 0 <= day <= _DAYS"),
    Mutation(
        "unknown-link-keys",
        "generator/curation.py",
        'problems = yamlfile.check_keys(links, where, _LINK_KEYS, set(), "links")',
        "problems = []",
    ),
    Mutation(
        "merge-ignores-case",
        "generator/slugs.py",
        'unicodedata.normalize("NFKC", text.casefold()).split()',
        'unicodedata.normalize("NFKC", text).split()',
    ),
    # Addresses
    Mutation("slug-hash-length", "generator/slugs.py", "HASH_LENGTH = 8", "HASH_LENGTH = 10"),
    Mutation("slug-hash-function", "generator/slugs.py", "hashlib.sha256(", "hashlib.sha1("),
    Mutation("reserved-slug", "generator/slugs.py", " and key not in RESERVED", ""),
    # Untrusted text
    Mutation(
        "escaping-off",
        "generator/render.py",
        "        autoescape=True,\n",
        "        autoescape=False,\n",
    ),
    Mutation(
        "comment-titles-not-code",
        "generator/prcomment.py",
        'title = code_span(item["title"])',
        'title = item["title"]',
    ),
    Mutation("bidi-shown-raw", "generator/escape.py", "    return _BIDI.sub(", "    return text or _BIDI.sub("),
    Mutation(
        "broken-topic-link",
        "generator/render.py",
        """Markup('<a class="md-tag" href="../topics/{}.html">{}</a>')""",
        """Markup('<a class="md-tag" href="../topic/{}.html">{}</a>')""",
    ),
    Mutation(
        "markdown-on-generated-pages",
        "generator/mkdocs_hooks.py",
        "    if page.file.src_uri in _LastRun.pages:\n        page.read_source",
        "    if False:\n        page.read_source",
    ),
    Mutation(
        "generated-body-not-read-back",
        "generator/mkdocs_hooks.py",
        "page.content = _body(page)",
        'page.content = ""',
    ),
    # The writer
    Mutation("writer-dotfiles", "generator/writer.py", ' or p.startswith(".")', ""),
    Mutation(
        "writer-rewrites-all",
        "generator/writer.py",
        "            if existing != data:\n",
        "            if True:\n",
    ),
    Mutation(
        "writer-replaces-foreign-files",
        "generator/writer.py",
        "if existing is not None and rel not in record:",
        "if False:",
    ),
    Mutation(
        "writer-deletes-unrecorded",
        "generator/writer.py",
        "for rel in sorted(record - seen):",
        "for rel in sorted({p.relative_to(docs).as_posix() for p in docs.rglob('*.md')} - seen):",
    ),
    Mutation(
        "summaries-of-titles",
        "generator/build.py",
        "summary(abstract)\n",
        "summary(title)\n",
    ),
    Mutation(
        "topic-counts-main-topic-only",
        "generator/render.py",
        "per_topic = Counter(topic_id for p in catalogue.papers for topic_id, _ in p.topics)",
        "per_topic = Counter(p.topics[0][0] for p in catalogue.papers if p.topics)",
    ),
    Mutation(
        "summaries-of-another-paper",
        "generator/render.py",
        "f'<span class=\"paper-summary\">{escape(summaries[p.slug])}</span></li>\\n'",
        "f'<span class=\"paper-summary\">{escape(summaries[papers[0].slug])}</span></li>\\n'",
    ),
    Mutation(
        "paper-list-prefix-fixed",
        "generator/render.py",
        "start = f'<li><a href=\"{escape(prefix)}'",
        "start = '<li><a href=\"../'",
    ),
    Mutation(
        "paper-list-items-by-list",
        "generator/render.py",
        "item = made.get(p.slug)",
        "item = made.get(papers[0].slug)",
    ),
    Mutation(
        "search-index-dropped",
        "generator/build.py",
        "            yield from search_files(catalogue, texts)\n",
        "            pass\n",
    ),
    Mutation(
        "writer-output-anywhere",
        "generator/build.py",
        "    check_output_folder(docs, [sources.seeds, sources.taxonomy.parent, sources.curation.parent, PACKAGE])\n",
        "",
    ),
    Mutation(
        "writer-not-atomic",
        "generator/writer.py",
        "    return path.with_name(TEMP_PREFIX + path.name)",
        "    return path",
    ),
    # Work spread over processes
    Mutation(
        "parallel-out-of-order",
        "generator/parallel.py",
        "return [_job(item) for item in items]",
        "return [_job(item) for item in reversed(items)]",
    ),
    Mutation(
        "parallel-loses-items",
        "generator/parallel.py",
        "pending.append(pool.submit(_run, items[start : start + CHUNK]))",
        "pending.append(pool.submit(_run, items[start : start + CHUNK - 1]))",
    ),
    Mutation(
        "input-error-sent-as-text",
        "generator/problems.py",
        "return type(self), (self.problems,)",
        "return type(self), (str(self),)",
    ),
    Mutation(
        "writer-pieces-compare-prefix-only",
        "generator/writer.py",
        '        same = same and old.read(1) == b""\n',
        "",
    ),
    Mutation(
        "writer-pieces-no-journal",
        "generator/writer.py",
        "        if not recorded:\n            journal.add(rel)\n",
        "",
    ),
    Mutation(
        "writer-no-journal", "generator/writer.py", "                journal.add(rel)\n", "                pass\n"
    ),
    Mutation(
        "writer-twice-allowed",
        "generator/writer.py",
        "            if rel in seen:\n",
        "            if False:\n",
    ),
    # Feeds, metadata and import
    Mutation(
        "feed-date-newest-listing",
        "generator/render.py",
        "first = min(p.appearances, key=lambda a: (added[a.listing].when, order[a.listing], a.line))",
        "first = max(p.appearances, key=lambda a: (added[a.listing].when, order[a.listing], -a.line))",
    ),
    Mutation(
        "feed-oldest-first",
        "generator/render.py",
        "key=lambda k: (-k[0][0], -k[0][1], k[0][2])",
        "key=lambda k: (k[0][0], k[0][1], k[0][2])",
    ),
    Mutation(
        "feed-shallow-dates", "generator/history.py", "            if commit in boundary:\n", "            if False:\n"
    ),
    Mutation(
        "feed-epoch-over-git",
        "generator/history.py",
        "        if name in known:\n",
        "        if name in known and not epoch:\n",
    ),
    Mutation(
        "feed-title-unescaped",
        "generator/templates/feed.xml.j2",
        "{{ paper.title | xmltext }}",
        "{{ paper.title | xmltext | safe }}",
    ),
    Mutation(
        "citation-from-title-alone",
        "generator/catalogue.py",
        "return bool(self.authors and self.published)",
        "return True",
    ),
    Mutation(
        "metadata-conflict-picks-one",
        "generator/metadata.py",
        "        if x and y and x != y:\n",
        "        if False:\n",
    ),
    Mutation(
        "metadata-curation-conflict-ignored",
        "generator/catalogue.py",
        "        if mine and theirs and mine != theirs:\n",
        "        if False:\n",
    ),
    Mutation(
        "import-no-rollback",
        "generator/importer.py",
        "            if old is None:\n                path.unlink()\n",
        "            if False:\n                pass\n",
    ),
    Mutation(
        "import-authors-dropped",
        "generator/importer.py",
        '        record["authors"] = list(p.authors)\n',
        "        pass\n",
    ),
    Mutation(
        "workers-forked-from-here",
        "generator/parallel.py",
        'context = multiprocessing.get_context("forkserver")',
        'context = multiprocessing.get_context("fork")',
    ),
    Mutation(
        "later-never-elsewhere",
        "generator/parallel.py",
        "if wanted and (can_serve() if fresh else can_fork()):",
        "if False:",
    ),
    Mutation(
        "later-stream-sends-one-item",
        "generator/parallel.py",
        "                for item in fn(*args):\n                    send.send((_ITEM, item))\n",
        "                send.send((_ITEM, next(iter(fn(*args)))))\n",
    ),
    Mutation("shared-heap-left-frozen", "generator/parallel.py", "        gc.unfreeze()\n", "        pass\n"),
    Mutation(
        "shared-heap-not-frozen",
        "generator/parallel.py",
        "        return\n    gc.freeze()\n",
        "        return\n    pass\n",
    ),
    Mutation(
        "collect-less-left-on",
        "generator/parallel.py",
        "    finally:\n        gc.set_threshold(*before)\n",
        "    finally:\n        pass\n",
    ),
    Mutation(
        "collect-less-turns-on",
        "generator/parallel.py",
        "if 0 < before[0] < YOUNG_OBJECTS:",
        "if before[0] < YOUNG_OBJECTS:",
    ),
    Mutation(
        "collect-less-not-in-workers",
        "generator/parallel.py",
        "    _collect_less()  # a worker's process is the build's own\n",
        "",
    ),
    Mutation(
        "collect-less-not-in-fresh-children",
        "generator/parallel.py",
        "    _collect_less()  # a fork has the parent's thresholds already; one from the fork server not\n",
        "",
    ),
    Mutation(
        "mkdocs-process-collects-less-when-serving",
        "generator/mkdocs_hooks.py",
        "    if not _LastRun.serving:\n        _LastRun.collecting.enter_context(fewer_collections())\n",
        "    _LastRun.collecting.enter_context(fewer_collections())\n",
    ),
    Mutation(
        "mkdocs-process-thresholds-kept",
        "generator/mkdocs_hooks.py",
        "    _LastRun.collecting.close()\n",
        "    pass\n",
    ),
    Mutation(
        "later-left-running",
        "generator/parallel.py",
        "            self._child.kill()\n            self._child.join()\n",
        "            pass\n",
    ),
    Mutation(
        "listing-control-set-misses-lone-cr",
        "generator/listings.py",
        '_CONTROL = re.compile(r"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f](?<!\\r(?=\\n))")',
        '_CONTROL = re.compile(r"[\\x00-\\x08\\x0e-\\x1f\\x7f-\\x9f](?<!\\r(?=\\n))")',
    ),
    Mutation(
        "listing-clean-keeps-double-spaces",
        "generator/listings.py",
        'if "  " in line or line[:1].isspace()',
        "if line[:1].isspace()",
    ),
    # Search index splitting and encoding
    Mutation(
        "terms-hyphen-joins-words",
        "generator/search_index.py",
        'text.lower().replace("-", " ").split()',
        "text.lower().split()",
    ),
    Mutation("search-no-split", "generator/search_index.py", "if size > SPLIT_BYTES and depth < MAX_DEPTH", "if False"),
    Mutation(
        "search-worker-no-prefix-shards",
        "generator/static/assets/search/worker.js",
        "if (key.length <= prefix.length ? prefix.startsWith(key) : key.startsWith(prefix)) found.add(key);",
        "if (key.length <= prefix.length && prefix.startsWith(key)) found.add(key);",
    ),
    Mutation("search-gap-off-by-one", "generator/search_index.py", "out, previous = [], -1", "out, previous = [], 0"),
    Mutation(
        "search-index-first-gap",
        "generator/search_index.py",
        "np.full(new, -1, dtype=np.int64)",
        "np.full(new, 0, dtype=np.int64)",
    ),
    Mutation(
        "search-index-weight-cap",
        "generator/search_index.py",
        "64 + np.minimum(weights, MAX_WEIGHT)",
        "64 + np.minimum(weights, MAX_WEIGHT - 1)",
    ),
    Mutation(
        "search-index-blocks-forget-last-document",
        "generator/search_index.py",
        "previous[first] = last[term[first]]",
        "previous[first] = -1",
    ),
    Mutation("search-index-digits-wrong-base", "generator/search_index.py", "rest //= 36", "rest //= 10"),
    Mutation(
        "search-index-weights-per-field-once",
        "generator/search_index.py",
        "np.bincount(which, weights=np.repeat(weights, lengths))",
        "np.bincount(which)",
    ),
    Mutation(
        "markup-url-loses-its-first-letter",
        "generator/textmarkup.py",
        "_split_url(m.group())",
        '_split_url(m.group("url"))',
    ),
    Mutation(
        "summary-sentence-loses-its-stop",
        "generator/render.py",
        "[s + end for s, end in",
        "[s for s, end in",
    ),
    # Bounded rewrites when a paper is added
    Mutation(
        "topic-archive-by-relevance",
        "generator/render.py",
        "parts = [archive[topic.id][i : i + PAGE_SIZE]",
        "parts = [by_topic[topic.id][i : i + PAGE_SIZE]",
    ),
    Mutation(
        "az-numbered-pages",
        "generator/render.py",
        'if len(papers) <= PAGE_SIZE or len(prefix) >= AZ_DEPTH or letter == "other":',
        "if True:",
    ),
    Mutation(
        "listing-page-in-address-order",
        "generator/render.py",
        "in_order = sorted(entries[listing.name], key=itemgetter(0))",
        "in_order = entries[listing.name]",
    ),
    Mutation(
        "listing-counts-all-listings",
        "generator/templates/listing.html.j2",
        "<p>Listing {{ number }}, from the file",
        "<p>Listing {{ number }} of {{ catalogue.listings | length }}, from the file",
    ),
    # Material's template rendered once per page shape
    Mutation(
        "shape-ignores-folder",
        "generator/mkdocs_hooks.py",
        'return (context["base_url"], folder, toc,',
        'return (context["base_url"], "", toc,',
    ),
    Mutation("shape-ignores-anchor", "generator/mkdocs_hooks.py", '"content", "anchor")', '"content")'),
    # Generated pages written by a process beside MkDocs
    Mutation(
        "page-writer-trusts-mkdocs-to-skip",
        "generator/mkdocs_hooks.py",
        "if not os.path.isfile(path) or os.path.getsize(path) != size:",
        "if False:",
    ),
    Mutation(
        "page-writer-logs-every-skip",
        "generator/mkdocs_hooks.py",
        "return record.getMessage() not in self.skipped",
        "return True",
    ),
    Mutation(
        "writer-forgets-a-failed-file",
        "generator/parallel.py",
        'error = f"cannot write {path}: {e.strerror or e}"',
        "pass",
    ),
    Mutation("writer-cuts-each-file-short", "generator/parallel.py", "write(data, path)", "write(data[:-1], path)"),
    Mutation(
        "later-outlives-a-killed-build",
        "generator/parallel.py",
        "inherited = () if fresh else (self._receive, *kept_here)",
        "inherited = () if fresh else kept_here",
    ),
    Mutation(
        "later-complains-to-a-killed-build",
        "generator/parallel.py",
        "    except BrokenPipeError:\n        pass",
        "    except ZeroDivisionError:\n        pass",
    ),
    Mutation(
        "writer-outlives-a-killed-build",
        "generator/parallel.py",
        "kept_here=(self._send,), ",
        "",
    ),
    # The workflows' scripts clean up after themselves
    Mutation("publish-leaves-clones", ".github/scripts/publish-pages.sh", """trap 'rm -rf "$scratch"' EXIT""", ""),
    Mutation("review-leaves-files", ".github/scripts/review-pr.sh", """trap 'rm -rf "$files"' EXIT""", ""),
    # One pass over each paper's text; related papers in a fresh process; classification shortcuts
    Mutation(
        "falls-short-ignores-shared-keys", "generator/topics.py", "            if key in keys:", "            if False:"
    ),
    Mutation(
        "falls-short-title-at-abstract-weight",
        "generator/topics.py",
        '_MOST_TITLE = WEIGHTS["title"]',
        "_MOST_TITLE = 1.0",
    ),
    Mutation("falls-short-ignores-weak", "generator/topics.py", "min(most_weak, most_strong)", "min(0.0, most_strong)"),
    Mutation("matches-overlap-in-a-channel", "generator/topics.py", "elif pos >= spans[-1][1]:", "else:"),
    Mutation(
        "summary-sentence-at-loses-its-stop",
        "generator/render.py",
        "return text[start : end.start() + 1]",
        "return text[start : end.start()]",
    ),
    Mutation(
        "paper-topic-links-from-here",
        "generator/render.py",
        """Markup('<a class="md-tag" href="../topics/{}.html">{}</a>')""",
        """Markup('<a class="md-tag" href="topics/{}.html">{}</a>')""",
    ),
    Mutation(
        "clean-misses-odd-spaces",
        "generator/listings.py",
        "odd = not line.isprintable() and _ODD_SPACE.search(line)",
        "odd = False",
    ),
    Mutation("summary-sentence-at-first-one", "generator/render.py", "if end.start() >= pos:", "if end.start() >= 0:"),
    Mutation(
        "first-word-unmatched",
        "generator/topics.py",
        "chain((first,) if first else (), match.starts.finditer(text))",
        "chain((), match.starts.finditer(text))",
    ),
    Mutation(
        "opening-one-sentence-long", "generator/topics.py", "OPENING_SENTENCES - 1, None)", "OPENING_SENTENCES, None)"
    ),
    Mutation("visible-skips-every-text", "generator/escape.py", "if text.isascii():", "if True:"),
    Mutation(
        "texts-of-raw-text",
        "generator/catalogue.py",
        "also((visible(title), visible(abstract)))",
        "also((title, abstract))",
    ),
    Mutation(
        "fresh-child-forked",
        "generator/parallel.py",
        "context = _server() if fresh else",
        'context = multiprocessing.get_context("fork") if fresh else',
    ),
    Mutation(
        "fresh-args-kept-here",
        "generator/parallel.py",
        "            self._call = None  # the child has them",
        "            pass  # the child has them",
    ),
    Mutation(
        "later-here-keeps-args",
        "generator/parallel.py",
        "        call, self._call = self._call, None\n",
        "        call = self._call\n",
    ),
    Mutation(
        "link-targets-one-folder",
        "generator/build.py",
        "resolve = folders.get(folder) or folders.setdefault(folder, _Targets(folder))",
        'resolve = folders.get("") or folders.setdefault("", _Targets(folder))',
    ),
    Mutation(
        "writer-makes-first-folder-only",
        "generator/writer.py",
        "if existing is None and path.parent not in folders:",
        "if existing is None and not folders:",
    ),
]


def _copy_tree(into: Path) -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for rel in filter(None, listed.split("\0")):
        source = ROOT / rel
        if source.is_file():
            (into / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, into / rel)


def run(m: Mutation) -> tuple[str, float, str]:
    """(killed | SURVIVED | STALE, seconds, the first failing test)"""
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"mutant-{m.name}-") as tmp:
        copy = Path(tmp)
        _copy_tree(copy)
        target = copy / m.path
        text = target.read_text(encoding="utf-8")
        if text.count(m.old) != 1:
            return "STALE", 0.0, f"{m.path} holds the mutated text {text.count(m.old)} times, not once"
        target.write_text(text.replace(m.old, m.new), encoding="utf-8")
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-x", "-q", "-m", "not browser", "-p", "no:cacheprovider"],
            cwd=copy,
            capture_output=True,
            text=True,
            env={**__import__("os").environ, "PYTHONPATH": str(copy)},
        )
    seconds = time.monotonic() - start
    failed = next((line for line in result.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))), "")
    return ("killed" if result.returncode != 0 else "SURVIVED"), seconds, failed


def main(argv: list[str]) -> int:
    chosen = [m for m in MUTATIONS if not argv or any(word in m.name for word in argv)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(run, chosen))
    for m, (outcome, seconds, detail) in zip(chosen, outcomes, strict=True):
        print(f"{outcome:<9} {m.name:<30} {seconds:6.1f} s  {detail[:110]}")
    killed = sum(o == "killed" for o, _, _ in outcomes)
    print(f"{killed} killed, {len(chosen) - killed} not killed, of {len(chosen)} planted bugs")
    return 0 if killed == len(chosen) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
