#!/usr/bin/env bash
# Set up FlowML Studio from a fresh clone and start it: venv, backend, dashboard (when Node is there), `flowml up`.
set -euo pipefail
cd "$(dirname "$0")"

PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "FlowML needs Python 3.11 or newer (found: $("$PYTHON" --version 2>&1 || echo none))." >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PYTHON" -m venv .venv
fi
echo "==> installing the backend (pinned by backend/constraints.txt)"
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -c backend/constraints.txt -e backend

if command -v npm >/dev/null 2>&1 && node -e 'process.exit(parseInt(process.versions.node, 10) >= 20 ? 0 : 1)' 2>/dev/null; then
  echo "==> building the dashboard"
  (cd frontend && npm ci --no-audit --no-fund --loglevel=error && npm run build)
else
  echo "==> Node.js 20+ not found: skipping the dashboard build."
  echo "    The API still runs; install Node.js and run this script again to get the dashboard."
fi

echo "==> starting FlowML Studio"
exec .venv/bin/flowml up "$@"
