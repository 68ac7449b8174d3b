"""`AutoML(verbose=0)` prints nothing: no bar, no notes, and nothing from the worker processes either (CatBoost's
notice about its own metric period, scikit-learn's convergence warnings), as docs/python.md promises."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

SCRIPT = """
    import numpy as np
    import pandas as pd

    from flowml import AutoML

    rng = np.random.default_rng(0)
    # 400 rows: enough for CatBoost's early stopping (which with our metric period made CatBoost print a notice);
    # badly scaled columns make an unpenalised logistic regression hit its iteration limit (a ConvergenceWarning).
    X = pd.DataFrame({{"a": rng.normal(size=400) * 1e4, "b": rng.normal(size=400), "c": rng.normal(size=400)}})
    y = (X["b"] + rng.normal(scale=0.3, size=400) > 0).map({{True: "yes", False: "no"}})
    model = AutoML(
        time_budget=40, max_trials=4, n_jobs=2, algorithms={algorithms!r}, verbose={verbose}
    ).fit(X, y)
    print("trials", len(model.leaderboard_))
"""


def _run(tmp_path: Path, algorithms: list[str], verbose: int) -> subprocess.CompletedProcess[str]:
    script = tmp_path / f"fit_{verbose}.py"
    script.write_text(textwrap.dedent(SCRIPT.format(algorithms=algorithms, verbose=verbose)))
    env = {**os.environ, "FLOWML_HOME": str(tmp_path / "home")}
    return subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240, check=False
    )


def test_verbose_0_prints_nothing_even_from_the_workers(tmp_path: Path) -> None:
    done = _run(tmp_path, ["catboost", "logistic_regression"], verbose=0)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "trials 4"
    assert done.stderr == "", done.stderr
