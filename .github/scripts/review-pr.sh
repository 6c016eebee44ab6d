#!/usr/bin/env bash
# Works out the papers a pull request adds, changes and removes with THIS checkout's generator
# (the default branch's), reading the pull request's seeds/ and data/ as plain files: nothing
# from the pull request is imported or run, so a hostile pull request cannot write its own
# verdict into the comment maintainers read.
#
#   review-pr.sh PR HEAD_SHA BASE_SHA OUT_JSON
#
# Run from the default branch's checkout, with its packages installed; PYTHON overrides python.
set -euo pipefail

pr=$1 head=$2 base=$3 out=$4
[[ "$pr" =~ ^[0-9]+$ ]] || { echo "not a pull request number: $pr" >&2; exit 2; }
[[ "$head" =~ ^[0-9a-f]{40}$ && "$base" =~ ^[0-9a-f]{40}$ ]] || { echo "not commit SHAs: $head $base" >&2; exit 2; }

git fetch --no-tags --quiet origin "refs/pull/$pr/head"
if [ "$(git rev-parse FETCH_HEAD)" != "$head" ]; then
  echo "the pull request moved on from $head; not reviewed" >&2
  exit 1
fi
files=$(mktemp -d)
trap 'rm -rf "$files"' EXIT
git archive FETCH_HEAD seeds data | tar -x -C "$files"
if [ -n "$(find "$files" ! -type f ! -type d -print -quit)" ]; then
  echo "the pull request's seeds/ or data/ hold links or other non-files: not reviewed" >&2
  exit 1
fi
"${PYTHON:-python}" -m generator --seeds "$files/seeds" --taxonomy "$files/data/taxonomy.yaml" \
  --curation "$files/data/curation.yaml" --metadata "$files/data/metadata" diff "$base" --format json > "$out"
