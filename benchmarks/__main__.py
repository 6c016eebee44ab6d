"""python -m benchmarks [quality|scale|search|serve] [options]: with no argument, all four at their default sizes."""

from __future__ import annotations

import sys

from . import quality, scale, search, serve

BENCHMARKS = {"quality": quality.main, "scale": scale.main, "search": search.main, "serve": serve.main}


def main() -> None:
    which = sys.argv[1] if len(sys.argv) > 1 else "all"
    if which == "all":
        for name, run in BENCHMARKS.items():
            print(f"\n== {name}")
            run([])
    elif which in BENCHMARKS:
        BENCHMARKS[which](sys.argv[2:])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


main()
