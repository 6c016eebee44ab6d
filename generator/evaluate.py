"""Measuring topics and related papers against a curator's labels.

A labels file names papers by title and gives the topics a curator chose by reading the
abstract, the main subject first::

    papers:
      - title: A Survey on Mixture of Experts
        topics: [mixture-of-experts, surveys]

Topics are scored as (paper, topic) pairs: precision, recall and F1, and how often the first
topic is one of the curator's. Related papers are scored by how many of each paper's related
papers share a labelled topic with it (a reader's "this is related" needs a shared subject).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import yamlfile
from .catalogue import Catalogue
from .problems import InputError, Problem
from .slugs import normalise_title
from .topics import classify


@dataclass(frozen=True)
class Labels:
    topics: dict[str, tuple[str, ...]]  # normalised title -> the curator's topics, main first


@dataclass(frozen=True)
class TopicQuality:
    papers: int
    precision: float
    recall: float
    f1: float
    first: float  # share of papers whose first topic is one of the curator's
    per_topic: dict[str, tuple[int, int, int]]  # topic -> (right, wrong, missed)


@dataclass(frozen=True)
class RelatedQuality:
    papers: int
    shared_topic: float  # of up to 5 related papers, how many share a labelled topic
    shared_main: float  # ... how many share the paper's main labelled topic


def load_labels(path: Path, topic_ids: set[str]) -> Labels:
    data, problems = yamlfile.load(path)
    if not problems:
        problems = yamlfile.check_keys(data, str(path), {"papers"}, {"papers"}, "labels file")
    if problems:
        raise InputError(problems)
    topics: dict[str, tuple[str, ...]] = {}
    for item in data["papers"] or []:
        found = yamlfile.check_keys(item, str(path), {"title", "topics"}, {"title", "topics"}, "labelled paper")
        if not found:
            ids, found = yamlfile.string_list(item, "topics", str(path), "labelled paper")
            found += [Problem(str(path), item.line, f"unknown topic {t!r}") for t in ids if t not in topic_ids]
            if not ids and not found:
                found.append(Problem(str(path), item.line, "a labelled paper needs at least one topic"))
            if not isinstance(item["title"], str):
                found.append(Problem(str(path), item.line, "title must be text"))
        problems += found
        if not found:
            topics[normalise_title(item["title"])] = ids
    if problems:
        raise InputError(problems)
    return Labels(topics)


def topic_quality(catalogue: Catalogue, labels: Labels, automatic: bool) -> TopicQuality:
    """Topics of the labelled papers in the catalogue, as the site shows them (curated) or as the
    classifier alone assigns them."""
    right = wrong = missed = first = papers = 0
    per_topic = {t.id: [0, 0, 0] for t in catalogue.taxonomy.topics}
    for paper in catalogue.papers:
        gold = labels.topics.get(normalise_title(paper.title))
        if gold is None:
            continue
        papers += 1
        chosen = classify(catalogue.taxonomy, paper.title, paper.abstract) if automatic else paper.topics
        ids = [t for t, _ in chosen]
        first += bool(ids) and ids[0] in gold
        for t in ids:
            hit = t in gold
            right, wrong = right + hit, wrong + (not hit)
            per_topic[t][0 if hit else 1] += 1
        for t in set(gold) - set(ids):
            missed += 1
            per_topic[t][2] += 1
    precision = right / (right + wrong) if right + wrong else 0.0
    recall = right / (right + missed) if right + missed else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return TopicQuality(
        papers,
        precision,
        recall,
        f1,
        first / papers if papers else 0.0,
        {t: (r, w, m) for t, (r, w, m) in per_topic.items()},
    )


def related_quality(catalogue: Catalogue, labels: Labels, neighbours: list[tuple[int, ...]]) -> RelatedQuality:
    papers = shared = main = 0
    gold = [labels.topics.get(normalise_title(p.title)) for p in catalogue.papers]
    for i, near in enumerate(neighbours):
        if gold[i] is None:
            continue
        others = [gold[j] for j in near if gold[j] is not None]
        papers += 1
        shared += sum(1 for g in others if set(g) & set(gold[i]))
        main += sum(1 for g in others if gold[i][0] in g)
    return RelatedQuality(papers, shared / papers if papers else 0.0, main / papers if papers else 0.0)


def report(automatic: TopicQuality, curated: TopicQuality, related: RelatedQuality, labelled: int) -> str:
    lines = [
        f"labelled papers: {labelled}, in the catalogue: {curated.papers}",
        "",
        f"{'topics':<24}{'classifier alone':>18}{'with curation':>16}",
    ]
    for name, attr, pct in (
        ("precision", "precision", False),
        ("recall", "recall", False),
        ("F1", "f1", False),
        ("first topic right", "first", True),
    ):
        a, c = getattr(automatic, attr), getattr(curated, attr)
        fmt = (lambda v: f"{v:.1%}") if pct else (lambda v: f"{v:.3f}")
        lines.append(f"  {name:<22}{fmt(a):>18}{fmt(c):>16}")
    lines += [
        "",
        "related papers (of up to 5 shown):",
        f"  sharing a labelled topic   {related.shared_topic:.2f}",
        f"  sharing the main topic     {related.shared_main:.2f}",
        "",
        "classifier alone, per topic (right / wrong / missed):",
    ]
    width = max(len(t) for t in automatic.per_topic)
    lines += [f"  {t:<{width}}  {r:>4} {w:>4} {m:>4}" for t, (r, w, m) in automatic.per_topic.items()]
    return "\n".join(lines)


def evaluate(catalogue: Catalogue, labels_path: Path, neighbours: list[tuple[int, ...]]) -> str:
    """The whole report for a catalogue, its related papers and a labels file."""
    labels = load_labels(labels_path, {t.id for t in catalogue.taxonomy.topics})
    return report(
        topic_quality(catalogue, labels, automatic=True),
        topic_quality(catalogue, labels, automatic=False),
        related_quality(catalogue, labels, neighbours),
        len(labels.topics),
    )
