#!/usr/bin/env bash
# The whole test suite: lint and types, the backend tests on SQLite, the database-facing tests again on PostgreSQL,
# and the dashboard's build and unit tests. Installs what is missing into .venv first.
set -euo pipefail
cd "$(dirname "$0")"

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -c backend/constraints.txt -e 'backend[dev]'
export PATH="$PWD/.venv/bin:$PATH"

echo "==> ruff"; ruff check backend tests
echo "==> mypy"; mypy

if command -v npm >/dev/null 2>&1; then
  echo "==> dashboard: install, typecheck + build, unit tests"
  (cd frontend && npm ci --no-audit --no-fund --loglevel=error && npm run build && npm test)
else
  echo "==> npm not found: skipping the dashboard (CI installs Node)"
  [ "${CI:-}" != "true" ] || exit 1
fi

PG_URL="${FLOWML_TEST_POSTGRES_URL:-postgresql+asyncpg://postgres@127.0.0.1:5432/test}"
echo "==> backend tests on SQLite"
pytest "$@"
echo "==> database-facing tests on PostgreSQL ($PG_URL)"
FLOWML_TEST_DATABASE_URL="$PG_URL" pytest -m db "$@"
