#!/usr/bin/env bash
# Publishes to the gh-pages branch, which GitHub Pages serves:
#   main's site at the root, each pull request's preview under pr-N/.
#
#   publish-pages.sh main SITE_DIR        replace the root, keeping every pr-N/
#   publish-pages.sh preview N SITE_DIR   replace pr-N/ with SITE_DIR
#   publish-pages.sh remove N             delete pr-N/
#
# Needs GH_TOKEN (contents: write) and GITHUB_REPOSITORY, or PAGES_REMOTE. It copies files and never runs
# anything from SITE_DIR: a preview's site comes from an untrusted pull request.
set -euo pipefail

mode=$1
case "$mode" in
  main) site=$2; message="Publish main" ;;
  preview) pr=$2; site=$3; message="Publish preview of #$pr" ;;
  remove) pr=$2; site=""; message="Remove preview of #$pr" ;;
  *) echo "usage: see the top of $0" >&2; exit 2 ;;
esac
if [ -n "${pr:-}" ] && ! [[ "$pr" =~ ^[0-9]+$ ]]; then
  echo "not a pull request number: $pr" >&2
  exit 2
fi

work=$(mktemp -d)
# PAGES_REMOTE lets the tests publish into a local repository instead.
remote="${PAGES_REMOTE:-https://x-access-token:${GH_TOKEN}@github.com/${GITHUB_REPOSITORY}.git}"
if git ls-remote --exit-code --heads "$remote" gh-pages >/dev/null 2>&1; then
  git clone --quiet --depth 1 --branch gh-pages "$remote" "$work"
else
  git init --quiet -b gh-pages "$work"
  git -C "$work" remote add origin "$remote"
fi

case "$mode" in
  main)
    find "$work" -mindepth 1 -maxdepth 1 ! -name .git ! -name 'pr-*' -exec rm -rf {} +
    cp -R "$site"/. "$work"/
    ;;
  preview)
    rm -rf "${work:?}/pr-$pr"
    cp -R "$site" "$work/pr-$pr"
    ;;
  remove)
    rm -rf "${work:?}/pr-$pr"
    ;;
esac
touch "$work/.nojekyll"  # serve files as they are, folders starting with _ included

cd "$work"
git add -A
if git diff --cached --quiet; then
  echo "gh-pages already up to date"
  exit 0
fi
git -c user.name="github-actions[bot]" -c user.email="41898282+github-actions[bot]@users.noreply.github.com" \
  commit --quiet -m "$message"
git push --quiet origin gh-pages
