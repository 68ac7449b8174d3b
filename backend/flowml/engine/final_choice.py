"""After the search: validation strategy for the data size, and single model or ensemble for the final fit."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from loguru import logger

from flowml.engine.ensemble import EnsemblePlan, select_ensemble, without_member
from flowml.engine.evaluation import blend
from flowml.engine.features import load_frame
from flowml.engine.metrics import MetricSpec, all_scores, gain, get_metric, score
from flowml.engine.problem import encode_target, validate_target
from flowml.engine.search import SearchConfig, SearchOutcome, final_fit_seconds
from flowml.engine.trial import make_folds
from flowml.engine.types import TrialResult

# Large data on a short budget: one holdout split instead of k folds (k fits would leave time for few trials).
# The rule is FLAML's (`_decide_eval_method`): holdout from 100k rows, or when rows x features exceed what k-fold
# can search through in the budget, about 10M cells per hour. Below HOLDOUT_MIN_ROWS a 20% holdout is too small
# to rank configurations reliably, so small wide tables keep cross-validation.
HOLDOUT_ALWAYS_ROWS = 100_000
HOLDOUT_MIN_ROWS = 5_000
CV_CELLS_PER_SECOND = 10_000_000 / 3600
# Ensemble selection scores candidates hundreds of times; beyond this many rows a random subset is as informative.
ENSEMBLE_MAX_ROWS = 10_000


def choose_validation(n_rows: int, n_features: int, budget_seconds: float) -> str:
    if n_rows >= HOLDOUT_ALWAYS_ROWS:
        return "holdout"
    too_many_cells = n_rows * max(1, n_features) >= CV_CELLS_PER_SECOND * budget_seconds
    return "holdout" if n_rows >= HOLDOUT_MIN_ROWS and too_many_cells else "cv"


@dataclass
class FinalChoice:
    """What the final fit builds and by when: the best trial alone, or an ensemble led by it."""

    best: TrialResult
    ensemble: list[dict[str, Any]]
    ensemble_score: float | None
    deadline: float
    note: str | None = None
    ensemble_metrics: dict[str, float] = field(default_factory=dict)

    @property
    def notes(self) -> list[str]:
        return [self.note] if self.note else []

    def spec_fields(self) -> dict[str, Any]:
        """The FinalSpec fields this choice decides; the caller adds where the data and the package live."""
        return {
            "algorithm": self.best.algorithm,
            "params": self.best.params,
            "cv_score": self.best.score or 0.0,
            "deadline": self.deadline,
            "ensemble": self.ensemble,
            "ensemble_score": self.ensemble_score,
            "ensemble_metrics": dict(self.ensemble_metrics),
            "notes": self.notes,
        }


def final_choice(config: SearchConfig, outcome: SearchOutcome) -> FinalChoice:
    """Pick single model or ensemble (blocking; call from a thread). The final deadline never cuts the best
    model's own refit short.

    An ensemble whose members' refits would not fit in the time left is not dropped at once: its most expensive
    member is left out (the others' weights renormalized) while the smaller blend still beats the best model."""
    assert outcome.best is not None
    best = outcome.best
    single_deadline = max(config.deadline, time.time() + final_fit_seconds(best, config.n_folds))
    if not config.problem_type.is_supervised:
        # Clustering: labelings of different models do not average (cluster 0 of one is not cluster 0 of another),
        # and there are no out-of-fold predictions to blend: the best configuration is the model.
        return FinalChoice(best, [], None, single_deadline)
    selection = _prepare_selection(config, outcome.results)
    if selection is None:
        return FinalChoice(best, [], None, single_deadline)
    candidates, y, metric = selection
    targets = _targets(config)
    selected = select_ensemble(candidates, y, config.problem_type, metric)
    plan = _scored_like_trials(config, selected, best, targets, metric)
    if plan is None:
        note = (
            "ensemble skipped: scored per fold like the trials, it does not beat the best model" if selected else None
        )
        return FinalChoice(best, [], None, single_deadline, note=note)
    note = None
    while plan is not None:
        if time.time() + ensemble_refit_seconds(best, config.n_folds, plan.members) <= config.deadline:
            ordered = sorted(plan.to_spec(), key=lambda m: m["trial_number"] != best.trial_number)
            return FinalChoice(
                best, ordered, plan.score, config.deadline, note=note, ensemble_metrics=plan.other_metrics
            )
        costliest = max((m for m in plan.members if m.trial_number != best.trial_number), key=lambda m: m.fit_time)
        smaller = without_member(plan, costliest.trial_number, y, config.problem_type, metric)
        plan = _scored_like_trials(config, smaller, best, targets, metric)
        note = "ensemble members left out whose refits would overrun the budget"
    if note is not None:
        note = "ensemble skipped: its refits would overrun"
    return FinalChoice(best, [], None, single_deadline, note=note)


def _targets(config: SearchConfig) -> tuple[np.ndarray, int]:
    """The encoded target of every row with one, and the folds the trials used (fewer when a class is small)."""
    target = load_frame(config.dataset_path)[config.feature_plan.target]
    check = validate_target(target, config.problem_type, config.n_folds)
    y, _ = encode_target(target[check.keep], config.problem_type)
    return y, check.n_folds


def fold_mean_score(
    config: SearchConfig, plan: EnsemblePlan, targets: tuple[np.ndarray, int], metric: MetricSpec
) -> float | None:
    """The blend's score measured like a trial's (fold_mean_scores without the other metrics)."""
    measured = fold_mean_scores(config, plan, targets, metric)
    return None if measured is None else measured[0]


def fold_mean_scores(
    config: SearchConfig, plan: EnsemblePlan, targets: tuple[np.ndarray, int], metric: MetricSpec
) -> tuple[float, dict[str, float]] | None:
    """The blend scored exactly as a trial is: the metric on each validation fold of the search (same seed, same
    folds or holdout split), averaged. Selection scores the pooled out-of-fold rows, which for AUC and the like is
    a different number; the leaderboard ranks the ensemble among the trials by this one. None when a member's
    out-of-fold file is missing or incomplete."""
    if not config.oof_dir:
        return None
    y, n_folds = targets
    predictions = []
    for member in plan.members:
        path = Path(config.oof_dir) / f"{member.trial_number}.npy"
        if not path.exists():
            return None
        pred = np.load(path, allow_pickle=False)
        if pred.shape[0] != len(y):
            return None
        predictions.append(pred)
    blended = blend(predictions, plan.weights)
    scores: list[float] = []
    others: list[dict[str, float]] = []
    for _, test in make_folds(y, config.problem_type, n_folds, config.seed, config.validation):
        block = blended[test]
        if not np.isfinite(block).all():
            return None
        if config.problem_type.is_classification:
            y_pred, y_proba = block.argmax(axis=1), block
        else:
            y_pred, y_proba = block[:, 0], None
        scores.append(score(metric, y[test], y_pred, y_proba))
        # The same other metrics a trial reports (engine/trial.py), the same way: per fold, then the mean.
        others.append(all_scores(config.problem_type, y[test], y_pred, y_proba))
    common = set.intersection(*(set(o) for o in others)) if others else set()
    return float(np.mean(scores)), {k: float(np.mean([o[k] for o in others])) for k in sorted(common)}


def _scored_like_trials(
    config: SearchConfig,
    plan: EnsemblePlan | None,
    best: TrialResult,
    targets: tuple[np.ndarray, int],
    metric: MetricSpec,
) -> EnsemblePlan | None:
    """`plan` with its score measured like the trials' (fold_mean_score), or None when, so measured, it does not
    beat the best trial: the job then delivers the best trial, and the leaderboard never shows a delivered
    ensemble below a trial it was chosen over."""
    if plan is None or best.score is None:
        return None
    measured = fold_mean_scores(config, plan, targets, metric)
    if measured is None:
        return None
    value, others = measured
    if not gain(metric, value, best.score) > 0:
        return None
    return replace(plan, score=value, other_metrics=others)


def ensemble_refit_seconds(best: TrialResult, n_folds: int, members: list[TrialResult]) -> float:
    """The refits an ensemble cannot do without (best and members once each on all rows), with margin; the
    final fit's optional steps (ONNX export, importance) use what time is left or are skipped."""
    scale = n_folds / max(1, n_folds - 1)
    fits = best.fit_time + sum(m.fit_time for m in members if m.trial_number != best.trial_number)
    return 2.0 + 1.5 * fits * scale


def choose_ensemble(config: SearchConfig, results: list[TrialResult]) -> EnsemblePlan | None:
    """Greedy ensemble over the job's trials, ignoring time (blocking: numpy work)."""
    selection = _prepare_selection(config, results)
    if selection is None:
        return None
    candidates, y, metric = selection
    return select_ensemble(candidates, y, config.problem_type, metric)


def _prepare_selection(
    config: SearchConfig, results: list[TrialResult]
) -> tuple[list[TrialResult], np.ndarray, MetricSpec] | None:
    """The trials with out-of-fold predictions (restricted to a row subset on large data) and the targets; None
    without out-of-fold predictions, and for clustering (no target)."""
    if not config.oof_dir or not config.problem_type.is_supervised:
        return None
    frame = load_frame(config.dataset_path)
    target = frame[config.feature_plan.target]
    check = validate_target(target, config.problem_type, config.n_folds)
    y, _ = encode_target(target[check.keep], config.problem_type)
    metric = get_metric(config.metric, config.problem_type)
    subset = _subset(len(y), config.seed)
    return _restricted(results, subset, Path(config.oof_dir)), y[subset], metric


def _subset(n_rows: int, seed: int) -> np.ndarray:
    if n_rows <= ENSEMBLE_MAX_ROWS:
        return np.arange(n_rows)
    return np.sort(np.random.default_rng(seed).choice(n_rows, ENSEMBLE_MAX_ROWS, replace=False))


def _restricted(results: list[TrialResult], subset: np.ndarray, oof_dir: Path) -> list[TrialResult]:
    """Results whose out-of-fold files hold only the subset's rows (written next to the originals).

    Only the job's own files are read, `<oof_dir>/<trial_number>.npy` (where trials and the master's upload endpoint
    put them), and subsets are written there too: a path a result carries is never followed anywhere else."""
    out: list[TrialResult] = []
    for result in results:
        if result.oof_path is None:
            continue
        path = oof_dir / f"{result.trial_number}.npy"
        if Path(result.oof_path).resolve() != path.resolve():
            logger.warning(
                "trial {}: {!r} is not the job's out-of-fold file; left out", result.trial_number, result.oof_path
            )
            continue
        full = np.load(path, allow_pickle=False)
        if full.shape[0] == len(subset):
            out.append(result)
            continue
        subset_path = oof_dir / f"{result.trial_number}.subset.npy"
        np.save(subset_path, full[subset], allow_pickle=False)
        out.append(result.replace(oof_path=str(subset_path)))
    return out
