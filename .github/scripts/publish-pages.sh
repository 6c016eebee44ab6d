#!/usr/bin/env bash
# Publishes to the gh-pages branch, which GitHub Pages serves:
#   main's site at the root, each pull request's preview under pr-N/.
#
#   publish-pages.sh main SITE_DIR        replace the root, keeping pr-N/ of open pull requests
#   publish-pages.sh preview N SITE_DIR   replace pr-N/ with SITE_DIR
#   publish-pages.sh remove N             delete pr-N/
#
# Needs GH_TOKEN (contents: write) and GITHUB_REPOSITORY, or PAGES_REMOTE. It copies files and never runs
# anything from SITE_DIR: a preview's site comes from an untrusted pull request, so only regular
# files and folders are published (no links, no .git, nothing over MAX_SITE_MB).
# OPEN_PRS (optional, "12 15 ..."): with main, every pr-N/ whose pull request is not listed is
# swept away, so a cleanup that never ran leaves nothing published for good.
# Several workflows write the branch; a push that lost the race is retried from a fresh clone.
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
for n in ${OPEN_PRS:-}; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "OPEN_PRS holds something that is not a number: $n" >&2; exit 2; }
done

if [ -n "$site" ]; then
  [ -d "$site" ] || { echo "no site folder at $site" >&2; exit 2; }
  odd=$(find "$site" ! -type f ! -type d -print -quit)
  if [ -n "$odd" ]; then
    echo "refusing to publish: $odd is not a regular file (links and devices are not published)" >&2
    exit 3
  fi
  if [ -n "$(find "$site" -name .git -print -quit)" ]; then
    echo "refusing to publish: the site holds a .git" >&2
    exit 3
  fi
  size_mb=$(du -sm "$site" | cut -f1)
  if [ "$size_mb" -gt "${MAX_SITE_MB:-500}" ]; then
    echo "refusing to publish: the site is ${size_mb} MB, over ${MAX_SITE_MB:-500} MB" >&2
    exit 3
  fi
fi

# PAGES_REMOTE lets the tests publish into a local repository instead.
remote="${PAGES_REMOTE:-https://x-access-token:${GH_TOKEN:-}@github.com/${GITHUB_REPOSITORY:-}.git}"

placeholder() {
  cat <<'HTML'
<!doctype html>
<html lang="en"><meta charset="utf-8"><title>Reading list</title>
<p>The reading list has not been published from its main branch yet. Pull request previews
are in the folders <code>pr-N/</code> beside this page.</p></html>
HTML
}

# Every try's clone lives in one temporary folder, removed however the script ends.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# Called as `if attempt`, where bash ignores set -e inside it: every step says `|| return 1`.
attempt() {
  local work
  work=$(mktemp -d -p "$scratch")
  if git ls-remote --exit-code --heads "$remote" gh-pages >/dev/null 2>&1; then
    git clone --quiet --depth 1 --branch gh-pages "$remote" "$work" || return 1
  else
    git init --quiet -b gh-pages "$work" || return 1
    git -C "$work" remote add origin "$remote" || return 1
  fi

  case "$mode" in
    main)
      find "$work" -mindepth 1 -maxdepth 1 ! -name .git ! -name 'pr-*' -exec rm -rf {} +
      if [ -n "${OPEN_PRS+set}" ]; then
        for dir in "$work"/pr-*; do
          [ -d "$dir" ] || continue
          n=${dir##*/pr-}
          case " $OPEN_PRS " in *" $n "*) ;; *) rm -rf "$dir"; echo "swept pr-$n/: its pull request is closed" ;; esac
        done
      fi
      cp -R "$site"/. "$work"/ || return 1
      ;;
    preview)
      rm -rf "${work:?}/pr-$pr"
      cp -R "$site" "$work/pr-$pr" || return 1
      ;;
    remove)
      rm -rf "${work:?}/pr-$pr"
      ;;
  esac
  # A branch made by a preview must not serve a 404 at the site's root.
  [ -e "$work/index.html" ] || placeholder > "$work/index.html"
  touch "$work/.nojekyll"  # serve files as they are, folders starting with _ included

  git -C "$work" add -A || return 1
  if git -C "$work" diff --cached --quiet; then
    echo "gh-pages already up to date"
    return 0
  fi
  git -C "$work" -c user.name="github-actions[bot]" \
    -c user.email="41898282+github-actions[bot]@users.noreply.github.com" commit --quiet -m "$message" || return 1
  git -C "$work" push --quiet origin gh-pages
}

for try in 1 2 3 4 5; do
  if attempt; then
    exit 0
  fi
  echo "push to gh-pages failed (try $try of 5); starting again from the branch as it is now" >&2
  sleep $((try * 3))
done
echo "could not publish to gh-pages after 5 tries" >&2
exit 1
