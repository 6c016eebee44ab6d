/*
 * Search worker for the reading list, speaking Material for MkDocs' worker protocol
 * (SETUP -> READY, QUERY -> RESULT), so Material's search box, result list and keyboard
 * behaviour stay as they are. Instead of building one lunr index of the whole site on every
 * page load, it reads a prebuilt index split by term prefix (search/t/KEY.js) and loads only
 * the shards a query's terms need, then only the result documents (search/d/n.js). Shard keys
 * and the compact postings are described in generator/search_index.py.
 *
 * Queries go through lunr.js's own tokenizer, trimmer, stop word filter and stemmer, the
 * same pipeline lunr.py applied to the index. Everything is loaded with importScripts, which
 * Material's iframe-worker shim provides over file://, where real workers cannot start.
 *
 * Titles and excerpts are untrusted text: they are HTML-escaped before Material renders them.
 */
"use strict";

const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
const MAX_RESULTS = 20; // a first page; more.js asks for more, MORE_MAX at most
const MORE_MAX = 500;

const scriptEl = typeof document !== "undefined" ? document.querySelector("script[src]") : null;
const here = scriptEl ? scriptEl.src : self.location.href;
const base = new URL("../../search/", here);

let meta = null;
const shards = {};
const chunks = {};

self.__searchMeta = (m) => { meta = m; meta.shardSet = new Set(m.shards); };
const FIRST_DEPTH = 2, MAX_DEPTH = 8;
self.__searchShard = (key, terms) => { shards[key] = terms; };
self.__searchDocs = (n, docs) => { chunks[n] = docs; };

async function load(...urls) {
  // One call for several files: a real worker fetches them in parallel. Synchronous there,
  // a promise under the iframe-worker shim; await covers both.
  if (urls.length) await importScripts(...urls.map(String));
}

// Loaded on the first query, not when the page opens: a reader who never searches loads
// neither lunr.js nor the index's metadata.
let ready = null;

function loaded() {
  ready = ready || load(new URL("../vendor/lunr/lunr.min.js", here), new URL("meta.js", base));
  return ready;
}

// A term's first `depth` characters as a shard key: "_" for other characters and past the end.
function keyAt(term, depth) {
  let key = "";
  for (let i = 0; i < depth; i++) key += i < term.length && /[a-z0-9]/.test(term[i]) ? term[i] : "_";
  return key;
}

// The shard that holds a term, if any.
function keyOf(term, keys) {
  for (let d = FIRST_DEPTH; d <= MAX_DEPTH; d++) {
    const key = keyAt(term, d);
    if (keys.has(key)) return key;
  }
  return null;
}

// Every shard that can hold a term a query token matches (see matchingTerms): the stem itself,
// terms the token is a prefix of, and terms that are a prefix of it.
function shardsFor(token, keys) {
  const found = new Set();
  const add = (key) => { if (key) found.add(key); };
  if (token.stem) add(keyOf(token.stem, keys));
  for (const word of [token.raw, token.stem]) {
    if (!word || token.raw.length < 3) continue;
    const prefix = keyAt(word, word.length);
    for (const key of keys) {
      if (key.length <= prefix.length ? prefix.startsWith(key) : key.startsWith(prefix)) found.add(key);
    }
  }
  const raw = token.raw;
  for (let n = Math.max(3, raw.length - 3); n <= raw.length; n++) add(keyOf(raw.slice(0, n), keys));
  return [...found];
}

// Postings text -> [doc, weight, doc, weight, ...] (the encoding of search_index.encode).
const decoded = new Map();
function postingsOf(text) {
  let flat = decoded.get(text);
  if (flat) return flat;
  flat = [];
  let doc = -1, digits = "";
  for (const c of text) {
    if (c >= "A" && c <= "Z") {
      doc += digits ? parseInt(digits, 36) : 1;
      flat.push(doc, c.charCodeAt(0) - 64);
      digits = "";
    } else digits += c;
  }
  decoded.set(text, flat);
  return flat;
}

function queryTokens(query) {
  const tokens = [];
  for (const token of lunr.tokenizer(query)) {
    const trimmed = lunr.trimmer(token);
    if (!trimmed || !trimmed.toString()) continue;
    const raw = trimmed.toString();
    const kept = lunr.stopWordFilter(trimmed);
    tokens.push({ raw, stem: kept ? lunr.stemmer(kept).toString() : null });
  }
  return tokens;
}

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function highlight(text, words) {
  if (!words.length) return escapeHtml(text);
  // Matched on the raw text, then escaped piece by piece: a query such as "amp" must not mark
  // the inside of an entity ("&amp;") the escaping made.
  const alternatives = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
  const pattern = new RegExp(`\\b(?:${alternatives})[\\w-]*`, "gi");
  let out = "";
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    out += escapeHtml(text.slice(last, m.index)) + "<mark>" + escapeHtml(m[0]) + "</mark>";
    last = m.index + m[0].length;
  }
  return out + escapeHtml(text.slice(last));
}

// Terms of the index that a query token stands for, with how much each counts.
function matchingTerms(token, terms) {
  const found = [];
  const { raw, stem } = token;
  for (const term in terms) {
    if (term === stem) found.push([term, 1]);
    else if (raw.length >= 3 && (term.startsWith(raw) || (stem && term.startsWith(stem)))) found.push([term, 0.7]);
    else if (term.length >= 3 && raw.startsWith(term) && term.length >= raw.length - 3) found.push([term, 0.9]);
  }
  return found;
}

function normalise(text) {
  return text.toLowerCase().replace(/\s+/g, " ").trim();
}

async function search(query, limit = MAX_RESULTS) {
  // Material asks with an empty query as the page opens: that needs no index.
  if (!String(query).trim()) return { items: [], total: 0 };
  await loaded();
  // Stop words ("of", "the") are not in the index: they would only add noise.
  const tokens = queryTokens(query).filter((t) => t.stem);
  if (!tokens.length) return { items: [], total: 0 };
  const perToken = tokens.map((t) => shardsFor(t, meta.shardSet));
  const needed = [...new Set(perToken.flat())].filter((key) => !(key in shards));
  await load(...needed.map((key) => new URL(`t/${key}.js`, base)));

  const N = meta.count;
  const scores = new Map();
  const matched = new Map();
  tokens.forEach((token, i) => {
    const terms = Object.assign({}, ...perToken[i].map((key) => shards[key] || {}));
    const best = new Map();
    for (const [term, weight] of matchingTerms(token, terms)) {
      const postings = postingsOf(terms[term]);
      const df = postings.length / 2;
      const idf = Math.log(1 + (N - df + 0.5) / (df + 0.5));
      for (let p = 0; p < postings.length; p += 2) {
        const tf = postings[p + 1];
        const s = weight * idf * (tf / (tf + 1.2));
        const doc = postings[p];
        if (s > (best.get(doc) || 0)) best.set(doc, s);
      }
    }
    for (const [doc, s] of best) {
      scores.set(doc, (scores.get(doc) || 0) + s);
      if (!matched.has(doc)) matched.set(doc, new Set());
      matched.get(doc).add(i);
    }
  });

  // Papers that match every word come first, as a reader expects of several words.
  const ranked = [...scores]
    .map(([doc, s]) => [doc, s * (matched.get(doc).size / tokens.length) ** 2])
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, limit);
  const wanted = [...new Set(ranked.map(([doc]) => Math.floor(doc / meta.chunk)))].filter((n) => !(n in chunks));
  await load(...wanted.map((n) => new URL(`d/${n}.js`, base)));

  const q = normalise(query);
  const words = tokens.map((t) => t.raw);
  const items = ranked
    .map(([doc, s]) => {
      const [location, title, text] = chunks[Math.floor(doc / meta.chunk)][doc % meta.chunk];
      const t = normalise(title);
      // An exact title outranks everything; a title holding every word outranks the rest.
      const boost = t === q ? 1e6 : words.every((w) => t.includes(w)) ? 2 : 1;
      return { doc, location, title, text, score: s * boost };
    })
    .sort((a, b) => b.score - a.score)
    .slice(0, limit)
    .map((item) => {
      const terms = {};
      tokens.forEach((t, i) => { terms[t.raw] = matched.get(item.doc).has(i); });
      return [{ location: item.location, title: highlight(item.title, words), text: highlight(item.text, words), score: item.score, terms }];
    });
  // The true number of matches: Material counts only the items it is given (see more.js).
  return { items, total: scores.size };
}

// Queries arrive on every keystroke. They run one at a time, and one that a newer query has
// replaced while it waited is answered with nothing, so a slow old answer never wins.
let queue = Promise.resolve();
let latest = null;

addEventListener("message", (event) => {
  const message = event.data;
  if (message.type === SETUP) {
    postMessage({ type: READY });
  } else if (message.type === QUERY) {
    latest = message.data;
    queue = queue.then(async () => {
      if (message.data !== latest) return;
      let data;
      try {
        const limit = Math.min(Math.max(Number(message.limit) || MAX_RESULTS, MAX_RESULTS), MORE_MAX);
        data = await search(message.data, limit);
      } catch (err) {
        console.warn("search failed:", err);
        data = { items: [], total: 0 };
      }
      if (message.data === latest) postMessage({ type: RESULT, data });
    });
  }
});
