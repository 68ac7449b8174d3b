"""FlowML's clustering against k-means on tables whose groups are known, the group column removed before training.

For each dataset the group column is taken out and kept as the truth; only numeric feature columns stay, and rows
with a missing value are dropped (so that the k-means baselines see the same rows). Three pickers cluster the same
table and are scored by adjusted Rand (ARI) against the known groups:

- FlowML, the way a user runs it: `flowml train table.csv --task clustering --time-budget B --output DIR`, then
  `flowml predict DIR table.csv` (the `cluster` column). FlowML is not told the number of groups.
- `KMeans()` with scikit-learn's defaults (8 clusters) on standardised columns: what a user gets without tuning.
- k-means given the true number of groups, on standardised columns: the goal post, since it is told the answer.

`blobs` is synthetic: 20,000 rows from 6 Gaussian blobs of different sizes and spreads in 5 dimensions plus 5%
uniform noise rows. The noise rows are clustered like every other row but left out of the ARI: they belong to no
group, and every picker (FlowML included: `predict` never answers noise) puts them in some cluster.

    python benchmarks/clustering.py --budget 30                      # iris, wine, penguins, blobs: a few minutes
    python benchmarks/clustering.py --datasets iris,blobs --budget 10 --json out.json
    python benchmarks/clustering.py --timing-rows 100000 --budget 30   # one job on 100k rows: wall time vs budget

Prints a Markdown table for docs/benchmarks.md and the averages; all rows go to `--json`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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
import sklearn
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: import from the repository root
from benchmarks.automl import CPUS, MANIFEST, OVERRUN, REPO, hard_timeout, log, run_child, table, tail
from flowml.engine.package import CLUSTERS_FILE, read_cluster_report

DEFAULT_DATASETS = ("iris", "wine", "penguins", "blobs")
BLOBS = "blobs"
NOISE = -1  # the truth of a noise row: scored by no one
SEED = 0
GOAL_MARGIN = 0.05  # the goal: FlowML's mean ARI within this of true-k k-means, without being told k
# Numeric columns that are no trait of the thing clustered. penguins' `year` is the field season (2007-2009): it
# would split every method's clusters by year, which says nothing about species.
NOT_TRAITS = {"penguins": ["year"]}
# The synthetic set: cluster sizes as shares of the non-noise rows, and each blob's spread.
BLOB_SHARES = (0.30, 0.20, 0.15, 0.15, 0.10, 0.10)
BLOB_SPREADS = (1.0, 2.0, 2.5, 3.0, 1.5, 3.5)
BLOB_FEATURES = 5
BLOB_NOISE_SHARE = 0.05


@dataclass(frozen=True)
class Table:
    name: str
    features: pd.DataFrame  # numeric columns only, no missing values
    truth: np.ndarray  # group codes 0..k-1; NOISE for rows that belong to no group

    @property
    def true_k(self) -> int:
        return len(np.unique(self.truth[self.truth != NOISE]))


@dataclass
class FlowMLRun:
    status: str = "ok"  # ok | crash | timeout
    ari: float | None = None
    algorithm: str = ""
    n_clusters: int | None = None
    noise_fraction: float | None = None  # training rows the chosen model left as noise (predict still assigns them)
    stability: float | None = None  # the card's bootstrap stability (mean ARI between refits)
    train_s: float | None = None  # the `flowml train` process, start-up included: what the budget governs
    predict_s: float | None = None
    budget_ratio: float | None = None
    error: str = ""
    log_tail: str = ""


@dataclass
class Row:
    dataset: str
    rows: int
    features: int
    true_k: int
    budget_s: float
    flowml: FlowMLRun
    kmeans_default: float  # KMeans() with scikit-learn's defaults
    kmeans_true_k: float  # KMeans(n_clusters=true k)


@dataclass
class TimingRun:
    rows: int
    features: int
    budget_s: float
    flowml: FlowMLRun
    report_bytes: int | None = None  # clusters.json: what the dashboard's Clusters tab downloads
    report_parse_s: float | None = None  # reading and validating it, as the API does before serving it


# ---------------------------------------------------------------------------------------------------------- data


def load_table(name: str, manifest: Path) -> Table:
    """A manifest dataset: its target is the truth, its numeric columns (less NOT_TRAITS) the features."""
    entries = {e["name"]: e for e in json.loads(manifest.read_text())}
    if name not in entries:
        raise SystemExit(f"unknown dataset {name!r}; known: {', '.join([*entries, BLOBS])}")
    entry = entries[name]
    frame = pd.read_csv(manifest.parent / entry["file"]).drop(columns=entry.get("drop_columns", []))
    truth_column = entry["target"]
    features = frame.drop(columns=[truth_column, *NOT_TRAITS.get(name, [])]).select_dtypes("number")
    keep = features.notna().all(axis=1) & frame[truth_column].notna()
    codes, _ = pd.factorize(frame.loc[keep, truth_column], sort=True)
    return Table(name, features[keep].reset_index(drop=True), np.asarray(codes, dtype=np.int64))


def blobs(n_rows: int, seed: int = SEED) -> Table:
    """Gaussian blobs of unequal size and spread plus uniform noise over their bounding box (truth NOISE)."""
    rng = np.random.default_rng(seed)
    n_noise = round(n_rows * BLOB_NOISE_SHARE)
    sizes = np.floor(np.array(BLOB_SHARES) * (n_rows - n_noise)).astype(int)
    sizes[0] += n_rows - n_noise - sizes.sum()  # the rounding remainder goes to the largest blob
    points, groups = make_blobs(
        n_samples=sizes.tolist(),
        n_features=BLOB_FEATURES,
        cluster_std=list(BLOB_SPREADS),
        center_box=(-12.0, 12.0),
        random_state=seed,
    )
    low, high = points.min(axis=0), points.max(axis=0)
    noise = rng.uniform(low, high, size=(n_noise, BLOB_FEATURES))
    order = rng.permutation(n_rows)  # noise spread through the file, not appended at its end
    data = np.vstack([points, noise])[order]
    truth = np.concatenate([groups, np.full(n_noise, NOISE)])[order]
    columns = [f"x{i + 1}" for i in range(BLOB_FEATURES)]
    return Table(BLOBS, pd.DataFrame(data, columns=columns), truth.astype(np.int64))


def tables(names: list[str], manifest: Path, blob_rows: int) -> list[Table]:
    return [blobs(blob_rows) if name == BLOBS else load_table(name, manifest) for name in names]


# ------------------------------------------------------------------------------------------------------- scoring


def adjusted_rand(truth: np.ndarray, labels: np.ndarray) -> float:
    """ARI over the rows that belong to a group: noise rows are nobody's to get right."""
    scored = truth != NOISE
    return float(adjusted_rand_score(truth[scored], labels[scored]))


def kmeans_ari(table: Table, n_clusters: int | None) -> float:
    """k-means on standardised columns; `None`: scikit-learn's default number of clusters (8).

    A fixed random_state (the only change to the defaults) so that the table is reproducible.
    """
    kmeans = KMeans(random_state=SEED) if n_clusters is None else KMeans(n_clusters=n_clusters, random_state=SEED)
    labels = make_pipeline(StandardScaler(), kmeans).fit_predict(table.features.to_numpy(dtype=float))
    return adjusted_rand(table.truth, np.asarray(labels))


# ------------------------------------------------------------------------------------------------------- FlowML


def run_flowml(flowml: Path, csv: Path, budget: float, folder: Path, *, predict: bool = True) -> FlowMLRun:
    """`flowml train --task clustering` then (when `predict`) `flowml predict` on the same table."""
    run = FlowMLRun()
    model, predictions = folder / "flowml-model", folder / "flowml-pred.csv"
    # COLUMNS: rich wraps a non-terminal's output at 80 columns, which would split the error line we report.
    env = {**os.environ, "LOCAL_WORKERS": str(CPUS), "FLOWML_HOME": str(folder / "flowml-home"), "COLUMNS": "200"}
    train = [str(flowml), "train", str(csv), "--task", "clustering", "--time-budget", f"{budget:g}"]
    code, run.train_s = run_child([*train, "--output", str(model)], env, hard_timeout(budget), folder / "train.log")
    run.budget_ratio = run.train_s / budget
    if code != 0:
        return failed(run, code, folder / "train.log", "train")
    read_card(run, model)
    if not predict:
        return run
    command = [str(flowml), "predict", str(model), str(csv), "--output", str(predictions)]
    code, run.predict_s = run_child(command, env, hard_timeout(budget), folder / "predict.log")
    if code != 0:
        return failed(run, code, folder / "predict.log", "predict")
    return run


def read_card(run: FlowMLRun, model: Path) -> None:
    card = json.loads((model / "model_card.json").read_text())
    clustering = card.get("clustering") or {}
    run.algorithm = str(card.get("algorithm", ""))
    run.n_clusters = clustering.get("n_clusters")
    run.noise_fraction = clustering.get("noise_fraction")
    run.stability = clustering.get("stability")


def failed(run: FlowMLRun, code: int | None, log_file: Path, step: str) -> FlowMLRun:
    run.status = "timeout" if code is None else "crash"
    run.log_tail = tail(log_file)
    last_line = run.log_tail.splitlines()[-1].strip() if run.log_tail else "(no output)"
    run.error = f"{step} {'timed out' if code is None else f'exited {code}'}: {last_line}"
    return run


def score_flowml(run: FlowMLRun, table: Table, predictions: Path) -> None:
    try:
        labels = pd.read_csv(predictions)["cluster"].to_numpy()
        if len(labels) != len(table.truth):
            raise ValueError(f"{len(labels)} predictions for {len(table.truth)} rows")
        run.ari = adjusted_rand(table.truth, labels)
        if run.n_clusters is None:  # an older card without its clustering entry
            run.n_clusters = len(np.unique(labels))
    except (ValueError, KeyError) as error:  # malformed predictions are FlowML's failure, not the harness's
        run.status, run.error = "crash", f"scoring: {error}"


def bench(table: Table, args: argparse.Namespace, workdir: Path) -> Row:
    folder = workdir / table.name
    folder.mkdir(parents=True, exist_ok=True)
    csv = folder / f"{table.name}.csv"
    table.features.to_csv(csv, index=False)  # what FlowML sees: the features, never the truth
    log(f"{table.name}: {len(table.features)} rows x {table.features.shape[1]} features, true k {table.true_k}")
    try:
        run = run_flowml(args.flowml, csv, args.budget, folder)
        if run.status == "ok":
            score_flowml(run, table, folder / "flowml-pred.csv")
    except Exception as error:  # a harness-side failure on one dataset must not lose the rest of the run
        run = FlowMLRun(status="crash", error=f"harness: {type(error).__name__}: {error}")
    outcome = f"ARI {run.ari:.4f}, {run.algorithm} k={run.n_clusters}" if run.status == "ok" else run.error
    log(f"{table.name}: FlowML {outcome}; train {run.train_s or 0:.1f} s")
    row = Row(
        table.name,
        len(table.features),
        table.features.shape[1],
        table.true_k,
        args.budget,
        run,
        kmeans_default=kmeans_ari(table, None),
        kmeans_true_k=kmeans_ari(table, table.true_k),
    )
    log(f"{table.name}: KMeans() ARI {row.kmeans_default:.4f}, true-k k-means ARI {row.kmeans_true_k:.4f}")
    return row


def time_job(args: argparse.Namespace, workdir: Path) -> TimingRun:
    """One clustering job on a `--timing-rows` blob table: wall time against budget, and the report's weight."""
    table = blobs(args.timing_rows)
    csv = workdir / f"blobs-{args.timing_rows}.csv"
    table.features.to_csv(csv, index=False)
    log(f"timing: one {args.budget:g} s clustering job on {args.timing_rows} rows")
    run = run_flowml(args.flowml, csv, args.budget, workdir, predict=False)
    timing = TimingRun(args.timing_rows, table.features.shape[1], args.budget, run)
    model = workdir / "flowml-model"
    if run.status == "ok" and (model / CLUSTERS_FILE).exists():
        started = time.perf_counter()
        read_cluster_report(model)  # read and validated as the API does before it serves the Clusters tab
        timing.report_parse_s = time.perf_counter() - started
        timing.report_bytes = (model / CLUSTERS_FILE).stat().st_size
    return timing


# --------------------------------------------------------------------------------------------------------- report


def metadata(args: argparse.Namespace) -> dict[str, Any]:
    flowml = subprocess.run([str(args.flowml), "version"], capture_output=True, text=True, check=False)
    return {
        "date": date.today().isoformat(),
        "budget_s": args.budget,
        "cpus": os.cpu_count(),
        "machine": platform.platform(),
        "python": platform.python_version(),
        "versions": {"FlowML": flowml.stdout.strip() or "unknown", "scikit-learn": sklearn.__version__},
        "seed": SEED,
        # Timings are only comparable on an otherwise idle machine; this shows whether it was.
        "load_avg_1m_start": os.getloadavg()[0],
    }


def summarize(rows: list[Row]) -> dict[str, Any]:
    done = [r for r in rows if r.flowml.status == "ok" and r.flowml.ari is not None]

    def mean(values: list[float]) -> float | None:
        return float(np.mean(values)) if values else None

    flowml_mean = mean([r.flowml.ari for r in done if r.flowml.ari is not None])
    true_k_mean = mean([r.kmeans_true_k for r in rows])
    beats = sum(1 for r in done if r.flowml.ari is not None and r.flowml.ari > r.kmeans_default)
    gap = None if flowml_mean is None or true_k_mean is None or len(done) < len(rows) else true_k_mean - flowml_mean
    return {
        "mean_ari": {"FlowML": flowml_mean, "KMeans()": mean([r.kmeans_default for r in rows]), "true k": true_k_mean},
        "beats_default_kmeans": beats,
        "datasets": len(rows),
        "gap_to_true_k": gap,  # positive: FlowML below true-k k-means on average
        "goal_met": gap is not None and beats == len(rows) and gap <= GOAL_MARGIN,
        "budget_overruns": sum(1 for r in rows if (r.flowml.budget_ratio or 0.0) > OVERRUN),
    }


def number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4f}"


def ratio(run: FlowMLRun) -> str:
    if run.budget_ratio is None:
        return "n/a"
    return f"{run.budget_ratio:.2f}" + (" **over**" if run.budget_ratio > OVERRUN else "")


def flowml_cells(run: FlowMLRun) -> list[str]:
    if run.status != "ok":
        return [f"**{run.status}**", "", ""]
    return [number(run.ari), f"`{run.algorithm}`", str(run.n_clusters)]


def markdown(rows: list[Row], summary: dict[str, Any], meta: dict[str, Any]) -> str:
    versions = ", ".join(f"{t} {v}" for t, v in meta["versions"].items())
    heading = f"{meta['date']}: FlowML budget {meta['budget_s']:g} s per dataset, {meta['cpus']} CPUs; {versions}"
    headers = ["dataset", "rows", "features", "true k", "FlowML ARI", "FlowML pick", "FlowML k"]
    headers += ["`KMeans()` ARI", "k-means, true k ARI", "FlowML wall/budget"]
    lines = [
        [
            *(r.dataset, str(r.rows), str(r.features), str(r.true_k), *flowml_cells(r.flowml)),
            *(number(r.kmeans_default), number(r.kmeans_true_k), ratio(r.flowml)),
        ]
        for r in rows
    ]
    means = summary["mean_ari"]
    out = [heading, "", *table(headers, lines), ""]
    out.append("Mean ARI: " + ", ".join(f"{name} {number(value)}" for name, value in means.items()))
    out.append(f"FlowML beats `KMeans()` on {summary['beats_default_kmeans']} of {summary['datasets']} datasets")
    if summary["gap_to_true_k"] is not None:
        gap = summary["gap_to_true_k"]
        side = "below" if gap > 0 else "above"
        out.append(f"FlowML's mean ARI is {abs(gap):.4f} {side} true-k k-means (goal: within {GOAL_MARGIN})")
    out.append(f"Goal met: {'yes' if summary['goal_met'] else 'no'}")
    out.append(f"FlowML budget overruns > {OVERRUN - 1:.0%}: {summary['budget_overruns']} of {len(rows)}")
    errors = [f"- {r.dataset}: {r.flowml.error}" for r in rows if r.flowml.error]
    return "\n".join(out + (["", "Failures:", *errors] if errors else []))


def timing_markdown(timing: TimingRun, meta: dict[str, Any]) -> str:
    run = timing.flowml
    heading = f"{meta['date']}: one clustering job, {meta['cpus']} CPUs; FlowML {meta['versions']['FlowML']}"
    headers = ["rows", "features", "budget s", "wall s", "wall/budget", "status", "FlowML pick", "FlowML k"]
    headers += ["clusters.json KiB", "parse ms"]
    line = [str(timing.rows), str(timing.features), f"{timing.budget_s:g}", f"{run.train_s or 0:.1f}", ratio(run)]
    line += [run.status, f"`{run.algorithm}`" if run.algorithm else "", str(run.n_clusters or "")]
    line.append("" if timing.report_bytes is None else f"{timing.report_bytes / 1024:.0f}")
    line.append("" if timing.report_parse_s is None else f"{timing.report_parse_s * 1000:.0f}")
    out = [heading, "", *table(headers, [line])]
    return "\n".join(out + (["", f"Failure: {run.error}"] if run.error else []))


# ----------------------------------------------------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    names = ",".join(DEFAULT_DATASETS)
    parser.add_argument("--datasets", default=names, help="comma-separated names (default: %(default)s)")
    parser.add_argument("--budget", type=float, default=30.0, help="FlowML's seconds per dataset (default 30)")
    parser.add_argument("--manifest", type=Path, default=MANIFEST, help="the dataset list (default: %(default)s)")
    parser.add_argument("--blob-rows", type=int, default=20_000, help="rows of the synthetic blob set")
    parser.add_argument(
        "--timing-rows", type=int, help="instead of the ARI table: one job on a blob table of this many rows"
    )
    results = REPO / "benchmarks" / "results" / f"clustering-{date.today()}.json"
    parser.add_argument("--json", type=Path, default=results, help="write all rows here (default: %(default)s)")
    parser.add_argument("--flowml", type=Path, default=REPO / ".venv" / "bin" / "flowml", help="the flowml CLI")
    parser.add_argument("--workdir", type=Path, help="keep tables, logs, models and predictions (default: temp dir)")
    args = parser.parse_args()
    if args.budget < 5:
        parser.error("--budget must be at least 5 seconds (FlowML's minimum)")
    if not os.access(args.flowml, os.X_OK):
        parser.error(f"{args.flowml} is not an executable flowml CLI; pass --flowml")
    if args.blob_rows < 100 or (args.timing_rows is not None and args.timing_rows < 100):
        parser.error("--blob-rows and --timing-rows must be at least 100")
    return args


def run(args: argparse.Namespace, workdir: Path, meta: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The Markdown and the JSON document of the chosen mode."""
    if args.timing_rows is not None:
        timing = time_job(args, workdir)
        return timing_markdown(timing, meta), {"meta": meta, "timing": asdict(timing)}
    names = [n.strip() for n in args.datasets.split(",") if n.strip()]
    rows = [bench(t, args, workdir) for t in tables(names, args.manifest, args.blob_rows)]
    summary = summarize(rows)
    return markdown(rows, summary, meta), {"meta": meta, "summary": summary, "rows": [asdict(r) for r in rows]}


def main() -> None:
    args = parse_args()
    meta = metadata(args)
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        text, document = run(args, args.workdir, meta)
    else:
        with tempfile.TemporaryDirectory(prefix="clustering-bench-") as tmp:
            text, document = run(args, Path(tmp), meta)
    meta["load_avg_1m_end"] = os.getloadavg()[0]
    print(text)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(document, indent=2))
    log(f"wrote {args.json}")


if __name__ == "__main__":
    main()
