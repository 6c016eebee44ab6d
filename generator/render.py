"""Rendering: the catalogue into pages (Jinja2 templates in generator/templates) and papers.json.

Generated pages are HTML: there is nothing for Markdown to do in text the generator wrote, and
parsing it again was most of a large build's time. Each page is still a `.md` file for MkDocs,
with a front matter header that is one line of JSON (valid YAML too) holding its title,
description and table of contents; the MkDocs hook hands the body to Material as it is (see
mkdocs_hooks.py). Untrusted text is escaped by Jinja2's autoescaping (markupsafe): no HTML in
it takes effect, and since no Markdown or template engine reads the body again, neither does
any Markdown or template syntax.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache, partial
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote
from xml.sax.saxutils import escape as xml_escape

import jinja2
from markupsafe import Markup, escape

from .catalogue import Catalogue, Paper
from .history import Added
from .layout import RESERVED
from .metadata import arxiv_base
from .parallel import ordered_map
from .slugs import slugify
from .textmarkup import plain, rich
from .topics import Topic

TEMPLATES = Path(__file__).parent / "templates"
PAGE_SIZE = 50  # papers per topic, A–Z or listing page: a page's size must not grow with the list
HOME_LATEST = 20  # papers of the newest listing shown on the home page; its own page has them all
SUMMARY_LENGTH = 180
FEED_SIZE = 50  # newest papers in each feed: enough for a reader who looks weekly


GENERATED = "generated"  # the front matter key that marks a page the generator wrote as HTML
_HEADING = re.compile(r'<h([1-6]) id="([^"]+)">(.*?)<a class="headerlink"')


def page(body: str, title: str | None, description: str | None = None, head: str = "") -> str:
    """A generated page: a one-line JSON front matter header, then the HTML body.

    Material prints the title and description into <title> and meta tags without escaping
    them, so they are escaped here; the table of contents comes from the body's headings."""
    toc = [[int(level), anchor, text] for level, anchor, text in _HEADING.findall(body)]
    generated = {"toc": toc, "head": head} if head else {"toc": toc}
    meta: dict = {"search": {"exclude": True}, GENERATED: generated}
    if title is not None:  # the home page has none: Material then shows the site's name alone
        meta["title"] = html.escape(" ".join(title.split()))
    if description is not None:
        meta["description"] = html.escape(" ".join(description.split()))
    # ensure_ascii=False: characters outside the BMP (emoji) as themselves, never as escaped
    # surrogate pairs, which YAML readers mangle.
    return "---\n" + json.dumps(meta, ensure_ascii=False, sort_keys=True) + "\n---\n\n" + body


# A sentence ends at . ! or ? followed by space and a capital. The end mark is captured and
# given back to its sentence: a look-behind for it, tried at every position, took 2.5x longer.
_SENTENCE_END = re.compile(r"([.!?])\s+(?=[A-Z])")


def sentences(text: str) -> list[str]:
    parts = _SENTENCE_END.split(text)
    return [s + end for s, end in zip(parts[:-1:2], parts[1::2], strict=True)] + [parts[-1]]


def _sentence_at(text: str, pos: int) -> str:
    """The sentence of sentences(text) that holds position pos."""
    start = 0
    for end in _SENTENCE_END.finditer(text):
        if end.start() >= pos:
            return text[start : end.start() + 1]
        start = end.end()
    return text[start:]


# Where an abstract says what the paper does: "we propose", "this paper presents", "our method".
_CONTRIBUTION = re.compile(
    r"\b(?:we (?:\w+ )?(?:propose|introduce|present|develop|design|show|find|study|investigate|explore|"
    r"analy[sz]e|demonstrate|evaluate|release|describe|provide|offer|survey|review|build|train|formalize)|"
    r"(?:this|the present|our) (?:paper|work|study|survey|article|report|thesis|book|review)|"
    r"in this (?:paper|work|study)|here,? we)\b",
    re.IGNORECASE,
)
_ANY_WE = re.compile(r"\b(?:we|our)\b", re.IGNORECASE)
# Lead-ins that say nothing about the paper: "In this paper, we propose X" reads "We propose X".
_LEAD_IN = re.compile(
    r"^(?:in this (?:paper|work|study)|here|to (?:address|tackle|bridge|solve|overcome|fill) [^,]{0,60}),\s*",
    re.IGNORECASE,
)


def summary(text: str) -> str:
    """One line that says what the paper does: the abstract's sentence that states its
    contribution ("We propose ..."), else its first sentence; cut at a word boundary."""
    chosen = _LEAD_IN.sub("", stated_contribution(plain(text)))
    chosen = chosen[:1].upper() + chosen[1:]
    if len(chosen) <= SUMMARY_LENGTH:
        return chosen
    return chosen[:SUMMARY_LENGTH].rsplit(" ", 1)[0] + " …"


def stated_contribution(text: str) -> str:
    """The first of the text's sentences that states its contribution, else the first after
    the opening one that speaks of "we" or "our", else the first."""
    # No phrase of _CONTRIBUTION spans a sentence's end: the first in the text is in the first
    # sentence that holds one, and only that sentence need be cut out.
    found = _CONTRIBUTION.search(text)
    if found:
        return _sentence_at(text, found.start())
    parts = sentences(text)
    return next((s for s in parts[1:] if _ANY_WE.search(s)), parts[0])


@dataclass(frozen=True)
class SiteSettings:
    listing_edit_url: str | None = None  # e.g. https://github.com/OWNER/REPO/edit/main/seeds/
    site_url: str | None = None  # where the site is published, for addresses that must be absolute
    site_name: str = "Reading list"

    @classmethod
    def from_config(cls, config) -> SiteSettings:
        """From MkDocs' loaded configuration (mkdocs.yml)."""
        return cls(
            listing_edit_url=config.extra.get("listing_edit_url"),
            site_url=config.site_url,
            site_name=config.site_name,
        )


# The two pieces of HTML every page repeats, as Python rather than template macros, and put
# together with escape() and f-strings: Markup.format runs Python's string.Formatter, which
# cost more than the rest of a paper's page.
def heading(level: int, anchor: str, text: str) -> Markup:
    """A heading with its permanent link, as Material's Markdown headings have."""
    a = escape(anchor)
    return Markup(
        f'<h{level:d} id="{a}">{escape(text)}<a class="headerlink" href="#{a}" title="Permanent link">&para;</a></h{level:d}>'
    )


@jinja2.pass_context
def paper_list(context, papers, prefix: str) -> Markup:
    """Papers as a list of links with their one-line summaries; prefix leads to the site's root."""
    # A paper is listed on some five pages (A-Z, its listing, each of its topics' archives):
    # its item past the prefix is escaped and put together once per build (list_items).
    made, summaries = context["list_items"], context["summaries"]
    start = f'<li><a href="{escape(prefix)}'
    items = []
    for p in papers:
        item = made.get(p.slug)
        if item is None:
            item = made[p.slug] = (
                f'papers/{escape(p.slug)}.html">{escape(p.title)}</a><br>\n'
                f'<span class="paper-summary">{escape(summaries[p.slug])}</span></li>\n'
            )
        items.append(start + item)
    return Markup(f"<ul>\n{''.join(items)}</ul>")


@lru_cache(maxsize=1 << 16)  # a paper page quotes its title twice
def _quote_all(text: str) -> str:
    return quote(text, safe="")


# One per process: serve's rebuilds reuse the compiled templates (Jinja checks each template's
# file for changes before it uses it, so an edited one is compiled again).
@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=True,
    )
    env.filters["summary"] = summary
    env.globals.update(heading=heading, paper_list=paper_list)
    env.filters["rich"] = rich
    env.filters["listing_page"] = listing_page
    # arXiv's own pages take a version (2401.01234v2); other sites know the paper without one.
    env.filters["arxiv_base"] = arxiv_base
    env.filters["urlquote"] = _quote_all
    env.filters["plain"] = plain
    env.filters["xmltext"] = xml_text
    env.filters["entry_id"] = entry_id
    # Curated links are validated https URLs; quoting keeps them one URL.
    env.filters["urlsafe"] = lambda s: quote(s, safe=":/?#@!$&'*+,;=%-._~()")
    return env


# Characters XML 1.0 does not allow even escaped (listings already refuse control characters).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text for a feed: characters XML cannot hold shown as escapes, like bidi controls."""
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def entry_id(slug: str) -> str:
    """A paper's Atom id: permanent, as its address is, and independent of where the site is
    published, so moving the site does not make every reader see every paper again."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'reading-list:papers/' + slug)}"


Joined = list[tuple[tuple[float, int, int], Paper, Added]]


def joined_list(catalogue: Catalogue, added: dict[str, Added]) -> Joined:
    """Each paper with when it joined the list: its first listing's addition time, that
    listing's place among the listings, and the paper's line in it."""
    order = {lst.name: i for i, lst in enumerate(catalogue.listings)}
    out = []
    for p in catalogue.papers:
        first = min(p.appearances, key=lambda a: (added[a.listing].when, order[a.listing], a.line))
        out.append(((added[first.listing].when.timestamp(), order[first.listing], first.line), p, added[first.listing]))
    return out


def newest_first(joined: Joined) -> list[tuple[Paper, Added]]:
    """Papers by the day they entered the list (the first listing that holds them), newest
    first; within one listing in the listing's own order."""
    keyed = sorted(joined, key=lambda k: (-k[0][0], -k[0][1], k[0][2]))
    return [(p, a) for _, p, a in keyed]


def joining_order(joined: Joined) -> list[Paper]:
    """Papers in the order they joined the list: earlier papers keep their places when papers
    are added, so pages in this order change only at their end."""
    return [p for _, p, _ in sorted(joined, key=lambda k: k[0])]


def render_feeds(
    render: Callable[..., str], settings: SiteSettings, catalogue: Catalogue, added: dict[str, Added], joined: Joined
) -> Iterator[tuple[str, str]]:
    """The site's feed and one per topic, each of the FEED_SIZE newest papers; render is
    render_lists' (_body_renderer)."""
    ordered = newest_first(joined)
    per_topic: dict[str, list[tuple[Paper, Added]]] = {t.id: [] for t in catalogue.taxonomy.topics}
    for item in ordered:
        for topic_id in item[0].topic_ids:
            if len(per_topic[topic_id]) < FEED_SIZE:
                per_topic[topic_id].append(item)
    newest = max((a.rfc3339 for a in added.values()), default="1970-01-01T00:00:00Z")
    site = settings.site_url.rstrip("/") + "/" if settings.site_url else None
    feeds = [("feeds/all.xml", "index.html", settings.site_name, "The newest papers", ordered[:FEED_SIZE])]
    feeds += [
        (
            f"feeds/topics/{t.id}.xml",
            f"topics/{t.id}.html",
            f"{settings.site_name}: {t.name}",
            t.description,
            per_topic[t.id],
        )
        for t in catalogue.taxonomy.topics
    ]
    for path, page_path, title, subtitle, entries in feeds:
        # Without a published address, links are relative to the feed, as RFC 4287 allows.
        base = site or "../" * path.count("/")
        yield (
            path,
            render(
                "feed.xml.j2",
                title=title,
                subtitle=subtitle,
                feed_id=f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, (site or settings.site_name) + path)}",
                base=base,
                self_path=path,
                page_path=page_path,
                updated=max((a.rfc3339 for _, a in entries), default=newest),
                entries=entries,
            ),
        )


def _letter(title: str) -> str:
    """The A–Z page of a title: its first letter or digit ("(Dynamic) Prompting" is under D),
    without accents ("É", "İ" are under E and I); other scripts go under "other"."""
    first = next((c for c in title if c.isalnum()), "")
    base = unicodedata.normalize("NFKD", first)[:1].lower()
    if "a" <= base <= "z":
        return base
    return "0-9" if first.isdigit() else "other"


AZ_DEPTH = 24  # a prefix this long that still holds more than a page is paged by number


@dataclass(frozen=True)
class AZNode:
    """One A–Z page: a leaf lists papers (one numbered page of them), an inner page lists the
    longer prefixes below it, with the papers whose whole title is its prefix."""

    name: str  # page name under az/
    label: str  # "A", "Lang…"
    trail: tuple[tuple[str, str], ...]  # (name, label) of the pages above it
    papers: tuple[Paper, ...] = ()
    children: tuple[tuple[str, str, int], ...] = ()  # (name, label, papers) below it
    page: int = 1
    pages: tuple[str, ...] = ()  # numbered pages of an oversized leaf


def az_key(title: str) -> str:
    """A title's letters and digits without accents or case, from its first letter or digit
    (as _letter reads it): how A–Z pages split by prefix."""
    start = next((i for i, c in enumerate(title) if c.isalnum()), len(title))
    return _NOT_AZ.sub("", unicodedata.normalize("NFKD", title[start:].casefold()))


_NOT_AZ = re.compile("[^a-z0-9]+")  # A-Z keys keep ASCII letters and digits only


def az_tree(letter: str, items: list[Paper]) -> Iterator[AZNode]:
    """A letter's pages. A prefix holding more than PAGE_SIZE papers becomes a page of longer
    prefixes (an, ap, ...), and so on down: each page's set of papers depends only on the
    papers with its prefix, so adding a paper rewrites its own page and the few above it,
    never the pages of its neighbours. Names: az/a.md, then az/starts-an.md, ..."""
    label = letter.upper() if len(letter) == 1 else letter

    def node(prefix: str, name: str, label: str, papers: list[Paper], trail: tuple) -> Iterator[AZNode]:
        if len(papers) <= PAGE_SIZE or len(prefix) >= AZ_DEPTH or letter == "other":
            chunks = _pages(papers, name)
            for chunk_name, chunk, n in chunks:
                yield AZNode(chunk_name, label, trail, tuple(chunk), page=n, pages=tuple(c[0] for c in chunks))
            return
        depth = len(prefix) + 1
        groups: dict[str, list[Paper]] = {}
        ended = []
        for p in papers:
            key = keys[p.slug]
            # A title that ends here, or whose letters do not spell the group's own ("٣" is a
            # digit with no ASCII form), is listed on this page: every page below a letter then
            # starts with that letter, and no two letters' pages can share a name.
            if len(key) < depth or not key.startswith(prefix) or (letter == "0-9" and not key[:1].isdigit()):
                ended.append(p)
            else:
                groups.setdefault(key[:depth], []).append(p)
        here = (*trail, (name, label))
        children = tuple((f"starts-{k}", k.capitalize() + "…", len(v)) for k, v in sorted(groups.items()))
        yield AZNode(name, label, trail, tuple(ended), children=children)
        for (child, child_label, _), (key, group) in zip(children, sorted(groups.items()), strict=True):
            yield from node(key, child, child_label, group, here)

    keys = {p.slug: az_key(p.title) for p in items}  # once per paper, not once per level
    # The letter's own prefix: "a" for A; digits and other scripts split below their group.
    prefix = letter if len(letter) == 1 and letter.isalpha() else ""
    yield from node(prefix, letter, label, items, ())


def _pages(items: list, base: str, separator: str = "-") -> list[tuple[str, list, int]]:
    """Split a list into numbered pages: base.md, base-2.md, ..."""
    chunks = [items[i : i + PAGE_SIZE] for i in range(0, len(items), PAGE_SIZE)] or [[]]
    return [(base if n == 1 else f"{base}{separator}{n}", chunk, n) for n, chunk in enumerate(chunks, start=1)]


_CLEAN_STEM = re.compile(r"[a-z0-9]+(?:[_-][a-z0-9]+)*")


def listing_page(name: str) -> str:
    """A listing's page name: its file name without .txt where that is a plain name, else a
    hashed address as for papers. Plain names hold no "--", so their numbered pages
    (name--2) cannot meet another listing's page."""
    stem = name.removesuffix(".txt")
    return stem if _CLEAN_STEM.fullmatch(stem) and stem not in RESERVED else slugify(stem)


def paper_record(paper: Paper, names: dict[str, Topic]) -> dict:
    return {
        "slug": paper.slug,
        "title": paper.title,
        "abstract": paper.abstract,
        "url": f"papers/{paper.slug}.html",
        "topics": [{"id": t, "name": names[t].name, "score": s} for t, s in paper.topics],
        "listings": [{"file": a.listing, "date": a.date, "line": a.line} for a in paper.appearances],
        "links": {k: v for k, v in (("arxiv", paper.arxiv), ("code", paper.code), ("project", paper.project)) if v},
        "note": paper.note,
        "authors": list(paper.authors),
        "published": paper.published,
    }


def citation_head(paper: Paper) -> str:
    """The paper page's citation tags as HTML for its <head> (escaped here)."""
    tag = Markup('<meta name="{}" content="{}">')
    return "\n".join(tag.format(name, content) for name, content in citation_tags(paper))


def citation_tags(paper: Paper) -> list[list[str]]:
    """Highwire Press tags, which Zotero and Google Scholar read, for a paper whose authors and
    date come from a real source (Paper.citable)."""
    tags = [["citation_title", paper.title]]
    tags += [["citation_author", name] for name in paper.authors]
    tags.append(["citation_publication_date", paper.published.replace("-", "/")])
    if paper.arxiv:
        arxiv_id = arxiv_base(paper.arxiv)
        tags += [["citation_arxiv_id", arxiv_id], ["citation_pdf_url", f"https://arxiv.org/pdf/{arxiv_id}"]]
    return tags


class PageMemo:
    """What a long-lived process (mkdocs serve) keeps from its previous build, one build's worth
    and no more. Paper pages: a page whose paper and related papers are unchanged, under the
    same topic names and settings, is taken from here instead of rendered again; the other
    pages' bodies likewise (_body_renderer). And, for the modules named below, each listing's
    parse, each paper's topics, terms and summary, and what each generated file
    held and linked to."""

    def __init__(self) -> None:
        self._context: tuple | None = None
        self._pages: dict[tuple, tuple[str, str]] = {}
        self.reused = 0  # pages the last build took from here
        self._bodies_context: tuple | None = None
        self._bodies: dict[tuple, str] = {}
        self.links: dict = {}  # build._collect's
        self.files: dict = {}  # writer.Known
        self.listings: dict = {}  # listings.read_listings's, by path
        self.papers: dict = {}  # catalogue.build_catalogue's: each paper's topics, terms and summary

    def start(self, context: tuple) -> tuple[dict, dict]:
        """(the previous build's pages, the dict to fill with this build's)."""
        previous = self._pages if context == self._context else {}
        self._context, self._pages, self.reused = context, {}, 0
        return previous, self._pages

    def forget_all_but(self, files: frozenset[str], listings: set[str]) -> None:
        """Drop what the stores below hold for generated files and listings the last build no
        longer had: they keep one build's worth, like the pages."""
        for store, kept in ((self.links, files), (self.files, files), (self.listings, listings)):
            for key in store.keys() - kept:
                del store[key]

    def start_bodies(self, context: tuple) -> tuple[dict, dict]:
        """As start(), for the bodies of the other pages (render_lists)."""
        previous = self._bodies if context == self._bodies_context else {}
        self._bodies_context, self._bodies = context, {}
        return previous, self._bodies


def _templates_read() -> tuple[bytes, ...]:
    # serve watches the templates: an edited one renders every page anew.
    return tuple(p.read_bytes() for p in sorted(TEMPLATES.glob("*")))


def _frozen(value):
    """A template value as part of a memo key: lists and dicts as tuples."""
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, _frozen(v)) for k, v in value.items())
    return value


def _body_renderer(env: jinja2.Environment, common: dict, memo: PageMemo | None, catalogue: Catalogue):
    """render(template name, **values): the template rendered with the values and `common`.
    With a memo, a body whose template and values are those of the previous build is taken
    from it. The memo's context holds everything the templates read from `common` beyond the
    values: a template that reads more must add it here."""

    def render(name: str, **values) -> str:
        return env.get_template(name).render(common, **values)

    if memo is None:
        return render
    context = (
        common["settings"],
        catalogue.taxonomy,
        tuple(common["counts"].items()),
        len(catalogue.papers),
        len(catalogue.listings),
        catalogue.entry_count,
        _templates_read(),
    )
    previous, kept = memo.start_bodies(context)

    def remembered(name: str, **values) -> str:
        key = (name, _frozen(values))
        body = previous.get(key)
        if body is None:
            body = render(name, **values)
        kept[key] = body
        return body

    return remembered


def _common(catalogue: Catalogue, settings: SiteSettings, summaries: dict[str, str]) -> dict:
    """What every template may use."""
    topics = catalogue.taxonomy.topics
    # Counted, not taken from catalogue.by_topic(): that sorts every topic's papers, which the
    # paper pages do not need.
    per_topic = Counter(topic_id for p in catalogue.papers for topic_id, _ in p.topics)
    return {
        "catalogue": catalogue,
        "summaries": summaries,
        "list_items": {},  # paper_list's, by slug
        "topics": topics,
        "topic_names": catalogue.taxonomy.by_id(),
        "counts": {t.id: per_topic[t.id] for t in topics},
        "settings": settings,
    }


def render_papers(
    catalogue: Catalogue,
    settings: SiteSettings,
    neighbours: list[tuple[int, ...]],
    summaries: dict[str, str],
    memo: PageMemo | None = None,
    workers: int = 1,
) -> Iterator[tuple[str, str]]:
    """The paper pages, as (relative path, text), one at a time; with render_lists, every page
    the generator writes under docs/.

    neighbours[i] are the indices of paper i's related papers (catalogue.papers order);
    summaries[slug] is each paper's summary(abstract). Paper pages are rendered by up to
    `workers` processes, unless a memo is kept (parallel.py)."""
    topics = catalogue.taxonomy.topics
    papers = catalogue.papers
    render = partial(_paper_page, {**paper_page_parts(topics), "settings": settings})
    # Each page's item holds all it shows, so a worker needs nothing else of the catalogue.
    links = [Link(p.slug, p.title) for p in papers]
    items = [
        (paper, tuple(links[j] for j in near), summaries[paper.slug])
        for paper, near in zip(papers, neighbours, strict=True)
    ]
    if memo is None:
        yield from ordered_map(render, items, workers)
        return
    # Templates are in the context too: serve watches them, and an edited one renders anew.
    context = (
        settings,
        tuple((t.id, t.name) for t in topics),
        _templates_read(),
    )
    previous, kept = memo.start(context)
    for item in items:
        done = previous.get(item)
        if done is None:
            done = render(item)
        else:
            memo.reused += 1
        kept[item] = done
        yield done


def paper_page_parts(topics) -> dict[str, dict[str, Markup]]:
    """The HTML every paper page repeats, made once instead of for each of them: its section
    headings, and each topic's link."""
    return {
        "headings": {
            anchor: heading(2, anchor, text)
            for anchor, text in (
                ("topics", "Topics"),
                ("appeared-in", "Appeared in"),
                ("read-it", "Read it"),
                ("related-papers", "Related papers"),
            )
        },
        "topic_links": {
            t.id: Markup('<a class="md-tag" href="../topics/{}.html">{}</a>').format(t.id, t.name) for t in topics
        },
    }


class Link(NamedTuple):
    """Another paper as a page links to it."""

    slug: str
    title: str


def _paper_page(common: dict, item: tuple[Paper, tuple[Link, ...], str]) -> tuple[str, str]:
    """A paper's page from its item: the paper, its related papers and its summary. `common`
    holds what the paper template reads beyond them."""
    paper, related, summary_line = item
    body = _environment().get_template("paper.html.j2").render(common, paper=paper, related=related, h1_id=paper.slug)
    head = citation_head(paper) if paper.citable else ""
    return f"papers/{paper.slug}.md", page(body, paper.title, summary_line, head)


def render_lists(
    catalogue: Catalogue,
    settings: SiteSettings,
    added: dict[str, Added],
    summaries: dict[str, str],
    memo: PageMemo | None = None,
) -> Iterator[tuple[str, str]]:
    """Every generated page but the papers' own: topics, A–Z, listings, home, feeds and
    papers.json (see render_papers). They do not show related papers, so they need not wait
    for them. A long-lived process passes the memo it passes to render_papers."""
    env = _environment()
    topics = catalogue.taxonomy.topics
    by_topic = catalogue.by_topic()
    papers = catalogue.papers
    common = _common(catalogue, settings, summaries)
    render = _body_renderer(env, common, memo, catalogue)

    # A topic's first page: its most relevant papers. The rest are in archive pages in the order
    # papers joined the list, so a new paper lands on the last one and earlier pages stay as
    # they are: adding a paper rewrites a bounded set of files, however long the topic.
    # When each paper joined the list: topic archives run in that order, feeds newest first.
    joined = joined_list(catalogue, added)
    archive: dict[str, list[Paper]] = {t.id: [] for t in topics}
    for paper in joining_order(joined):
        for topic_id in paper.topic_ids:
            archive[topic_id].append(paper)
    for topic in topics:
        parts = [archive[topic.id][i : i + PAGE_SIZE] for i in range(0, len(archive[topic.id]), PAGE_SIZE)]
        ranges = [
            (f"{topic.id}-{n}", n * PAGE_SIZE - PAGE_SIZE + 1, n * PAGE_SIZE - PAGE_SIZE + len(part))
            for n, part in enumerate(parts, start=1)
        ]
        feed = Markup('<link rel="alternate" type="application/atom+xml" title="{}" href="../feeds/topics/{}.xml">')
        head = feed.format(f"{settings.site_name}: {topic.name}", topic.id)
        body = render("topic.html.j2", topic=topic, papers=by_topic[topic.id][:PAGE_SIZE], ranges=ranges)
        yield f"topics/{topic.id}.md", page(body, topic.name, head=head)
        if len(parts) < 2:
            continue  # the first page shows them all
        for n, (part, (name, first, last)) in enumerate(zip(parts, ranges, strict=True)):
            body = render(
                "topic-archive.html.j2",
                topic=topic,
                papers=part,
                first=first,
                last=last,
                previous=ranges[n - 1][0] if n else None,
                next=ranges[n + 1][0] if n + 1 < len(ranges) else None,
            )
            yield f"topics/{name}.md", page(body, f"{topic.name}: papers {first}–{last}")
    yield "topics/index.md", page(render("topics.html.j2"), "Topics")

    letters: dict[str, list[Paper]] = {}
    for paper in map(papers.__getitem__, catalogue.title_order):
        letters.setdefault(_letter(paper.title), []).append(paper)
    roots = {}
    for letter, items in sorted(letters.items()):
        roots[letter] = len(items)
        for node in az_tree(letter, items):
            body = render("letter.html.j2", node=node)
            yield f"az/{node.name}.md", page(body, f"Papers: {node.label}")
    yield "az/index.md", page(render("az.html.j2", letters=roots), "All papers A–Z")

    # Each listing's papers by line, from the papers' appearances: the listing's entries would
    # each have to be matched to their paper again (a slug, a hash, per entry).
    entries: dict[str, list[tuple[int, Paper]]] = {lst.name: [] for lst in catalogue.listings}
    for paper in papers:
        for a in paper.appearances:
            entries[a.listing].append((a.line, paper))
    listing_pages = []
    in_listing: list[Paper] = []  # after the loop: the newest listing's papers, for the home page
    for number, listing in enumerate(catalogue.listings, start=1):
        # A paper listed twice in one listing is shown once, where it first appears.
        in_order = sorted(entries[listing.name], key=itemgetter(0))
        in_listing = list({paper.slug: paper for _, paper in in_order}.values())
        pages = _pages(in_listing, listing_page(listing.name), separator="--")
        listing_pages.append((listing, pages[0][0], len(in_listing), number, added[listing.name]))
        for name, chunk, n in pages:
            body = render(
                "listing.html.j2",
                listing=listing,
                listing_added=added[listing.name],
                number=number,
                papers=chunk,
                page=n,
                pages=[p[0] for p in pages],
            )
            yield f"listings/{name}.md", page(body, f"Listing: {listing.date or listing.name}")
    listings_body = render("listings.html.j2", listings=listing_pages[::-1])
    yield "listings/index.md", page(listings_body, "Listings")

    latest = catalogue.latest
    home = render(
        "home.html.j2",
        latest=latest,
        latest_papers=in_listing[:HOME_LATEST],
        latest_count=len(in_listing),
        latest_page=listing_page(latest.name) if latest else None,
    )
    yield "index.md", page(home, None)

    yield "papers.json", papers_json(papers, common["topic_names"])
    yield from render_feeds(render, settings, catalogue, added, joined)
    if settings.site_url:
        yield "opensearch.xml", opensearch(settings)


def papers_json(papers: Iterable[Paper], names: dict[str, Topic]) -> Iterator[str]:
    """papers.json in pieces, one paper per line: readable and diffable, and each line uses
    json's C encoder (indent= would switch to the pure-Python one, 7x slower at 10,000 papers).
    Pieces, because at 100,000 papers the whole text is some 150 MB (writer.py)."""
    encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode  # json.dumps makes one per call
    yield '{"papers": [\n'
    separator = ""
    for p in papers:
        yield separator + encode(paper_record(p, names))
        separator = ",\n"
    yield '\n], "version": 1}\n'


def opensearch(settings: SiteSettings) -> str:
    """An OpenSearch description, so browsers offer the site's search. Browsers read it over the
    web only, so its address is the published one (site_url); the search itself is any page's
    ?q= address, which Material opens with the query typed in."""
    base = settings.site_url if settings.site_url.endswith("/") else settings.site_url + "/"
    name = xml_escape(settings.site_name[:16])
    template = xml_escape(base + "index.html?q={searchTerms}", {'"': "&quot;"})
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">\n'
        f"  <ShortName>{name}</ShortName>\n"
        f"  <Description>Search {xml_escape(settings.site_name)}: titles, abstracts and topics</Description>\n"
        "  <InputEncoding>UTF-8</InputEncoding>\n"
        f'  <Url type="text/html" method="get" template="{template}"/>\n'
        "</OpenSearchDescription>\n"
    )
