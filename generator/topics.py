"""Topics: the curated taxonomy and how papers are matched to it, the way a curator reads.

Each topic lists terms of three kinds. ``terms`` carry the topic's sense on their own
("speculative decoding", "quantiz"); ``weak`` terms are ambiguous words that only support a topic
already named by a strong term ("alignment" alone may mean aligning a grammar or a student);
``exclude`` phrases mark text that must not count for the topic ("grammar-aligned"), since a
match inside them is another sense of the word.

A term matches at the start of a word, case-insensitively (``quantiz`` matches "quantization"
and "quantized"); a space or hyphen in a term matches any run of spaces and hyphens; a trailing
``$`` makes it match whole words only (``rag$``).

Evidence is weighed by where it stands and how central it is: a term in the title counts most,
one in the abstract's opening sentences more than one further on, several distinct terms more
than one term repeated, and repetition adds only a little. A topic is assigned when its evidence
is strong enough and not far below the paper's best topic, so a broad topic that every paper
mentions in passing does not swallow papers whose subject is another.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import chain, islice
from pathlib import Path

from . import yamlfile
from .layout import reserved_reason
from .problems import Problem

# How much one distinct term weighs, by where it stands.
WEIGHTS = {"title": 3.0, "opening": 1.5, "abstract": 1.0}
WEAK_FACTOR = 0.5  # an ambiguous word supports a topic; it does not make one
REPEAT_BONUS = 0.5  # per doubling of a term's mentions: a subject is repeated, a passing word is not
REPEAT_CAP = 1.5
OPENING_SENTENCES = 3  # background, problem, contribution: where an abstract names its subject
THRESHOLD = 3.5  # a title term the abstract confirms, or three distinct terms in the abstract
RELATIVE = 0.4  # a topic far below the paper's best is a passing mention
CONFIDENT = 4.5  # a first topic below this, or one barely ahead of the second, asks for a look
KINDS = ("terms", "weak", "exclude")
_STRONG, _WEAK, _EXCLUDE = range(3)
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-Z(])")


@dataclass(frozen=True)
class Topic:
    id: str
    name: str
    description: str
    terms: tuple[str, ...]
    weak: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def by_kind(self) -> tuple[tuple[str, ...], ...]:
        return self.terms, self.weak, self.exclude


@dataclass(frozen=True)
class Taxonomy:
    topics: tuple[Topic, ...]
    max_topics: int
    match: Matcher = field(repr=False, compare=False)  # compiled from the topics' terms

    def by_id(self) -> dict[str, Topic]:
        return {t.id: t for t in self.topics}

    # classify()'s cache hashes the taxonomy for every paper: once is enough.
    @cached_property
    def _hash(self) -> int:
        return hash((self.topics, self.max_topics))

    def __hash__(self) -> int:
        return self._hash

    def __getstate__(self) -> dict:
        # A string's hash differs between processes: another process works out its own.
        return {k: v for k, v in self.__dict__.items() if k != "_hash"}


@dataclass(frozen=True)
class Hit:
    """One term's evidence for a topic: the word as the paper writes it, where it stands first
    (title, opening or abstract), how often it occurs, and whether it is a weak term."""

    word: str
    where: str
    count: int
    weak: bool
    weight: float


@dataclass(frozen=True)
class TopicScore:
    topic: str
    score: float
    hits: tuple[Hit, ...]

    @property
    def strong(self) -> bool:
        return any(not h.weak for h in self.hits)


# Terms match only where a word starts, so a text is scanned once, and at each word start only
# the terms sharing its first two characters are tried: cost grows with the text, not with
# the number of terms.


_SEP = "[\\s-]+"
_END = "(?![a-z0-9])"


def _atoms(term: str) -> list[str]:
    """A term as regex atoms: its characters, a separator between words, an end-of-word check."""
    words = re.split(r"[\s-]+", term.rstrip("$").strip().lower())
    atoms: list[str] = []
    for k, word in enumerate(words):
        if k:
            atoms.append(_SEP)
        atoms += [re.escape(c) for c in word]
    return atoms + ([_END] if term.endswith("$") else [])


def _trie_regex(sequences: list[list[str]]) -> str:
    """One regex matching any of the atom sequences, shaped as a trie so the engine never
    retries a shared prefix: this is what keeps the scan fast with hundreds of terms."""
    trie: dict = {}
    for atoms in sequences:
        node = trie
        for atom in atoms:
            node = node.setdefault(atom, {})
        node[""] = {}

    def build(node: dict) -> str:
        # A word's end is tried after every way to go on, so the match is the longest term.
        atoms = sorted((atom == _END, atom) for atom in node if atom)
        branches = [atom + build(node[atom]) for _, atom in atoms]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # A term ending here matches even if longer terms do not: what follows is optional.
        return f"(?:{body})?" if "" in node else body

    return build(trie)


@dataclass(frozen=True)
class Matcher:
    # At each word start where some term matches, captures the longest term matched there:
    # `starts` after a character that ends a word (matched, so the regex engine skips ahead to
    # such characters instead of trying every position), `first` at the start of the text.
    starts: re.Pattern[str]
    first: re.Pattern[str]
    # first two characters -> one pattern per channel that has terms starting so, with the
    # channel: topic index x 3 + kind (terms, weak, exclude)
    terms: dict[str, tuple[tuple[re.Pattern[str], int], ...]]
    # The longest term as written plus the character after it -> (channel, length, evidence key)
    # of what each channel matches there. Any term that matches lies within the longest one, and
    # its word-end check reads one character further, so these characters decide what matches;
    # a longer phrasing is another key. Texts repeat the same few hundred phrasings: each is
    # tried once.
    seen: dict[str, tuple[tuple[int, int, str], ...]] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )


def _key(text: str) -> str:
    # A term's separator matches a space or a hyphen: both give the same key.
    return text[:2].replace("-", " ").replace("\t", " ").replace("\n", " ")


@lru_cache(maxsize=4)  # mkdocs serve reloads the taxonomy on every edit; compiling takes a while
def matcher(topics: tuple[Topic, ...]) -> Matcher:
    grouped: dict[str, dict[int, list[str]]] = {}
    every: list[list[str]] = []
    for i, topic in enumerate(topics):
        for kind, terms in enumerate(topic.by_kind()):
            for term in terms:
                atoms = _atoms(term)
                every.append(atoms)
                grouped.setdefault(_key(term.strip().lower()), {}).setdefault(3 * i + kind, []).append("".join(atoms))
    index = {
        key: tuple((re.compile("|".join(regexes)), c) for c, regexes in per_channel.items())
        for key, per_channel in grouped.items()
    }
    trie = _trie_regex(every)
    return Matcher(re.compile(f"[^a-z0-9](?=({trie}))"), re.compile(f"(?=({trie}))"), index)


_SEEN_MAX = 1 << 17  # phrasings kept; only texts built to defeat it would reach this

# A span a channel's terms matched: start, end, and the term as one evidence key
# ("mixture-of experts" and "mixture of experts" meet).
Span = tuple[int, int, str]


def _channels_at(match: Matcher, text: str, pos: int) -> tuple[tuple[int, int, str], ...]:
    """(channel, length, evidence key) of each channel's match at pos (see Matcher.seen)."""
    pair = text[pos : pos + 2]
    group = match.terms.get(pair)
    if group is None:
        group = match.terms.get(_key(pair), ())
    return tuple(
        (c, hit.end() - pos, _term_key(hit.group())) for pattern, c in group if (hit := pattern.match(text, pos))
    )


def _matches(match: Matcher, text: str) -> dict[int, list[Span]]:
    """Per channel that matched anything, the spans its terms matched, without overlaps, left
    to right. A paper touches a few of the taxonomy's channels: the others are absent."""
    found: dict[int, list[Span]] = {}
    seen = match.seen
    first = match.first.match(text)
    for hit in chain((first,) if first else (), match.starts.finditer(text)):
        pos, longest = hit.span(1)
        phrase = text[pos : longest + 1]
        channels = seen.get(phrase)
        if channels is None:
            if len(seen) >= _SEEN_MAX:
                seen.clear()
            channels = seen[phrase] = _channels_at(match, text, pos)
        for c, length, key in channels:
            spans = found.get(c)
            if spans is None:
                found[c] = [(pos, pos + length, key)]
            elif pos >= spans[-1][1]:
                spans.append((pos, pos + length, key))
    return found


def load_taxonomy(path: Path) -> tuple[Taxonomy | None, list[Problem]]:
    text, problems = yamlfile.read(path)
    if text is None:
        return None, problems
    taxonomy, problems = _taxonomy(text, str(path))
    return taxonomy, list(problems)


# mkdocs serve loads the taxonomy on every edit: the same text gives the same Taxonomy object,
# so classify()'s cache finds it by identity instead of comparing every topic's terms.
@lru_cache(maxsize=4)
def _taxonomy(text: str, where: str) -> tuple[Taxonomy | None, tuple[Problem, ...]]:
    taxonomy, problems = _read_taxonomy(text, where)
    return taxonomy, tuple(problems)


def _read_taxonomy(text: str, where: str) -> tuple[Taxonomy | None, list[Problem]]:
    data, problems = yamlfile.parse(text, where)
    if problems:
        return None, problems
    problems += yamlfile.check_keys(data, where, {"max_topics", "topics"}, {"topics"}, "taxonomy file")
    if problems:
        return None, problems
    max_topics = data.get("max_topics", 4)
    if not isinstance(max_topics, int) or isinstance(max_topics, bool) or max_topics < 1:
        problems.append(Problem(where, data.line, "max_topics must be a whole number of at least 1"))
    items = data["topics"]
    if not isinstance(items, list) or not items:
        return None, problems + [Problem(where, data.line, "topics must be a non-empty list")]
    topics: list[Topic] = []
    seen: set[str] = set()
    for item in items:
        found = yamlfile.check_keys(
            item, where, {"id", "name", "description", *KINDS}, {"id", "name", "description", "terms"}, "topic"
        )
        if found:
            problems += found
            continue
        line = item.line
        tid = item["id"]
        if not isinstance(tid, str) or not _ID.fullmatch(tid):
            problems.append(Problem(where, line, f"topic id {tid!r} must be lowercase words joined by hyphens"))
            continue
        if reason := reserved_reason(tid):
            problems.append(Problem(where, line, f"topic id {reason}: its page would collide; choose another id"))
        if tid in seen:
            problems.append(Problem(where, line, f"topic id {tid!r} is used twice"))
        seen.add(tid)
        for key in ("name", "description"):
            if not isinstance(item[key], str) or not item[key].strip():
                problems.append(Problem(where, line, f"topic {tid!r}: {key!r} must be non-empty text"))
        kinds = []
        for kind in KINDS:
            terms, found = yamlfile.string_list(item, kind, where, f"topic {tid!r}")
            problems += found
            kinds.append(terms)
            for term in terms:
                if len(term.strip()) < 2 or not term.strip()[0].isalnum():
                    problems.append(
                        Problem(where, line, f"topic {tid!r}: term {term!r} must start with 2 letters or digits")
                    )
        if not kinds[0] and not problems:
            problems.append(Problem(where, line, f"topic {tid!r} has no terms"))
        if problems:
            continue
        topics.append(Topic(tid, item["name"].strip(), " ".join(item["description"].split()), *kinds))
    if problems:
        return None, problems
    return Taxonomy(tuple(topics), max_topics, matcher(tuple(topics))), []


def _opening_end(text: str) -> int:
    # The sentences after the opening ones need not be found.
    nth = next(islice(_SENTENCE_END.finditer(text), OPENING_SENTENCES - 1, None), None)
    return nth.end() if nth else len(text)


_WORD_REST = re.compile(r"[\w-]*")
_SEPS = re.compile(r"[\s-]+")


def _term_key(matched: str) -> str:
    """A matched term as one evidence key: "mixture-of experts" and "mixture of experts" meet."""
    return matched if matched.isalnum() else " ".join(_SEPS.split(matched))


def _overlaps(start: int, end: int, spans: list[Span]) -> bool:
    # A loop, not any() over a generator: this runs for most spans of every paper.
    for s, e, _ in spans:  # noqa: SIM110
        if s < end and start < e:
            return True
    return False


@lru_cache(maxsize=1024)  # a handful of places, counts and kinds: every paper asks the same
def _weight(where: str, count: int, weak: bool) -> float:
    """One distinct term's weight: where it stands first, plus a little for repetition."""
    factor = WEAK_FACTOR if weak else 1.0
    return round(WEIGHTS[where] * factor + min(REPEAT_BONUS * math.log2(count), REPEAT_CAP) * factor, 2)


def _total(strong: list[float], weak: list[float]) -> float:
    """A topic's score from its terms' weights, each list summed largest first."""
    strong_sum = sum(sorted(strong, reverse=True))
    # Ambiguous words support what strong terms establish; they cannot outweigh it.
    return round(strong_sum + min(sum(sorted(weak, reverse=True)), strong_sum), 2)


def _topic_score(topic_id: str, found: list[tuple]) -> TopicScore:
    """found: (where a position stands, text, matched spans, excluded spans, weak?) per source
    (title, abstract) and kind of term."""
    hits: dict[str, list] = {}  # term as matched -> [word, where, count, weak]
    for where_of, text, spans, excluded, weak in found:
        for start, end, key in spans:
            if _overlaps(start, end, excluded):
                continue  # another sense of the word ("grammar-aligned" is not alignment)
            word = text[start : _WORD_REST.match(text, end).end()]
            where = where_of(start)
            hit = hits.setdefault(key, [word, where, 0, weak])
            hit[2] += 1
            hit[3] = hit[3] and weak
            if WEIGHTS[where] > WEIGHTS[hit[1]]:
                hit[0], hit[1] = word, where
    result = [Hit(word, where, count, weak, _weight(where, count, weak)) for word, where, count, weak in hits.values()]
    result.sort(key=lambda h: (-h.weight, h.word))
    score = _total([h.weight for h in result if not h.weak], [h.weight for h in result if h.weak])
    return TopicScore(topic_id, score, tuple(result))


def explain(taxonomy: Taxonomy, title: str, abstract: str, full: bool = True) -> tuple[TopicScore, ...]:
    """Each topic's score and the evidence behind it, in taxonomy order. With full=False, topics
    with no strong term are not looked into (their score is 0 whatever their weak terms)."""
    title_l, abstract_l = title.lower(), abstract.lower()
    in_title = _matches(taxonomy.match, title_l)
    in_abstract = _matches(taxonomy.match, abstract_l)
    opening = _opening_end(abstract)

    def in_abstract_at(pos: int) -> str:
        return "opening" if pos < opening else "abstract"

    scores = []
    for i, topic in enumerate(taxonomy.topics):
        strong, weak, exclude = 3 * i + _STRONG, 3 * i + _WEAK, 3 * i + _EXCLUDE
        if not full and strong not in in_title and strong not in in_abstract:
            scores.append(TopicScore(topic.id, 0.0, ()))
            continue
        found = []
        for where_of, text, spans in (
            (lambda _: "title", title_l, in_title),
            (in_abstract_at, abstract_l, in_abstract),
        ):
            excluded, strong_spans = spans.get(exclude, []), spans.get(strong, [])
            found.append((where_of, text, strong_spans, excluded, False))
            # A weak term inside a strong one ("evaluat" in "evaluating") is the same evidence.
            found.append((where_of, text, spans.get(weak, []), excluded + strong_spans, True))
        scores.append(_topic_score(topic.id, found))
    return tuple(scores)


def rank(scores: tuple[TopicScore, ...], max_topics: int) -> tuple[tuple[str, float], ...]:
    """The topics a paper is filed under, most relevant first: enough evidence, at least one term
    that carries the topic's sense, and not far below the best topic."""
    return rank_scores([(s.topic, s.score) for s in scores if s.strong and s.score >= THRESHOLD], max_topics)


def rank_scores(eligible: list[tuple[str, float]], max_topics: int) -> tuple[tuple[str, float], ...]:
    """rank() over the (topic, score) pairs that have a strong term and reach THRESHOLD."""
    if not eligible:
        return ()
    eligible = sorted(eligible, key=lambda ts: -ts[1])
    floor = RELATIVE * eligible[0][1]
    return tuple(ts for ts in eligible[:max_topics] if ts[1] >= floor)


def classify(taxonomy: Taxonomy, title: str, abstract: str) -> tuple[tuple[str, float], ...]:
    """The paper's topics with their scores, most relevant first, at most ``max_topics``.

    The scores are explain()'s, computed without keeping the evidence: classification runs for
    every paper on every build, explain() only where a reader or curator asks why."""
    in_title = _matches(taxonomy.match, title.lower())
    in_abstract = _matches(taxonomy.match, abstract.lower())
    opening = _opening_end(abstract) if in_abstract else 0
    scores = []
    # Only topics with a strong term can be filed; the others' channels are not looked at.
    for strong in sorted({c for c in chain(in_title, in_abstract) if c % 3 == _STRONG}):
        base = strong - _STRONG  # the topic's first channel
        if _falls_short(in_title, in_abstract, base):
            continue
        score = _score_only(in_title, in_abstract, base, opening)
        if score >= THRESHOLD:
            scores.append((taxonomy.topics[base // 3].id, score))
    return rank_scores(scores, taxonomy.max_topics)


# The most one span can add to a score: its place's weight (the title's, or the opening's in
# the abstract), plus at most that much again for each repetition of a term. That holds while a
# repetition's bonus stays within the lightest place's weight (log2(n) <= n - 1).
_MOST_TITLE = WEIGHTS["title"]
_MOST_ABSTRACT = max(WEIGHTS["opening"], WEIGHTS["abstract"])
_BOUND_HOLDS = min(WEIGHTS.values()) >= REPEAT_BONUS
_ROUNDING = 0.005  # each weight, and the total, is rounded to two decimals


def _falls_short(in_title: dict, in_abstract: dict, base: int) -> bool:
    """Whether the topic's evidence cannot reach THRESHOLD, each span counted at its most: most
    topics a paper touches are passing mentions, a word or two in the abstract. Weak words add
    at most what strong ones do (_total), and exclusions only take evidence away. A weak span
    that reads as a strong term's evidence key is that term's evidence, at full weight."""
    if not _BOUND_HOLDS:
        return False
    title_strong, abstract_strong = in_title.get(base + _STRONG, ()), in_abstract.get(base + _STRONG, ())
    most_strong = len(title_strong) * _MOST_TITLE + len(abstract_strong) * _MOST_ABSTRACT
    if most_strong >= THRESHOLD:
        return False
    keys = {key for _, _, key in title_strong} | {key for _, _, key in abstract_strong}
    most_weak = 0.0
    spans = len(title_strong) + len(abstract_strong)
    for found, most in ((in_title, _MOST_TITLE), (in_abstract, _MOST_ABSTRACT)):
        for _, _, key in found.get(base + _WEAK, ()):
            spans += 1
            if key in keys:
                most_strong += most
            else:
                most_weak += WEAK_FACTOR * most
    return most_strong + min(most_weak, most_strong) + _ROUNDING * (spans + 1) < THRESHOLD


def _score_only(in_title: dict, in_abstract: dict, base: int, opening: int) -> float:
    """_topic_score(...).score, for a topic with at least one strong span."""
    hits: dict[str, list] = {}  # term as matched -> [where, count, weak]
    for spans, is_title in ((in_title, True), (in_abstract, False)):
        excluded, strong = spans.get(base + _EXCLUDE, ()), spans.get(base + _STRONG, ())
        weak = spans.get(base + _WEAK, ())
        for found, is_weak, against in ((strong, False, excluded), (weak, True, [*excluded, *strong])):
            for start, end, key in found:
                if against and _overlaps(start, end, against):
                    continue
                where = "title" if is_title else "opening" if start < opening else "abstract"
                hit = hits.get(key)
                if hit is None:
                    hits[key] = [where, 1, is_weak]
                    continue
                hit[1] += 1
                hit[2] = hit[2] and is_weak
                if WEIGHTS[where] > WEIGHTS[hit[0]]:
                    hit[0] = where
    weights = [(_weight(where, count, weak), weak) for where, count, weak in hits.values()]
    strong_weights = [w for w, weak in weights if not weak]
    return _total(strong_weights, [w for w, weak in weights if weak]) if strong_weights else 0.0


def confident(topics: tuple[tuple[str, float], ...]) -> bool:
    """Whether an automatic result is clear enough to leave unreviewed."""
    if not topics:
        return False
    best = topics[0][1]
    runner_up = topics[1][1] if len(topics) > 1 else 0.0
    return best >= CONFIDENT and best - runner_up >= 0.5
