#!/usr/bin/env bash
# Installs what the guide needs, once: a Python virtualenv from requirements.lock,
# the snippets' npm packages from package-lock.json, and Debian's chromium for the
# browser test. Each step is skipped while the hash of its lock file matches the
# stamp it left last time, so a second `make` starts in seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
STAMPS=.venv/.stamps
PYTHON=${PYTHON:-python3}

hash_of() { cat "$@" | sha256sum | cut -d' ' -f1; }

fresh() { # fresh NAME HASH: true when the stamp NAME holds HASH
  [ -f "$STAMPS/$1" ] && [ "$(cat "$STAMPS/$1")" = "$2" ]
}
stamp() { mkdir -p "$STAMPS"; echo "$2" > "$STAMPS/$1"; }

# 1. Python virtualenv with pinned dependencies; npm ci (step 2) runs meanwhile.
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "error: Python 3.11 or newer is needed; '$PYTHON' is $("$PYTHON" --version 2>&1)." >&2
  exit 1
fi
if ! command -v node >/dev/null; then
  echo "error: Node.js 20 or newer is needed and 'node' is not on PATH." >&2
  exit 1
fi
npm_hash=$(hash_of snippets/package-lock.json)
npm_pid=
if [ ! -d snippets/node_modules ] || ! fresh npm "$npm_hash"; then
  echo "==> npm ci in snippets/ (package-lock.json changed or first run)"
  (cd snippets && npm ci --no-audit --no-fund --loglevel=error) &
  npm_pid=$!
fi
py_hash=$(hash_of requirements.lock pyproject.toml)
if [ ! -x "$VENV/bin/python" ] || ! fresh python "$py_hash"; then
  echo "==> Installing Python dependencies into $VENV (requirements.lock changed or first run)"
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
  # --no-compile: byte-compiling all ~7,000 installed modules costs ~30 s of CPU; Python compiles
  # the ones a run imports on first use, and keeps them (unless told not to: see below).
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-compile -r requirements.lock
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -e .
  stamp python "$py_hash"
fi

# With PYTHONDONTWRITEBYTECODE set, Python keeps none of the byte-code it compiles, so every process
# (each notebook kernel, each test worker) would compile pandas, IPython and the rest from source again,
# seconds of CPU each. Then compile the installed packages once, here. (A few packages ship files that
# are not Python 3 on purpose, such as test data; compileall reports those, and they are never imported.)
if [ -n "${PYTHONDONTWRITEBYTECODE:-}" ] && ! fresh bytecode "$py_hash"; then
  echo "==> Byte-compiling the installed Python packages (PYTHONDONTWRITEBYTECODE is set)"
  "$VENV/bin/python" -m compileall -q -j 0 "$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')" >/dev/null || true
  stamp bytecode "$py_hash"
fi

# 2. npm packages for the reference Convex app and the playground sidecar: npm ci
# started in step 1 downloads while pip installs; here its outcome is awaited.
if [ -n "$npm_pid" ]; then
  wait "$npm_pid"
  stamp npm "$npm_hash"
fi

# 3. Debian's chromium, for the headless browser smoke test.
if [ "${SKIP_CHROMIUM:-}" != 1 ] && ! command -v chromium >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "==> Installing Debian's chromium for the browser test"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "warning: 'chromium' is not installed and this user cannot apt-get it;" >&2
    echo "         the browser test will fail. Install Debian's 'chromium' package." >&2
  fi
fi
