#!/usr/bin/env bash
# The project's one entry point. Each command sets up what it needs first, so on a fresh
# Debian machine with Python 3.11 a single command is enough:
#
#   ./dev.sh serve   set up, then serve the site at http://127.0.0.1:8000 with live rebuilds
#   ./dev.sh build   set up, then build the site into site/ (open site/index.html from disk)
#   ./dev.sh test    set up (browser included), then run every check CI runs
#   ./dev.sh bench   set up, then run the scale and search benchmarks (prints tables)
set -euo pipefail
cd "$(dirname "$0")"

VENV=.venv
PY="$VENV/bin/python"
export NO_MKDOCS_2_WARNING=1  # Material's end-of-life notice; the README says how we plan for it

need_system() {
  # Debian packages: chromium for browser tests, shellcheck for scripts, hugo as a benchmark yardstick.
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

setup() {
  local extras="$1"
  if [ ! -x "$PY" ]; then
    python3.11 -m venv "$VENV" 2>/dev/null || python3 -m venv "$VENV"
  fi
  local stamp="$VENV/.installed-$extras"
  # Reinstall only when the dependency lists changed since the last setup.
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ constraints.txt -nt "$stamp" ]; then
    "$PY" -m pip install -q --disable-pip-version-check -c constraints.txt -e ".$extras"
    touch "$stamp"
  fi
}

setup_npm() {
  # axe-core for the accessibility tests, pinned by tests/a11y/package-lock.json.
  command -v npm >/dev/null 2>&1 || need_system nodejs npm
  local lock=tests/a11y/package-lock.json stamp=tests/a11y/node_modules/.package-lock.json
  if [ ! -f "$stamp" ] || [ "$lock" -nt "$stamp" ]; then
    npm ci --prefix tests/a11y --no-audit --no-fund --loglevel=error
  fi
}

case "${1:-}" in
  serve)
    setup ""
    # --dirty: MkDocs rebuilds only the pages the generator rewrote (it leaves unchanged files
    # alone), so an edited listing shows in a second or two instead of after a full build.
    # --no-strict: MkDocs warns about every dirty build; ./dev.sh build and CI stay strict.
    exec "$VENV/bin/mkdocs" serve --dirty --no-strict "${@:2}"
    ;;
  build)
    setup ""
    "$VENV/bin/mkdocs" build --strict "${@:2}"
    echo "built: open site/index.html (works from disk too)"
    ;;
  test)
    need_system chromium shellcheck git
    setup "[test]"
    setup_npm
    "$VENV/bin/ruff" check .
    "$VENV/bin/ruff" format --check .
    # Workflows: actionlint (runs shellcheck on run: scripts) and zizmor, offline.
    "$VENV/bin/actionlint"
    "$VENV/bin/zizmor" --offline --quiet .github/workflows
    shellcheck dev.sh .ci/run .github/scripts/*.sh
    "$PY" -m generator check
    "$VENV/bin/mkdocs" build --strict
    # pytest exits 5 when it collects no test: set -e makes that a failure too.
    "$PY" -m pytest "${@:2}"
    ;;
  bench)
    need_system hugo chromium
    setup "[test]"
    "$PY" -m benchmarks "${@:2}"
    ;;
  *)
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
