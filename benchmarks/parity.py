"""`AutoML().fit` and `flowml train` are one training run: same data, seed and max_trials give the same model.

For every dataset in the manifest (the benchmark protocol's 75/25 split, seed 0) it trains twice with the same
settings: `flowml train` in a child process, and `flowml.AutoML(...).fit(X_train, y_train)` in this one. It compares
the two leaderboards (algorithm, parameters and score of every trial, in order), the delivered models' scores on the
held-out quarter (the estimator's `score`: the job metric, greater is better) and their predictions. Then, unless
`--no-cross-val`, it runs scikit-learn's `cross_val_score` on `Pipeline([("automl", clone(estimator))])` (3 folds),
which needs `clone`, `get_params` and `fit`/`score` to follow scikit-learn's rules.

    python benchmarks/parity.py                                  # all 20 shared datasets, budget 30 s, 6 trials
    python benchmarks/parity.py --datasets iris,titanic --max-trials 4 --json parity.json

A budget too short for `--max-trials` makes the trial set depend on timing: the row then says `budget` and the
comparison is not meaningful (raise `--budget` or lower `--max-trials`). Prints a Markdown table for
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: import from the repository root
from benchmarks.automl import MANIFEST, Dataset, load_manifest, log, make_split
from flowml import AutoML
from flowml.engine.package import LEADERBOARD_FILE


@dataclass
class ParityRow:
    dataset: str
    task: str
    metric: str = ""
    trials: int = 0
    bounded_by: str = "max_trials"  # or "budget": the trial set then depends on timing
    same_leaderboard: bool = False
    cli_test: float | None = None
    automl_test: float | None = None
    max_prediction_diff: float | None = None
    cv_mean: float | None = None
    cv_std: float | None = None
    seconds: float = 0.0
    error: str = ""


def board_of(rows: list[dict[str, Any]]) -> list[tuple[str, str, float]]:
    return [(r["algorithm"], json.dumps(r["params"], sort_keys=True), round(float(r["score"]), 10)) for r in rows]


def outputs(model: AutoML, X: pd.DataFrame) -> np.ndarray:
    """Class probabilities for a classifier, predictions for a regressor."""
    if model.problem_type_.is_classification:
        return np.asarray(model.predict_proba(X), dtype=float)
    return np.asarray(model.predict(X), dtype=float)


def run_cli(args: argparse.Namespace, dataset: Dataset, train_csv: Path, out: Path) -> None:
    env = {**os.environ, "FLOWML_HOME": str(out.parent / "home"), "LOCAL_WORKERS": str(args.workers)}
    command = [
        *(str(args.flowml), "train", str(train_csv), "--target", dataset.target, "--task", dataset.task),
        *("--seed", str(args.seed), "--max-trials", str(args.max_trials), "--folds", str(args.folds)),
        *("--time-budget", str(args.budget), "--output", str(out)),
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=args.budget * 10, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"flowml train exited {done.returncode}: {(done.stderr or done.stdout).strip()[-300:]}")


def estimator(args: argparse.Namespace, dataset: Dataset, max_trials: int) -> AutoML:
    return AutoML(
        time_budget=args.budget,
        max_trials=max_trials,
        seed=args.seed,
        folds=args.folds,
        task=dataset.task,
        n_jobs=args.workers,
        verbose=0,
    )


def compare(args: argparse.Namespace, dataset: Dataset, folder: Path) -> ParityRow:
    from sklearn.base import clone
    from sklearn.model_selection import cross_val_score
    from sklearn.pipeline import Pipeline

    row = ParityRow(dataset.name, dataset.task)
    started = time.perf_counter()
    split = make_split(dataset, folder)
    train = pd.read_csv(split.train_csv)
    X_train, y_train = train.drop(columns=[dataset.target]), train[dataset.target]
    X_test, y_test = pd.read_csv(split.test_csv), split.y_test

    run_cli(args, dataset, split.train_csv, folder / "cli-model")
    from_cli = AutoML.load(folder / "cli-model")
    cli_board = json.loads((folder / "cli-model" / LEADERBOARD_FILE).read_text())

    ours = estimator(args, dataset, args.max_trials).fit(X_train, y_train)
    ours_board = ours.leaderboard_.to_dict("records")
    row.metric = str(ours.metric_)
    row.trials = len(ours_board)
    row.bounded_by = "max_trials" if len(ours_board) >= args.max_trials else "budget"
    row.same_leaderboard = board_of(cli_board) == board_of(ours_board)
    row.cli_test = float(from_cli.score(X_test, y_test))
    row.automl_test = float(ours.score(X_test, y_test))
    row.max_prediction_diff = float(np.max(np.abs(outputs(ours, X_test) - outputs(from_cli, X_test))))

    if args.cross_val:
        pipeline = Pipeline([("automl", clone(estimator(args, dataset, args.cv_trials)))])
        scores = cross_val_score(pipeline, X_train, y_train, cv=3)
        row.cv_mean, row.cv_std = float(np.mean(scores)), float(np.std(scores))
    row.seconds = time.perf_counter() - started
    return row


def markdown(rows: list[ParityRow], args: argparse.Namespace) -> str:
    def number(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.4f}"

    out = [
        f"{date.today()}: budget {args.budget:g} s, max_trials {args.max_trials}, seed {args.seed}, "
        f"{args.folds} folds, {args.workers} local workers; cross_val_score: {args.cv_trials} trials per fit, 3 folds",
        "",
        "| dataset | task | metric | trials | same leaderboard | `flowml train` test | `AutoML` test "
        "| max prediction diff | Pipeline cross_val_score | s |",
        "|---|---|---|---:|---|---:|---:|---:|---|---:|",
    ]
    for r in rows:
        if r.error:
            out.append(f"| {r.dataset} | {r.task} | **error** | | | | | | {r.error} | {r.seconds:.0f} |")
            continue
        same = ("yes" if r.same_leaderboard else "**no**") + (" (budget-bound)" if r.bounded_by == "budget" else "")
        cv = "skipped" if r.cv_mean is None else f"{r.cv_mean:.4f} ± {r.cv_std:.4f}"
        out.append(
            f"| {r.dataset} | {r.task} | {r.metric} | {r.trials} | {same} | {number(r.cli_test)} "
            f"| {number(r.automl_test)} | {r.max_prediction_diff:.2g} | {cv} | {r.seconds:.0f} |"
        )
    done = [r for r in rows if not r.error]
    same = sum(1 for r in done if r.same_leaderboard and r.cli_test == r.automl_test)
    out += ["", f"Identical leaderboard and test score: {same} of {len(rows)} datasets"]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--manifest", type=Path, default=MANIFEST)
    parser.add_argument("--datasets", help="comma-separated names from the manifest (default: all)")
    parser.add_argument("--budget", type=float, default=30.0, help="time_budget of each fit, seconds")
    parser.add_argument("--max-trials", type=int, default=6)
    parser.add_argument("--cv-trials", type=int, default=2, help="max_trials of each cross_val_score fit")
    parser.add_argument("--no-cross-val", dest="cross_val", action="store_false")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="LOCAL_WORKERS of the CLI and n_jobs of AutoML")
    parser.add_argument("--flowml", type=Path, default=Path(sys.executable).parent / "flowml")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args()
    names = [n.strip() for n in args.datasets.split(",") if n.strip()] if args.datasets else None
    rows: list[ParityRow] = []
    with tempfile.TemporaryDirectory(prefix="flowml-parity-") as tmp:
        for index, dataset in enumerate(load_manifest(args.manifest, names), start=1):
            log(f"[{index}] {dataset.name} ({dataset.task})")
            started = time.perf_counter()
            try:
                rows.append(compare(args, dataset, Path(tmp) / dataset.name))
            except Exception as error:  # one dataset's failure must not lose the others
                message = f"{type(error).__name__}: {error}".replace("|", "/").replace("\n", " ")[:200]
                rows.append(ParityRow(dataset.name, dataset.task, error=message, seconds=time.perf_counter() - started))
            log(f"{dataset.name}: {rows[-1]}")
    print(markdown(rows, args))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=2))


if __name__ == "__main__":
    main()
