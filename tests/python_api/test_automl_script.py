"""The three lines at the top level of a plain script, with no `if __name__ == "__main__":` guard: the worker
processes must not run the script again (spawn re-imports the main module unless FlowML keeps it out)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

SCRIPT = """
    from pathlib import Path

    import numpy as np
    import pandas as pd

    from flowml import AutoML

    with Path({runs!r}).open("a") as runs:
        runs.write("ran\\n")  # once per execution of this file, in any process

    rng = np.random.default_rng(0)
    X = pd.DataFrame({{"a": rng.normal(size=120), "b": rng.normal(size=120)}})
    y = (X["a"] + rng.normal(scale=0.3, size=120) > 0).map({{True: "yes", False: "no"}})
    model = AutoML(time_budget=60, max_trials=2, n_jobs=2, algorithms=["logistic_regression"], verbose=0).fit(X, y)
    print("classes", [str(c) for c in model.classes_], "trials", len(model.leaderboard_))
"""


def test_a_script_without_a_main_guard_fits_once(tmp_path: Path) -> None:
    runs = tmp_path / "runs.txt"
    script = tmp_path / "three_lines.py"
    script.write_text(textwrap.dedent(SCRIPT.format(runs=str(runs))))
    env = {**os.environ, "FLOWML_HOME": str(tmp_path / "home")}
    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "classes ['no', 'yes'] trials 2" in done.stdout
    assert runs.read_text().splitlines() == ["ran"]  # the two worker processes never ran the script
