"""What every column of a dataset would be as the training target, decided by the engine on the real values.

One rule, one place: engine/problem.py `check_target` is what POST /api/training/start runs, and here the same
function runs on each stored column for "auto" and each explicit choice. The dataset stats carry the answers
(`target.checks` per column), the target ranking (data/target.py) takes its problem types from the "auto" answers,
and the dashboard reads them instead of copying the rule.

Cost: judging reads the whole table and runs four checks per column, so it is done once per stored table (keyed by
the Parquet's SHA-256, which identical uploads share) and kept in a small in-process LRU; an upload warms it from
the frame already in memory. A restarted server judges a table again on its first stats request.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from flowml.data.target import AutoTarget, ProblemTypeName, TargetAnalysis, analyse_targets
from flowml.engine.problem import DEFAULT_FOLDS, PROBLEM_TYPE_CHOICES, TargetVerdict, judge_target
from flowml.engine.types import ProblemType

_NAMES: dict[ProblemType, ProblemTypeName] = {
    ProblemType.BINARY: "binary",
    ProblemType.MULTICLASS: "multiclass",
    ProblemType.REGRESSION: "regression",
}
# Tables whose judgements stay in memory; each is a few small strings per column.
CACHE_SIZE = 64


@dataclass(frozen=True)
class TableChecks:
    """Each column's verdict for every problem-type choice, judged with `n_folds` folds (the request's default:
    acceptance never depends on it; only the "fewer folds" notes do)."""

    n_folds: int
    columns: Mapping[str, Mapping[str, TargetVerdict]]

    def auto(self) -> dict[str, AutoTarget]:
        """The "auto" decisions, as the target ranking takes them."""
        decisions: dict[str, AutoTarget] = {}
        for name, verdicts in self.columns.items():
            auto = verdicts["auto"]
            problem = _NAMES[auto.problem_type] if auto.problem_type is not None else None
            decisions[name] = AutoTarget(problem_type=problem, refusal=auto.message)
        return decisions


_cache: OrderedDict[str, TableChecks] = OrderedDict()
_cache_lock = threading.Lock()  # judging runs in worker threads


def judge_frame(df: pl.DataFrame, n_folds: int = DEFAULT_FOLDS) -> TableChecks:
    """Judge every column of `df` as training would see it: the polars column converted to pandas, as
    services/jobs/service.py reads a target from the stored Parquet."""
    return TableChecks(n_folds, {name: judge_target(df.get_column(name).to_pandas(), n_folds) for name in df.columns})


def judge_parquet(path: Path, sha256: str) -> TableChecks:
    """The stored table's checks, from the cache or judged now (blocking: call in a worker thread)."""
    cached = cached_checks(sha256)
    if cached is not None:
        return cached
    checks = judge_frame(pl.read_parquet(path))
    remember(sha256, checks)
    return checks


def cached_checks(sha256: str) -> TableChecks | None:
    with _cache_lock:
        checks = _cache.get(sha256)
        if checks is not None:
            _cache.move_to_end(sha256)
        return checks


def remember(sha256: str, checks: TableChecks) -> None:
    with _cache_lock:
        _cache[sha256] = checks
        _cache.move_to_end(sha256)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)


def rank(profile: Sequence[Mapping[str, Any]], n_rows: int, checks: TableChecks) -> TargetAnalysis:
    """The target ranking (data/target.py) with the engine's Auto decisions as its problem types."""
    return analyse_targets(profile, n_rows, checks.auto())


def verdict_json(verdict: TargetVerdict) -> dict[str, Any]:
    return {
        "accepted": verdict.accepted,
        "problem_type": verdict.problem_type.value if verdict.problem_type is not None else None,
        "message": verdict.message,
        "notes": list(verdict.notes),
    }


def column_checks_json(checks: TableChecks, column: str) -> dict[str, Any]:
    """One column's `target.checks` in the stats response: the folds assumed and a verdict per choice."""
    verdicts = checks.columns[column]
    return {"n_folds": checks.n_folds, **{choice: verdict_json(verdicts[choice]) for choice in PROBLEM_TYPE_CHOICES}}
