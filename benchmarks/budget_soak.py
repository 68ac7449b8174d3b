"""Budget soak: does `flowml train` end within its time budget, run after run? (issue 16)

Runs `flowml train` then `flowml predict` back to back, the way a user runs them (the main venv's CLI, a fresh
`FLOWML_HOME` per run, `LOCAL_WORKERS=2`), over a seeded plan of shared datasets x budgets (10 to 120 s), and
prints the worst, p95 and median wall/budget of `train` (process start to exit), how many runs went over 1.05x, and
where the time went in the worst five.

The CLI prints no stage timings, so they are read from its own terminal output as it arrives: the command runs
with rich's terminal mode forced on (what a user at a terminal sees), and each chunk of output is timestamped by
this script. Stages, as seconds from process start:

- read: the progress bar's first frame ("preparing"): the CLI's imports and the file's read and typing done;
- ready: the plan line ("... optimizing <metric> for <budget> s with <n> algorithms"): the table staged and the
  run planned, and the worker pool started (its processes import the ML stack meanwhile; the later of the two);
- first trial: the first "<n> trials finished" progress message;
- search end: "fitting <model> on all rows", printed when the search has ended and the final model is chosen;
- final end: the leaderboard's title, printed once the refit, ONNX export, importance, package and held-out
  evaluation are done;
- exit: the process has exited (the leaderboard printed, the worker pool and the interpreter shut down).

The model card adds the final fit's facts (ONNX export seconds, importance or why it was skipped, ensemble members
left out, a delivered fallback). The progress bar refreshes 10 times a second, so stage times are good to ~0.1 s.

    .venv/bin/python benchmarks/budget_soak.py                            # 50 runs, ~45 min on 2 cores
    .venv/bin/python benchmarks/budget_soak.py --runs 15 --max-budget 30  # a reduced soak
    .venv/bin/python benchmarks/budget_soak.py --datasets hotel_like,adult --budgets 10 --runs 4
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from bisect import bisect_right
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date
from itertools import accumulate
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: import from the repository root
from benchmarks.automl import (
    MAIN_METRIC,
    MANIFEST,
    OVERRUN,
    Dataset,
    Split,
    hard_timeout,
    load_manifest,
    log,
    make_split,
    run_child,
    score_predictions,
    table,
    tail,
)

REPO = Path(__file__).resolve().parents[1]
HOTEL_SCRIPT = REPO.parent / "shared" / "repro" / "hotel_like.py"
HOTEL = "hotel_like"
BUDGETS = (10.0, 20.0, 30.0, 60.0, 120.0)
WORKERS = 2
WORST_SHOWN = 5
# After the CLI exits, its output pipe is read to the end; a worker that outlived it could hold it open.
PIPE_DRAIN_SECONDS = 10.0
# Worker processes still shutting down when the CLI exits get this long before they count as left behind.
LEFTOVER_GRACE_SECONDS = 2.0

# rich draws its progress bar only on a terminal: these make the piped output look like one (no colours), so the
# progress messages arrive as they happen. Escape sequences and carriage returns are removed before matching.
TERMINAL_ENV = {"TTY_COMPATIBLE": "1", "TTY_INTERACTIVE": "1", "NO_COLOR": "1", "COLUMNS": "200"}
ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-_]|\r")
STAGE_MARKERS = {
    "read_s": re.compile(rb"preparing"),
    "ready_s": re.compile(rb"optimizing \S+ for [\d.]+ s with \d+ algorithms"),
    "first_trial_s": re.compile(rb"\d+ trials finished"),
    "search_end_s": re.compile(rb"fitting [^\n]{1,200}? on all rows"),
    "final_end_s": re.compile(rb"Leaderboard"),
}
CLI_TOTAL = re.compile(rb"model written to .+? in ([\d.]+) s")
CLI_ERROR = re.compile(rb"error: ([^\n]+)")
# Card notes worth a column: what the final fit cut short or left out.
NOTE_WORDS = ("importance", "left out", "skipped", "deliver", "stopped", "ran out")


# ---------------------------------------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class Planned:
    index: int
    dataset: Dataset
    budget: float


def plan_runs(datasets: list[Dataset], budgets: list[float], runs: int, seed: int, pinned: str | None) -> list[Planned]:
    """`runs` (dataset, budget) pairs: `pinned` at every budget first (the table the issue reported), then budgets
    in turn, each paired with the task types in turn, the dataset drawn (seeded) among the least used for that
    budget. Every budget and task type is covered within len(budgets) x len(task types) runs; pairs repeat only once
    all are used. The order is shuffled with the same seed, so a cut-short soak has a mix."""
    rng = random.Random(seed)
    pairs = [(d, b) for d in datasets if d.name == pinned for b in budgets][:runs]
    used = Counter((d.name, b) for d, b in pairs)
    tasks = sorted({d.task for d in datasets})
    step = 0
    while len(pairs) < runs:
        budget, task = budgets[step % len(budgets)], tasks[(step // len(budgets)) % len(tasks)]
        step += 1
        candidates = [d for d in datasets if d.task == task]
        least = min(used[(d.name, budget)] for d in candidates)
        pick = rng.choice([d for d in candidates if used[(d.name, budget)] == least])
        used[(pick.name, budget)] += 1
        pairs.append((pick, budget))
    rng.shuffle(pairs)
    return [Planned(i, d, b) for i, (d, b) in enumerate(pairs, start=1)]


def hotel_dataset(script: Path, folder: Path) -> Dataset:
    """The issue's table: a synthetic 11,551-row regression table with 9 string columns of 3 to 167 levels."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{HOTEL}.csv"
    subprocess.run([sys.executable, str(script), str(path)], check=True, capture_output=True, timeout=300)
    return Dataset(HOTEL, path, "regression", "price", [])


# ------------------------------------------------------------------------------------------------ timed process


@dataclass
class Timed:
    """A finished child process: exit code (None when killed at the timeout), wall seconds from start to exit, and
    its output with the second each chunk arrived."""

    code: int | None
    wall_s: float
    chunks: list[tuple[float, bytes]]
    leftover: list[str] = field(default_factory=list)  # its processes still alive after it exited (then killed)


def run_streamed(command: list[str], env: dict[str, str], timeout: float, log_file: Path) -> Timed:
    """Run in a new session (so a kill reaches the worker processes), reading its output as it arrives."""
    chunks: list[tuple[float, bytes]] = []
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    assert child.stdout is not None
    pipe = child.stdout.fileno()

    def read() -> None:
        # OSError: the pipe was closed under us after PIPE_DRAIN_SECONDS (a process outside the group held it).
        with contextlib.suppress(OSError):
            while data := os.read(pipe, 65536):
                chunks.append((time.perf_counter() - started, data))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        code: int | None = child.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
        code = None
    wall = time.perf_counter() - started
    leftover = reap_group(child.pid)
    reader.join(PIPE_DRAIN_SECONDS)
    child.stdout.close()
    log_file.write_bytes(b"".join(data for _, data in chunks))
    return Timed(code, wall, chunks, leftover)


def group_members(group: int) -> list[str]:
    """The command lines of the live processes in process group `group` (zombies are already dead)."""
    members = []
    for process in psutil.process_iter(["cmdline", "status"]):
        try:
            if os.getpgid(process.pid) == group and process.info["status"] != psutil.STATUS_ZOMBIE:
                members.append(" ".join(process.info["cmdline"] or [])[:160])
        except (ProcessLookupError, psutil.Error):
            continue
    return members


def reap_group(group: int) -> list[str]:
    """What of the child's process group outlived it by LEFTOVER_GRACE_SECONDS, then killed: workers left running
    would slow the next run, and a user's machine would keep them too."""
    waited_until = time.monotonic() + LEFTOVER_GRACE_SECONDS
    while (members := group_members(group)) and time.monotonic() < waited_until:
        time.sleep(0.1)
    if members:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)
    return members


def stage_times(chunks: list[tuple[float, bytes]]) -> tuple[dict[str, float | None], float | None, str]:
    """(seconds from start at which each stage marker was first seen, the CLI's own total, its error line)."""
    raw = b"".join(data for _, data in chunks)
    arrived = [t for t, _ in chunks]
    chunk_ends = list(accumulate(len(data) for _, data in chunks))
    # The text without escapes, and where each of its pieces starts in the clean and the raw text.
    clean_starts, raw_starts, pieces, position, length = [], [], [], 0, 0
    for match in [*ESCAPES.finditer(raw), None]:
        end = match.start() if match else len(raw)
        clean_starts.append(length)
        raw_starts.append(position)
        pieces.append(raw[position:end])
        length += end - position
        position = match.end() if match else len(raw)
    clean = b"".join(pieces)

    def seen_at(clean_offset: int) -> float:
        piece = bisect_right(clean_starts, clean_offset) - 1
        raw_offset = raw_starts[piece] + clean_offset - clean_starts[piece]
        return arrived[min(bisect_right(chunk_ends, raw_offset), len(arrived) - 1)]

    stages: dict[str, float | None] = {}
    for name, marker in STAGE_MARKERS.items():
        found = marker.search(clean)
        stages[name] = round(seen_at(found.end() - 1), 2) if found else None
    total = CLI_TOTAL.search(clean)
    error = CLI_ERROR.search(clean)
    return (
        stages,
        float(total.group(1)) if total else None,
        error.group(1).decode(errors="replace").strip() if error else "",
    )


# ------------------------------------------------------------------------------------------------------- one run


@dataclass
class SoakRun:
    index: int
    dataset: str
    task: str
    n_train: int
    budget_s: float
    status: str = "ok"  # ok | crash | timeout (of train or predict)
    train_s: float | None = None  # process start to exit
    ratio: float | None = None  # train_s / budget_s
    cli_total_s: float | None = None  # what the CLI itself says it took ("model written ... in X s")
    read_s: float | None = None
    ready_s: float | None = None
    first_trial_s: float | None = None
    search_end_s: float | None = None
    final_end_s: float | None = None
    crossed_in: str = ""  # the stage running when the budget ran out (empty when it did not)
    trials: int | None = None
    model: str = ""
    onnx_export_s: float | None = None
    onnx: str = ""  # usable, or why not
    notes: list[str] = field(default_factory=list)  # the card's notes about steps cut short or left out
    predict_s: float | None = None
    score: float | None = None  # the task's main metric on the held-out 25%: a sanity check, not the point
    leftover_processes: list[str] = field(default_factory=list)  # alive 2 s after `flowml train` exited
    error: str = ""


def crossed_in(run: SoakRun) -> str:
    """The stage in progress when the budget ran out."""
    if run.train_s is None or run.train_s <= run.budget_s:
        return ""
    bounds = [
        ("imports and read", run.read_s),
        ("plan and pool start", run.ready_s),
        ("search", run.search_end_s),
        ("final fit", run.final_end_s),
        ("exit", run.train_s),
    ]
    for stage, end in bounds:
        if end is not None and run.budget_s <= end:
            return stage
    return "unknown"


def soak_one(planned: Planned, split: Split, args: argparse.Namespace, folder: Path) -> SoakRun:
    dataset, budget = planned.dataset, planned.budget
    run = SoakRun(planned.index, dataset.name, dataset.task, split.n_train, budget)
    folder.mkdir(parents=True, exist_ok=True)
    model, predictions = folder / "model", folder / "pred.csv"
    env = {**os.environ, **TERMINAL_ENV, "LOCAL_WORKERS": str(args.workers), "FLOWML_HOME": str(folder / "home")}
    train = [str(args.flowml), "train", str(split.train_csv), "--target", dataset.target, "--task", dataset.task]
    train += ["--metric", MAIN_METRIC[dataset.task], "--time-budget", f"{budget:g}", "--output", str(model)]
    timed = run_streamed(train, env, hard_timeout(budget), folder / "train.log")
    run.train_s, run.ratio, run.leftover_processes = round(timed.wall_s, 2), timed.wall_s / budget, timed.leftover
    stages, run.cli_total_s, cli_error = stage_times(timed.chunks)
    run.read_s, run.ready_s, run.first_trial_s = stages["read_s"], stages["ready_s"], stages["first_trial_s"]
    run.search_end_s, run.final_end_s = stages["search_end_s"], stages["final_end_s"]
    run.crossed_in = crossed_in(run)
    if timed.code != 0:
        run.status = "timeout" if timed.code is None else "crash"
        run.error = f"train {'timed out' if timed.code is None else f'exited {timed.code}'}: "
        run.error += cli_error or tail(folder / "train.log", 1)
        return run
    read_package(run, model)
    code, predict_s = run_child(
        [str(args.flowml), "predict", str(model), str(split.test_csv), "--output", str(predictions)],
        {**os.environ, "FLOWML_HOME": str(folder / "home"), "COLUMNS": "200"},
        hard_timeout(budget),
        folder / "predict.log",
    )
    run.predict_s = round(predict_s, 2)
    if code != 0:
        run.status = "timeout" if code is None else "crash"
        run.error = f"predict {'timed out' if code is None else f'exited {code}'}: {tail(folder / 'predict.log', 1)}"
        return run
    try:
        run.score = score_predictions(dataset.task, split, pd.read_csv(predictions))[0]
    except (ValueError, KeyError) as error:
        run.status, run.error = "crash", f"scoring: {error}"
    return run


def read_package(run: SoakRun, model: Path) -> None:
    """The final fit's facts from the package: trials searched, the model, ONNX and the card's notes."""
    card: dict[str, Any] = json.loads((model / "model_card.json").read_text())
    leaderboard = model / "leaderboard.json"
    run.trials = len(json.loads(leaderboard.read_text())) if leaderboard.exists() else None
    run.model = str(card.get("algorithm", ""))
    onnx = card.get("onnx") or {}
    run.onnx_export_s = (onnx.get("parity") or {}).get("export_seconds")
    run.onnx = "usable" if onnx.get("usable") else str(onnx.get("reason") or "none")
    run.notes = [str(n) for n in card.get("notes", []) if any(word in str(n) for word in NOTE_WORDS)]


# ---------------------------------------------------------------------------------------------------------- report


def summarize(runs: list[SoakRun]) -> dict[str, Any]:
    ratios = np.array([r.ratio for r in runs if r.ratio is not None], dtype=float)
    if not len(ratios):
        return {"runs": len(runs), "failed": len(runs), "worst": None, "p95": None, "median": None, "over": 0}
    return {
        "runs": len(runs),
        "failed": sum(1 for r in runs if r.status != "ok"),
        "worst": float(ratios.max()),
        "p95": float(np.percentile(ratios, 95)),
        "median": float(np.median(ratios)),
        "over": int((ratios > OVERRUN).sum()),
    }


def by_budget(runs: list[SoakRun]) -> list[list[str]]:
    lines = []
    for budget in sorted({r.budget_s for r in runs}):
        ratios = [r.ratio for r in runs if r.budget_s == budget and r.ratio is not None]
        over = sum(1 for x in ratios if x > OVERRUN)
        worst = f"{max(ratios):.3f}" if ratios else "n/a"
        median = f"{float(np.median(ratios)):.3f}" if ratios else "n/a"
        lines.append([f"{budget:g}", str(len(ratios)), worst, median, str(over)])
    return lines


def seconds(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def worst_lines(runs: list[SoakRun]) -> list[list[str]]:
    ranked = sorted(runs, key=lambda r: -(r.ratio or 0.0))[:WORST_SHOWN]
    lines = []
    for r in ranked:
        ratio = "n/a" if r.ratio is None else f"{r.ratio:.3f}" + (" **over**" if r.ratio > OVERRUN else "")
        facts = "; ".join([r.error] if r.error else r.notes) or "-"
        lines.append(
            [
                str(r.index),
                r.dataset,
                r.task,
                str(r.n_train),
                f"{r.budget_s:g}",
                seconds(r.train_s),
                ratio,
                seconds(r.read_s),
                seconds(r.ready_s),
                seconds(r.first_trial_s),
                seconds(r.search_end_s),
                seconds(r.final_end_s),
                r.crossed_in or "-",
                "n/a" if r.trials is None else str(r.trials),
                r.model or r.status,
                seconds(r.onnx_export_s),
                seconds(r.predict_s),
                facts.replace("|", "/"),
            ]
        )
    return lines


def markdown(runs: list[SoakRun], summary: dict[str, Any], meta: dict[str, Any]) -> str:
    def ratio(key: str) -> str:
        return "n/a" if summary[key] is None else f"{summary[key]:.3f}"

    heading = (
        f"{meta['date']}: {summary['runs']} runs of `flowml train` + `flowml predict`, budgets "
        f"{', '.join(f'{b:g}' for b in meta['budgets'])} s, {meta['cpus']} CPUs, FlowML {meta['flowml']}, "
        f"load average {meta['load_avg_1m_start']:.1f} at start"
    )
    out = [heading, ""]
    out += table(
        ["runs", "failed", "worst wall/budget", "p95", "median", f"over {OVERRUN:g}x"],
        [
            [
                str(summary["runs"]),
                str(summary["failed"]),
                ratio("worst"),
                ratio("p95"),
                ratio("median"),
                str(summary["over"]),
            ]
        ],
    )
    out += ["", *table(["budget s", "runs", "worst", "median", f"over {OVERRUN:g}x"], by_budget(runs)), ""]
    out.append(f"Worst {min(WORST_SHOWN, len(runs))} runs (stage columns: seconds from process start):")
    out.append("")
    headers = ["#", "dataset", "task", "train rows", "budget s", "train s", "wall/budget", "read", "ready"]
    headers += ["1st trial", "search end", "final end", "budget ran out in", "trials", "model", "ONNX export s"]
    headers += ["predict s"]
    out += table([*headers, "card notes / error"], worst_lines(runs))
    leftovers = [r for r in runs if r.leftover_processes]
    if leftovers:
        example = leftovers[0].leftover_processes[0]
        out += ["", f"{len(leftovers)} run(s) left processes alive {LEFTOVER_GRACE_SECONDS:g} s after `flowml train`"]
        out[-1] += f" exited (then killed), e.g. `{example}`"
    return "\n".join(out)


# ------------------------------------------------------------------------------------------------------------ main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=50, help="runs of train + predict (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0, help="draws the plan (default: %(default)s)")
    parser.add_argument("--budgets", default=",".join(f"{b:g}" for b in BUDGETS), help="seconds, comma-separated")
    parser.add_argument("--max-budget", type=float, help="leave out budgets above this, for a quicker soak")
    parser.add_argument("--datasets", help=f"comma-separated names from the manifest, or {HOTEL} (default: all)")
    parser.add_argument("--manifest", type=Path, default=MANIFEST, help="the dataset list (default: %(default)s)")
    parser.add_argument("--hotel-script", type=Path, default=HOTEL_SCRIPT, help="writes the hotel-like table")
    parser.add_argument("--no-hotel", action="store_true", help="leave the generated hotel-like table out")
    parser.add_argument("--flowml", type=Path, default=REPO / ".venv" / "bin" / "flowml", help="the flowml CLI")
    parser.add_argument("--workers", type=int, default=WORKERS, help="LOCAL_WORKERS (default: %(default)s)")
    parser.add_argument("--workdir", type=Path, help="keep splits, logs and models here (default: a temp dir)")
    results = REPO / "benchmarks" / "results" / f"budget-soak-{date.today()}.json"
    parser.add_argument("--json", type=Path, default=results, help="write every run here (default: %(default)s)")
    parser.add_argument("--dry-run", action="store_true", help="print the plan and stop")
    args = parser.parse_args(argv)
    args.budget_list = [float(b) for b in args.budgets.split(",") if b.strip()]
    if args.max_budget is not None:
        args.budget_list = [b for b in args.budget_list if b <= args.max_budget]
    if not args.budget_list or min(args.budget_list) < 5:
        parser.error("need at least one budget, each at least 5 s (FlowML's minimum); check --max-budget")
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if not args.dry_run and not os.access(args.flowml, os.X_OK):
        parser.error(f"{args.flowml} is not an executable flowml CLI; pass --flowml")
    return args


def choose_datasets(args: argparse.Namespace, workdir: Path) -> list[Dataset]:
    names = [n.strip() for n in args.datasets.split(",") if n.strip()] if args.datasets else None
    want_hotel = not args.no_hotel and (names is None or HOTEL in names)
    manifest_names = None if names is None else [n for n in names if n != HOTEL]
    datasets = load_manifest(args.manifest, manifest_names) if manifest_names != [] else []
    if want_hotel:
        if not args.hotel_script.exists():
            if names is not None:
                raise SystemExit(f"{args.hotel_script} not found: pass --hotel-script")
            log(f"{args.hotel_script} not found: the soak runs without the hotel-like table")
        else:
            datasets.append(hotel_dataset(args.hotel_script, workdir / HOTEL))
    if not datasets:
        raise SystemExit("no datasets to soak")
    return datasets


def metadata(args: argparse.Namespace) -> dict[str, Any]:
    version = subprocess.run([str(args.flowml), "version"], capture_output=True, text=True, check=False)
    return {
        "date": date.today().isoformat(),
        "command": " ".join(["python", "benchmarks/budget_soak.py", *sys.argv[1:]]),
        "budgets": args.budget_list,
        "seed": args.seed,
        "cpus": os.cpu_count(),
        "workers": args.workers,
        "machine": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "flowml": version.stdout.strip() or "unknown",
        # Timings are only meaningful on an otherwise idle machine; this shows whether it was.
        "load_avg_1m_start": os.getloadavg()[0],
    }


def soak(args: argparse.Namespace, workdir: Path) -> list[SoakRun]:
    datasets = choose_datasets(args, workdir)
    plan = plan_runs(datasets, args.budget_list, args.runs, args.seed, HOTEL)
    expected = sum(p.budget for p in plan)
    log(f"{len(plan)} runs over {len(datasets)} datasets; at least {expected / 60:.0f} min of training")
    if args.dry_run:
        for p in plan:
            print(f"{p.index}\t{p.dataset.name}\t{p.dataset.task}\t{p.budget:g}")
        return []
    splits: dict[str, Split] = {}
    runs = []
    for planned in plan:
        name = planned.dataset.name
        if name not in splits:
            splits[name] = make_split(planned.dataset, workdir / "splits" / name)
        log(f"[{planned.index}/{len(plan)}] {name} ({planned.dataset.task}), budget {planned.budget:g} s")
        try:
            run = soak_one(planned, splits[name], args, workdir / f"run-{planned.index:03d}")
        except Exception as error:  # a harness-side failure must not lose the rest of the soak
            run = SoakRun(planned.index, name, planned.dataset.task, splits[name].n_train, planned.budget)
            run.status, run.error = "crash", f"harness: {type(error).__name__}: {error}"
        runs.append(run)
        where = f", budget ran out in {run.crossed_in}" if run.crossed_in else ""
        log(f"  train {seconds(run.train_s)} s = {run.ratio or 0:.3f}x{where}; {run.status} {run.error}".rstrip())
    return runs


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    meta = metadata(args) if not args.dry_run else {}
    if args.workdir:
        runs = soak(args, args.workdir)
    else:
        with tempfile.TemporaryDirectory(prefix="budget-soak-") as tmp:
            runs = soak(args, Path(tmp))
    if args.dry_run:
        return
    meta["load_avg_1m_end"] = os.getloadavg()[0]
    summary = summarize(runs)
    print(markdown(runs, summary, meta))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"meta": meta, "summary": summary, "runs": [asdict(r) for r in runs]}, indent=2))
    log(f"wrote {args.json}")


if __name__ == "__main__":
    main()
