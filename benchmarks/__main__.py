"""python -m benchmarks [scale|search] [options]: with no argument, both, at their default sizes."""

from __future__ import annotations

import sys

from . import scale, search


def main() -> None:
    which = sys.argv[1] if len(sys.argv) > 1 else "all"
    rest = sys.argv[2:]
    if which in ("scale", "all"):
        scale.main(rest if which == "scale" else [])
    if which in ("search", "all"):
        if which == "all":
            print()
        search.main(rest if which == "search" else [])
    if which not in ("scale", "search", "all"):
        print(__doc__, file=sys.stderr)
        sys.exit(2)


main()
