"""Synthetic listings: realistic titles and abstracts drawn from the seeds' own vocabulary.

A word-bigram model of the seed titles and of the seed abstracts generates text that reads
like the corpus (same words, same topics, same lengths), so topic matching, related papers
and search do the same work as on real listings. Titles are distinct; output is a pure
function of N and the seed, so runs are comparable.

Usage: python -m benchmarks.synth N OUT_DIR [--per-listing 100]
"""

from __future__ import annotations

import argparse
import random
from collections import defaultdict
from pathlib import Path

from generator.listings import read_listings
from generator.slugs import normalise_title

ROOT = Path(__file__).resolve().parent.parent
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
CHROME = "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nbyAK and the research community\n\n"


class Bigrams:
    def __init__(self, texts: list[str]):
        self.next: dict[str, list[str]] = defaultdict(list)
        self.starts: list[str] = []
        for text in texts:
            words = text.split()
            if not words:
                continue
            self.starts.append(words[0])
            for a, b in zip(words, words[1:] + ["\0"], strict=True):
                self.next[a].append(b)
        self.lengths = sorted(len(t.split()) for t in texts)

    def sentence(self, rng: random.Random) -> str:
        target = rng.choice(self.lengths)
        words = [rng.choice(self.starts)]
        while len(words) < target * 2:
            options = self.next.get(words[-1])
            if not options:
                break
            word = rng.choice(options)
            if word == "\0":
                if len(words) >= target:
                    break
                word = rng.choice(self.starts)
            words.append(word)
        return " ".join(words)


def corpus(seeds: Path = ROOT / "seeds") -> tuple[list[str], list[str]]:
    listings, problems = read_listings(seeds)
    assert not problems, problems
    entries = [e for lst in listings for e in lst.entries]
    return [e.title for e in entries], [e.abstract for e in entries]


def generate(n: int, out: Path, per_listing: int = 100, seed: int = 1) -> list[Path]:
    titles, abstracts = corpus()
    title_model, abstract_model = Bigrams(titles), Bigrams(abstracts)
    rng = random.Random(seed)
    seen: set[str] = set()
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    made = 0
    while made < n:
        index = len(paths)
        count = min(per_listing, n - made)
        blocks = []
        while len(blocks) < count:
            title = title_model.sentence(rng)
            if len(title) > 250 or not any(c.isalpha() for c in title):
                continue
            key = normalise_title(title)
            if key in seen:
                continue
            seen.add(key)
            abstract = abstract_model.sentence(rng)
            blocks.append(f"{title}\n\n{abstract}\n")
        date = f"{MONTHS[index // 28 % 12]} {index % 28 + 1}"
        path = out / f"{index:06d}_synthetic.txt"
        path.write_text(CHROME + f"{date}\n\n" + "\n".join(blocks), encoding="utf-8")
        paths.append(path)
        made += count
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.synth", description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--per-listing", type=int, default=100)
    args = parser.parse_args()
    paths = generate(args.n, args.out, args.per_listing)
    print(f"{args.n} papers in {len(paths)} listings in {args.out}")


if __name__ == "__main__":
    main()
