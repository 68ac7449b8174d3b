#!/usr/bin/env bash
# Creates the venvs that benchmarks/automl.py runs the other AutoML tools in, beside (never inside) .venv:
#   .venv-bench  FLAML and the harness itself            bash benchmarks/setup.sh
#   .venv-ag     AutoGluon, optional third tool           bash benchmarks/setup.sh --autogluon
# .venv holds the product's pinned versions; FLAML needs xgboost < 3 and AutoGluon needs pandas < 2.4 and the
# `xgboost-cpu` distribution (which would clobber FLAML's `xgboost`), so each tool gets its own venv.
# The pins below were checked together on Python 3.11 (import, fit and predict on the shared datasets).
# Re-running is safe: an existing venv is reused and brought to the pins.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"

BENCH_PINS=(
  "flaml[automl]==2.7.0"
  "numpy==2.4.6"
  "scipy==1.17.1"
  "pandas==3.1.1"
  "scikit-learn==1.9.1"
  "lightgbm==4.7.0"
  "xgboost==2.1.4"  # flaml[automl] requires xgboost<3
  "polars==2.1.0"
  "pyarrow==26.0.1"
)

# autogluon.tabular without its torch-based models: the lightgbm, catboost and xgboost extras only.
AG_PINS=(
  "autogluon.tabular[lightgbm,catboost,xgboost]==1.6.3"
  "numpy==2.4.6"
  "scipy==1.17.1"
  "pandas==2.3.3"  # autogluon 1.6 requires pandas<2.4
  "pyarrow==24.0.0"  # and pyarrow<25
  "scikit-learn==1.9.1"
  "lightgbm==4.7.0"
  "catboost==1.2.10"
  "xgboost-cpu==3.2.0"
)

usage() {
  echo "usage: bash benchmarks/setup.sh [--autogluon]" >&2
  exit 2
}

with_autogluon=0
for arg in "$@"; do
  case "$arg" in
    --autogluon) with_autogluon=1 ;;
    -h | --help) usage ;;
    *) echo "unknown option: $arg" >&2; usage ;;
  esac
done

make_venv() {  # make_venv DIR PIN...
  local dir="$1"
  shift
  [ -x "$dir/bin/python" ] || "$PYTHON" -m venv "$dir"
  "$dir/bin/python" -m pip install --quiet --upgrade pip
  "$dir/bin/python" -m pip install --quiet "$@"
  "$dir/bin/python" -m pip check
}

echo "== $REPO/.venv-bench (FLAML)"
make_venv "$REPO/.venv-bench" "${BENCH_PINS[@]}"
"$REPO/.venv-bench/bin/python" -c "
import flaml, lightgbm, pandas, polars, pyarrow, sklearn, xgboost
from flaml import AutoML
print('flaml', flaml.__version__, '| sklearn', sklearn.__version__, '| pandas', pandas.__version__,
      '| xgboost', xgboost.__version__, '| lightgbm', lightgbm.__version__)
"

if [ "$with_autogluon" = 1 ]; then
  echo "== $REPO/.venv-ag (AutoGluon, no torch)"
  make_venv "$REPO/.venv-ag" "${AG_PINS[@]}"
  "$REPO/.venv-ag/bin/python" -c "
import autogluon.tabular, catboost, pandas, sklearn
from autogluon.tabular import TabularPredictor
print('autogluon.tabular', autogluon.tabular.__version__, '| pandas', pandas.__version__)
"
fi

if [ ! -x "$REPO/.venv/bin/flowml" ]; then
  echo "note: $REPO/.venv/bin/flowml not found; install the product first or pass --flowml to automl.py" >&2
fi
echo "ready: $REPO/.venv-bench/bin/python benchmarks/automl.py --budget 60"
