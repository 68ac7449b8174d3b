"""FlowML against FLAML (and optionally AutoGluon) on the shared datasets, at an equal wall-clock budget.

FlowML runs the way a user runs it: `flowml train` then `flowml predict`, through the main venv's executable. FLAML
and AutoGluon run in child processes of this script (`automl.py _worker ...`) under their own venvs, so that their
pinned libraries never meet the product's. Every tool gets the same split files and is scored by the same code
from a predictions CSV in FlowML's format (`prediction`, `proba_<class>`). One tool runs at a time.

    bash benchmarks/setup.sh                                   # once: .venv-bench with FLAML
    .venv-bench/bin/python benchmarks/automl.py --budget 60
    .venv-bench/bin/python benchmarks/automl.py --datasets iris,titanic,diabetes --budget 20 --with-autogluon
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import rankdata
from sklearn import metrics as skm
from sklearn.model_selection import train_test_split

REPO = Path(__file__).resolve().parents[1]
MANIFEST = REPO.parent / "shared" / "datasets" / "manifest.json"
TOOLS = ("FlowML", "FLAML", "AutoGluon")
MAIN_METRIC = {"binary": "roc_auc", "multiclass": "log_loss", "regression": "r2"}
SECOND_METRIC = {"binary": "accuracy", "multiclass": "accuracy", "regression": "rmse"}
LOWER_IS_BETTER = {"log_loss", "rmse"}
OVERRUN = 1.05  # wall/budget above this is flagged as a budget overrun
TEST_SIZE, SEED, CPUS = 0.25, 0, 2


@dataclass(frozen=True)
class Dataset:
    name: str
    file: Path
    task: str
    target: str
    drop_columns: list[str]


@dataclass
class Split:
    train_csv: Path
    test_csv: Path
    n_train: int
    y_test: pd.Series
    labels: list[Any]  # classification: every class, sorted; the last one is the positive class of a binary task


@dataclass
class ToolRun:
    tool: str
    status: str = "ok"  # ok | crash | timeout
    score: float | None = None  # the task's main metric
    second: float | None = None  # accuracy or RMSE
    train_s: float | None = None  # what the budget governs: FlowML's `train` process, the others' fit() call
    predict_s: float | None = None
    process_s: float | None = None  # the whole child process, interpreter start-up and imports included
    budget_ratio: float | None = None
    detail: str = ""  # the chosen model, for the curious
    error: str = ""  # one line for the table
    log_tail: str = ""  # the end of the failing step's output, for the JSON


@dataclass
class Row:
    dataset: str
    task: str
    metric: str
    n_train: int
    n_test: int
    budget_s: float
    runs: dict[str, ToolRun] = field(default_factory=dict)


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------------------- data


def load_manifest(path: Path, names: list[str] | None) -> list[Dataset]:
    entries = json.loads(path.read_text())
    datasets = [
        Dataset(e["name"], path.parent / e["file"], e["task"], e["target"], list(e.get("drop_columns", [])))
        for e in entries
    ]
    if names is None:
        return datasets
    known = {d.name: d for d in datasets}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SystemExit(f"unknown dataset(s) {', '.join(unknown)}; known: {', '.join(known)}")
    return [known[n] for n in names]


def make_split(dataset: Dataset, folder: Path) -> Split:
    """75/25 split (stratified for classification, seed 0) written as CSV: every tool reads the same files."""
    frame = pd.read_csv(dataset.file).drop(columns=dataset.drop_columns)
    frame = frame[frame[dataset.target].notna()]  # no tool can learn from, or be scored on, an unknown target
    y = frame[dataset.target]
    stratify = y if dataset.task != "regression" else None
    train, test = train_test_split(frame, test_size=TEST_SIZE, random_state=SEED, stratify=stratify)
    folder.mkdir(parents=True, exist_ok=True)
    split = Split(
        folder / "train.csv", folder / "test.csv", len(train), test[dataset.target].reset_index(drop=True), []
    )
    train.to_csv(split.train_csv, index=False)
    test.drop(columns=[dataset.target]).to_csv(split.test_csv, index=False)
    if dataset.task != "regression":
        split.labels = sorted(pd.unique(y))
    return split


# ------------------------------------------------------------------------------------------------------- scoring


def label_key(value: Any) -> str:
    """A class label as text, the way FlowML names its `proba_<class>` columns.

    A label read back from CSV can change type (1 -> 1.0 when a column has gaps), so integral floats lose their ".0".
    """
    if isinstance(value, np.generic):
        value = value.item()
    text = str(value)
    return text[: text.index(".")] if re.fullmatch(r"-?\d+\.0+", text) else text


def probability_matrix(predictions: pd.DataFrame, labels: list[Any]) -> np.ndarray:
    """Columns in `labels` order, found by name, never by position: tools order their classes differently."""
    columns = {label_key(c[len("proba_") :]): c for c in predictions.columns if c.startswith("proba_")}
    missing = [label_key(label) for label in labels if label_key(label) not in columns]
    if missing:
        raise ValueError(f"no proba_ column for class(es) {missing}; got {sorted(columns)}")
    matrix = predictions[[columns[label_key(label)] for label in labels]].to_numpy(dtype=float)
    matrix = np.clip(matrix, 1e-15, 1.0)
    return matrix / matrix.sum(axis=1, keepdims=True)


def score_predictions(task: str, split: Split, predictions: pd.DataFrame) -> tuple[float, float]:
    """(main metric, second metric) of one tool on the test split."""
    if len(predictions) != len(split.y_test):
        raise ValueError(f"{len(predictions)} predictions for {len(split.y_test)} test rows")
    if task == "regression":
        y, p = split.y_test.to_numpy(dtype=float), predictions["prediction"].to_numpy(dtype=float)
        return float(skm.r2_score(y, p)), float(skm.root_mean_squared_error(y, p))
    truth = np.array([label_key(v) for v in split.y_test])
    accuracy = float(np.mean(truth == np.array([label_key(v) for v in predictions["prediction"]])))
    proba = probability_matrix(predictions, split.labels)
    if task == "binary":
        return float(skm.roc_auc_score(truth == label_key(split.labels[-1]), proba[:, -1])), accuracy
    index = {label_key(label): i for i, label in enumerate(split.labels)}
    y_index = np.array([index[t] for t in truth])
    return float(skm.log_loss(y_index, proba, labels=list(range(len(split.labels))))), accuracy


def is_tie(metric: str, a: float, b: float) -> bool:
    if metric == "log_loss":
        return abs(a - b) < 0.01 * max(abs(a), abs(b))  # relative 1%: log loss has no fixed scale
    return abs(a - b) < 0.002


def better(metric: str, a: float, b: float) -> bool:
    return a < b if metric in LOWER_IS_BETTER else a > b


# ------------------------------------------------------------------------------------------------- child processes


def run_child(command: list[str], env: dict[str, str], timeout: float, log_file: Path) -> tuple[int | None, float]:
    """Run to completion or kill the whole process group at `timeout`; (exit code or None on timeout, seconds).

    A new session, so that the kill reaches FlowML's worker processes too, not just the CLI.
    """
    started = time.perf_counter()
    with log_file.open("w") as out:
        child = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            code: int | None = child.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
            code = None
    return code, time.perf_counter() - started


def tail(log_file: Path, lines: int = 12) -> str:
    text = [line.rstrip() for line in log_file.read_text(errors="replace").splitlines() if line.strip()]
    return "\n".join(text[-lines:])[-2000:]


def hard_timeout(budget: float) -> float:
    # Generous: an overrun is measured and flagged, only a hung tool is killed.
    return 3 * budget + 300


def run_flowml(flowml: Path, dataset: Dataset, split: Split, budget: float, folder: Path) -> ToolRun:
    run = ToolRun("FlowML")
    home, model, predictions = folder / "flowml-home", folder / "flowml-model", folder / "flowml-pred.csv"
    # COLUMNS: rich wraps a non-terminal's output at 80 columns, which would split the error line we report.
    env = {**os.environ, "LOCAL_WORKERS": str(CPUS), "FLOWML_HOME": str(home), "COLUMNS": "200"}
    train = [str(flowml), "train", str(split.train_csv), "--target", dataset.target, "--task", dataset.task]
    train += ["--metric", MAIN_METRIC[dataset.task], "--time-budget", f"{budget:g}", "--output", str(model)]
    code, run.train_s = run_child(train, env, hard_timeout(budget), folder / "flowml-train.log")
    run.process_s = run.train_s
    if code != 0:
        return failed(run, code, folder / "flowml-train.log", "train", budget)
    predict = [str(flowml), "predict", str(model), str(split.test_csv), "--output", str(predictions)]
    code, run.predict_s = run_child(predict, env, hard_timeout(budget), folder / "flowml-predict.log")
    if code != 0:
        return failed(run, code, folder / "flowml-predict.log", "predict", budget)
    card = json.loads((model / "model_card.json").read_text())
    run.detail = str(card.get("algorithm", ""))
    return scored(run, dataset, split, predictions, budget)


def run_worker(tool: str, python: Path, dataset: Dataset, split: Split, budget: float, folder: Path) -> ToolRun:
    """FLAML or AutoGluon in `python`'s venv, running this same file in worker mode."""
    run = ToolRun(tool)
    predictions, timings, log_file = (folder / f"{tool}-{name}" for name in ("pred.csv", "timings.json", "log.txt"))
    command = [str(python), str(Path(__file__).resolve()), "_worker", tool, "--train", str(split.train_csv)]
    command += ["--test", str(split.test_csv), "--target", dataset.target, "--task", dataset.task]
    command += ["--budget", f"{budget:g}", "--out", str(predictions), "--timings", str(timings)]
    code, run.process_s = run_child(command, dict(os.environ), hard_timeout(budget), log_file)
    if code != 0:
        return failed(run, code, log_file, "fit", budget)
    measured = json.loads(timings.read_text())
    run.train_s, run.predict_s, run.detail = measured["fit_s"], measured["predict_s"], measured["model"]
    return scored(run, dataset, split, predictions, budget)


def failed(run: ToolRun, code: int | None, log_file: Path, step: str, budget: float) -> ToolRun:
    run.status = "timeout" if code is None else "crash"
    run.budget_ratio = (run.train_s or run.process_s or 0.0) / budget  # a killed run is an overrun too
    run.log_tail = tail(log_file)
    last_line = run.log_tail.splitlines()[-1].strip() if run.log_tail else "(no output)"
    run.error = f"{step} {'timed out' if code is None else f'exited {code}'}: {last_line}"
    return run


def scored(run: ToolRun, dataset: Dataset, split: Split, predictions: Path, budget: float) -> ToolRun:
    run.budget_ratio = (run.train_s or 0.0) / budget
    try:
        run.score, run.second = score_predictions(dataset.task, split, pd.read_csv(predictions))
    except (ValueError, KeyError) as error:  # malformed predictions count as a crash of the tool, not of the run
        run.status, run.error = "crash", f"scoring: {error}"
    return run


# ------------------------------------------------------------------------------------------- worker mode (FLAML, AG)


def fit_flaml(train: pd.DataFrame, target: str, task: str, budget: float) -> Any:
    """Text columns go in as read: FLAML 2.7 turns object/str columns into categories itself and pins their
    vocabulary at fit time, which is what a FLAML user gets."""
    from flaml import AutoML

    X, y = train.drop(columns=[target]), train[target]
    automl = AutoML()
    flaml_task = "regression" if task == "regression" else "classification"
    automl.fit(X, y, task=flaml_task, time_budget=budget, metric=MAIN_METRIC[task], seed=SEED, n_jobs=CPUS, verbose=0)
    return automl


def fit_autogluon(train: pd.DataFrame, target: str, task: str, budget: float, folder: Path) -> Any:
    from autogluon.tabular import TabularPredictor

    predictor = TabularPredictor(
        label=target, problem_type=task, eval_metric=MAIN_METRIC[task], path=str(folder / "ag-model"), verbosity=1
    )
    # The neural models need torch, which this benchmark does not install.
    return predictor.fit(
        train, time_limit=budget, excluded_model_types=["NN_TORCH", "FASTAI"], num_cpus=CPUS, num_gpus=0
    )


def prediction_table(model: Any, tool: str, test: pd.DataFrame, task: str) -> pd.DataFrame:
    table = pd.DataFrame({"prediction": np.asarray(model.predict(test))})
    if task == "regression":
        return table
    proba = model.predict_proba(test)
    if tool == "AutoGluon":  # a DataFrame whose columns are the class labels
        for label in proba.columns:
            table[f"proba_{label_key(label)}"] = proba[label].to_numpy()
    else:  # an array in the order of `classes_`
        for i, label in enumerate(model.classes_):
            table[f"proba_{label_key(label)}"] = proba[:, i]
    return table


def worker(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="automl.py _worker")
    parser.add_argument("tool", choices=TOOLS[1:])
    for name in ("--train", "--test", "--out", "--timings"):
        parser.add_argument(name, type=Path, required=True)
    parser.add_argument("--target", required=True)
    parser.add_argument("--task", choices=list(MAIN_METRIC), required=True)
    parser.add_argument("--budget", type=float, required=True)
    args = parser.parse_args(argv)
    train, test = pd.read_csv(args.train), pd.read_csv(args.test)
    started = time.perf_counter()
    if args.tool == "FLAML":
        model = fit_flaml(train, args.target, args.task, args.budget)
        chosen = str(model.best_estimator)
    else:  # AutoGluon does its own feature typing from the raw frame
        model = fit_autogluon(train, args.target, args.task, args.budget, args.out.parent)
        chosen = str(model.model_best)
    fit_s = time.perf_counter() - started
    started = time.perf_counter()
    prediction_table(model, args.tool, test, args.task).to_csv(args.out, index=False)
    timings = {"fit_s": fit_s, "predict_s": time.perf_counter() - started, "model": chosen}
    args.timings.write_text(json.dumps(timings))


# ------------------------------------------------------------------------------------------------------------ run


def bench_dataset(dataset: Dataset, args: argparse.Namespace, tools: list[str], workdir: Path) -> Row:
    folder = workdir / dataset.name
    split = make_split(dataset, folder)
    row = Row(dataset.name, dataset.task, MAIN_METRIC[dataset.task], split.n_train, len(split.y_test), args.budget)
    for tool in tools:  # one at a time: two tools at once would share the two cores
        log(f"{dataset.name}: {tool} ({args.budget:g} s budget)")
        try:
            if tool == "FlowML":
                run = run_flowml(args.flowml, dataset, split, args.budget, folder)
            else:
                python = sys.executable if tool == "FLAML" else args.autogluon_python
                run = run_worker(tool, Path(python), dataset, split, args.budget, folder)
        except Exception as error:  # a harness-side failure on one tool must not lose the rest of the run
            run = ToolRun(tool, status="crash", error=f"harness: {type(error).__name__}: {error}")
        row.runs[tool] = run
        outcome = f"{row.metric}={run.score:.4f}" if run.status == "ok" else f"{run.status.upper()} {run.error}"
        log(f"{dataset.name}: {tool} {outcome} train {run.train_s or 0:.1f} s")
    return row


def version_of(python: Path, package: str) -> str:
    code = f"import importlib.metadata as m; print(m.version({package!r}))"
    done = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=False)
    return done.stdout.strip() or "unknown"


def metadata(args: argparse.Namespace, tools: list[str]) -> dict[str, Any]:
    flowml = subprocess.run([str(args.flowml), "version"], capture_output=True, text=True, check=False)
    versions = {"FlowML": flowml.stdout.strip() or "unknown"}
    if "FLAML" in tools:
        versions["FLAML"] = version_of(Path(sys.executable), "flaml")
    if "AutoGluon" in tools:
        versions["AutoGluon"] = version_of(args.autogluon_python, "autogluon.tabular")
    return {
        "date": date.today().isoformat(),
        "budget_s": args.budget,
        "cpus": os.cpu_count(),
        "machine": platform.platform(),
        "python": platform.python_version(),
        "versions": versions,
        "split": {"test_size": TEST_SIZE, "random_state": SEED, "stratified": "classification"},
        # Timings are only comparable on an otherwise idle machine; this shows whether it was.
        "load_avg_1m_start": os.getloadavg()[0],
    }


# --------------------------------------------------------------------------------------------------------- report


def scores(row: Row) -> dict[str, float]:
    return {t: r.score for t, r in row.runs.items() if r.status == "ok" and r.score is not None}


def winner(row: Row) -> str:
    done = scores(row)
    if not done:
        return "none"
    best = next(t for t in done if not any(better(row.metric, s, done[t]) for s in done.values()))
    tied = [t for t, s in done.items() if is_tie(row.metric, s, done[best])]
    return best if len(tied) == 1 else f"tie ({', '.join(tied)})"


def head_to_head(row: Row, tool: str = "FlowML", other: str = "FLAML") -> str:
    done = scores(row)
    if tool not in done or other not in done:
        return {(True, False): "win", (False, True): "loss"}.get((tool in done, other in done), "both failed")
    if is_tie(row.metric, done[tool], done[other]):
        return "tie"
    return "win" if better(row.metric, done[tool], done[other]) else "loss"


def mean_ranks(rows: list[Row], tools: list[str]) -> dict[str, float]:
    """Rank 1 is best on a dataset; equal scores share the average rank; a failed tool ranks last."""
    total = dict.fromkeys(tools, 0.0)
    for row in rows:
        done, sign = scores(row), (1 if row.metric in LOWER_IS_BETTER else -1)
        keys = [sign * done[t] if t in done else math.inf for t in tools]
        for tool, rank in zip(tools, rankdata(keys, method="average"), strict=True):
            total[tool] += float(rank)
    return {t: total[t] / max(len(rows), 1) for t in tools}


def summarize(rows: list[Row], tools: list[str]) -> dict[str, Any]:
    outcomes = [head_to_head(row) for row in rows]
    overruns = {t: sum(1 for r in rows if (r.runs[t].budget_ratio or 0.0) > OVERRUN) for t in tools}
    return {
        "flowml_vs_flaml": {k: outcomes.count(k) for k in ("win", "tie", "loss", "both failed")},
        "mean_rank": mean_ranks(rows, tools),
        "budget_overruns": overruns,
    }


def cell_score(run: ToolRun, value: float | None) -> str:
    return f"{value:.4f}" if run.status == "ok" and value is not None else f"**{run.status}**"


def cell_ratio(run: ToolRun) -> str:
    if run.budget_ratio is None:
        return "n/a"
    return f"{run.budget_ratio:.2f}" + (" **over**" if run.budget_ratio > OVERRUN else "")


def table(headers: list[str], lines: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    return out + ["| " + " | ".join(line) + " |" for line in lines]


def markdown(rows: list[Row], tools: list[str], summary: dict[str, Any], meta: dict[str, Any]) -> str:
    versions = ", ".join(f"{t} {v}" for t, v in meta["versions"].items())
    heading = f"{meta['date']}: budget {meta['budget_s']:g} s per tool and dataset, {meta['cpus']} CPUs; {versions}"
    main = [
        [r.dataset, r.task, r.metric, *(cell_score(r.runs[t], r.runs[t].score) for t in tools), winner(r)]
        + [cell_ratio(r.runs[t]) for t in tools]
        for r in rows
    ]
    second = [
        [r.dataset, SECOND_METRIC[r.task], *(cell_score(r.runs[t], r.runs[t].second) for t in tools)] for r in rows
    ]
    h2h, ranks = summary["flowml_vs_flaml"], summary["mean_rank"]
    out = [heading, ""]
    out += table(["dataset", "task", "metric", *tools, "winner", *(f"{t} wall/budget" for t in tools)], main)
    out += ["", *table(["dataset", "metric", *tools], second), ""]
    if "FLAML" in tools:
        out.append(f"FlowML vs FLAML: wins {h2h['win']}, ties {h2h['tie']}, losses {h2h['loss']}")
        out[-1] += f", both failed {h2h['both failed']}" if h2h["both failed"] else ""
    out.append("Mean rank (1 = best): " + ", ".join(f"{t} {ranks[t]:.2f}" for t in tools))
    out.append(f"FlowML budget overruns > {OVERRUN - 1:.0%}: {summary['budget_overruns']['FlowML']} of {len(rows)}")
    errors = [f"- {r.dataset} / {t}: {r.runs[t].error}" for r in rows for t in tools if r.runs[t].error]
    return "\n".join(out + (["", "Failures:", *errors] if errors else []))


# ----------------------------------------------------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", help="comma-separated names from the manifest (default: all)")
    parser.add_argument("--budget", type=float, default=60.0, help="seconds of training per tool and dataset")
    results = REPO / "benchmarks" / "results" / f"automl-{date.today()}.json"
    parser.add_argument("--json", type=Path, default=results, help="write all rows here (default: %(default)s)")
    parser.add_argument("--with-autogluon", action="store_true", help="add AutoGluon as a third tool")
    parser.add_argument(
        "--flowml-only", action="store_true", help="FlowML alone (no FLAML venv needed): the suite's smoke run"
    )
    parser.add_argument("--flowml", type=Path, default=REPO / ".venv" / "bin" / "flowml", help="the flowml CLI")
    parser.add_argument(
        "--autogluon-python", type=Path, default=REPO / ".venv-ag" / "bin" / "python", help="AutoGluon's interpreter"
    )
    parser.add_argument("--manifest", type=Path, default=MANIFEST, help="the dataset list (default: %(default)s)")
    parser.add_argument("--workdir", type=Path, help="keep splits, logs and models here (default: a temp dir)")
    args = parser.parse_args()
    if args.budget < 5:
        parser.error("--budget must be at least 5 seconds (FlowML's minimum)")
    if not os.access(args.flowml, os.X_OK):
        parser.error(f"{args.flowml} is not an executable flowml CLI; pass --flowml")
    if args.flowml_only and args.with_autogluon:
        parser.error("--flowml-only and --with-autogluon exclude each other")
    if args.with_autogluon and not args.autogluon_python.exists():
        parser.error(f"{args.autogluon_python} not found: run `bash benchmarks/setup.sh --autogluon`")
    return args


def run_all(args: argparse.Namespace, tools: list[str], workdir: Path) -> list[Row]:
    names = [n.strip() for n in args.datasets.split(",") if n.strip()] if args.datasets else None
    datasets = load_manifest(args.manifest, names)
    rows = []
    for i, dataset in enumerate(datasets, start=1):
        log(f"[{i}/{len(datasets)}] {dataset.name} ({dataset.task})")
        rows.append(bench_dataset(dataset, args, tools, workdir))
    return rows


def main() -> None:
    if sys.argv[1:2] == ["_worker"]:
        worker(sys.argv[2:])
        return
    args = parse_args()
    tools = list(TOOLS[:1] if args.flowml_only else TOOLS if args.with_autogluon else TOOLS[:2])
    meta = metadata(args, tools)
    log(f"versions: {meta['versions']}; {meta['cpus']} cpus")
    if args.workdir:
        rows = run_all(args, tools, args.workdir)
    else:
        with tempfile.TemporaryDirectory(prefix="automl-bench-") as tmp:
            rows = run_all(args, tools, Path(tmp))
    meta["load_avg_1m_end"] = os.getloadavg()[0]
    summary = summarize(rows, tools)
    print(markdown(rows, tools, summary, meta))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"meta": meta, "summary": summary, "rows": [asdict(r) for r in rows]}, indent=2))
    log(f"wrote {args.json}")


if __name__ == "__main__":
    main()
