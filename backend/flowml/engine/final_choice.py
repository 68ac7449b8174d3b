"""After the search: validation strategy for the data size, and single model or ensemble for the final fit."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from flowml.engine.ensemble import EnsemblePlan, select_ensemble
from flowml.engine.features import load_frame
from flowml.engine.metrics import get_metric
from flowml.engine.problem import encode_target, validate_target
from flowml.engine.search import SearchConfig, SearchOutcome, final_fit_seconds
from flowml.engine.types import TrialResult

# Large data on a short budget: one holdout split instead of k folds (k fits would leave time for few trials).
HOLDOUT_MIN_ROWS = 20_000
HOLDOUT_MAX_BUDGET_SECONDS = 900
# Ensemble selection scores candidates hundreds of times; beyond this many rows a random subset is as informative.
ENSEMBLE_MAX_ROWS = 20_000


def choose_validation(n_rows: int, budget_seconds: float) -> str:
    return "holdout" if n_rows >= HOLDOUT_MIN_ROWS and budget_seconds <= HOLDOUT_MAX_BUDGET_SECONDS else "cv"


@dataclass
class FinalChoice:
    """What the final fit builds and by when: the best trial alone, or an ensemble led by it."""

    best: TrialResult
    ensemble: list[dict[str, Any]]
    ensemble_score: float | None
    deadline: float
    note: str | None = None


def final_choice(config: SearchConfig, outcome: SearchOutcome) -> FinalChoice:
    """Pick single model or ensemble (blocking; call from a thread). The ensemble is kept only if its members'
    refits fit in the time left; the final deadline never cuts the best model's own refit short."""
    assert outcome.best is not None
    best = outcome.best
    single_deadline = max(config.deadline, time.time() + final_fit_seconds(best, config.n_folds))
    plan = choose_ensemble(config, outcome.results)
    if plan is None:
        return FinalChoice(best, [], None, single_deadline)
    needed = final_fit_seconds(best, config.n_folds, plan.members)
    if time.time() + needed > config.deadline:
        return FinalChoice(best, [], None, single_deadline, note="ensemble skipped: its refits would overrun")
    ordered = sorted(plan.to_spec(), key=lambda m: m["trial_number"] != best.trial_number)
    return FinalChoice(best, ordered, plan.score, config.deadline)


def choose_ensemble(config: SearchConfig, results: list[TrialResult]) -> EnsemblePlan | None:
    """Greedy ensemble over the job's trials (blocking: numpy work)."""
    if not config.oof_dir:
        return None
    frame = load_frame(config.dataset_path)
    target = frame[config.feature_plan.target]
    check = validate_target(target, config.problem_type, config.n_folds)
    y, _ = encode_target(target[check.keep], config.problem_type)
    metric = get_metric(config.metric, config.problem_type)
    subset = _subset(len(y), config.seed)
    return select_ensemble(_restricted(results, subset), y[subset], config.problem_type, metric)


def _subset(n_rows: int, seed: int) -> np.ndarray:
    if n_rows <= ENSEMBLE_MAX_ROWS:
        return np.arange(n_rows)
    return np.sort(np.random.default_rng(seed).choice(n_rows, ENSEMBLE_MAX_ROWS, replace=False))


def _restricted(results: list[TrialResult], subset: np.ndarray) -> list[TrialResult]:
    """Results whose out-of-fold files hold only the subset's rows (written next to the originals)."""
    out: list[TrialResult] = []
    for result in results:
        if result.oof_path is None:
            continue
        full = np.load(result.oof_path, allow_pickle=False)
        if full.shape[0] == len(subset):
            out.append(result)
            continue
        path = result.oof_path.removesuffix(".npy") + ".subset.npy"
        np.save(path, full[subset], allow_pickle=False)
        out.append(replace(result, oof_path=path))
    return out
