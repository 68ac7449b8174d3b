#!/usr/bin/env bash
# Start FlowML Studio again without reinstalling (run ./setup-and-run.sh once first).
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x .venv/bin/flowml ]; then
  echo "FlowML is not installed here yet: run ./setup-and-run.sh first." >&2
  exit 1
fi
exec .venv/bin/flowml up "$@"
