"""Greedy weighted ensembles (Caruana et al., 2004) over the out-of-fold predictions every trial keeps.

Selection: start empty, repeatedly add (with replacement) the candidate that most improves the ensemble's
out-of-fold score; weights are how often each candidate was picked. AutoGluon's stack ends the same way. It costs
only numpy on predictions already made, and is used only when it beats the best single model out of fold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from flowml.engine.fast_metrics import blend_score
from flowml.engine.metrics import MetricSpec, best_index, best_of, better, gain, rank_key
from flowml.engine.model import FlowMLModel
from flowml.engine.types import ProblemType, TrialResult

SELECTION_ROUNDS = 25
MAX_CANDIDATES = 20
# At most this many candidates per algorithm: the best trials of a well-tuned algorithm are near-copies of each
# other (on small data, twenty logistic regressions that differ in C), and an ensemble gains from other families.
MAX_PER_ALGORITHM = 4
# The ensemble must beat the best single model by more than this (in metric units) to be worth its extra cost.
MIN_GAIN = 1e-4


@dataclass
class EnsemblePlan:
    """The chosen members (trial results) and weights, with the out-of-fold scores that justified it."""

    members: list[TrialResult]
    weights: list[float]
    score: float
    best_single_score: float
    rows_scored: int
    notes: list[str] = field(default_factory=list)
    # Every other metric of the task, measured like the trials' other_metrics (per validation fold, averaged), once
    # the blend has been scored that way (engine/final_choice.py); empty before.
    other_metrics: dict[str, float] = field(default_factory=dict)

    def to_spec(self) -> list[dict[str, Any]]:
        return [
            {
                "algorithm": m.algorithm,
                "params": m.params,
                "weight": w,
                "trial_number": m.trial_number,
                "fit_time": m.fit_time,  # seconds per fold fit: the final fit skips members that no longer fit
            }
            for m, w in zip(self.members, self.weights, strict=True)
        ]


def select_ensemble(
    results: list[TrialResult], y: np.ndarray, task: ProblemType, metric: MetricSpec, rounds: int = SELECTION_ROUNDS
) -> EnsemblePlan | None:
    """The best greedy ensemble of the top completed trials, or None when it does not beat the best single one."""
    candidates = _candidates(results, metric)
    loaded = [(r, np.load(r.oof_path, allow_pickle=False)) for r in candidates if r.oof_path]
    loaded = [(r, p) for r, p in loaded if p.shape[0] == len(y)]
    if len(loaded) < 2:
        return None
    rows = np.all([~np.isnan(p).any(axis=1) for _, p in loaded], axis=0)  # holdout: only the predicted rows
    if rows.sum() < 10:
        return None
    preds = [p[rows].astype(np.float64) for _, p in loaded]
    y_rows = y[rows]
    singles = [_score(p, y_rows, task, metric) for p in preds]
    best_single = best_of(metric, singles)
    counts, ensemble_score = _greedy(preds, y_rows, task, metric, rounds)
    chosen = [i for i, c in enumerate(counts) if c > 0]
    if len(chosen) < 2 or not gain(metric, ensemble_score, best_single) > MIN_GAIN:
        return None
    total = float(sum(counts))
    return EnsemblePlan(
        members=[loaded[i][0] for i in chosen],
        weights=[counts[i] / total for i in chosen],
        score=ensemble_score,
        best_single_score=best_single,
        rows_scored=int(rows.sum()),
    )


def without_member(
    plan: EnsemblePlan, trial_number: int, y: np.ndarray, task: ProblemType, metric: MetricSpec
) -> EnsemblePlan | None:
    """`plan` without one member, the others' weights renormalized and the blend scored again; None when fewer
    than two members remain or the blend no longer beats the best single model."""
    kept = [(m, w) for m, w in zip(plan.members, plan.weights, strict=True) if m.trial_number != trial_number]
    if len(kept) < 2:
        return None
    preds = [np.load(m.oof_path, allow_pickle=False).astype(np.float64) for m, _ in kept if m.oof_path]
    rows = np.all([~np.isnan(p).any(axis=1) for p in preds], axis=0)
    total = sum(w for _, w in kept)
    blend = sum(w / total * p[rows] for (_, w), p in zip(kept, preds, strict=True))
    value = _score(np.asarray(blend), y[rows], task, metric)
    if not gain(metric, value, plan.best_single_score) > MIN_GAIN:
        return None
    return EnsemblePlan(
        members=[m for m, _ in kept],
        weights=[w / total for _, w in kept],
        score=value,
        best_single_score=plan.best_single_score,
        rows_scored=int(rows.sum()),
    )


def _candidates(results: list[TrialResult], metric: MetricSpec) -> list[TrialResult]:
    done = [r for r in results if r.score is not None and math.isfinite(r.score) and r.oof_path]
    done.sort(key=lambda r: rank_key(metric, r.score or 0.0))
    chosen: list[TrialResult] = []
    per_algorithm: dict[str, int] = {}
    for result in done:
        if per_algorithm.get(result.algorithm, 0) < MAX_PER_ALGORITHM:
            per_algorithm[result.algorithm] = per_algorithm.get(result.algorithm, 0) + 1
            chosen.append(result)
    return chosen[:MAX_CANDIDATES]


def _score(pred: np.ndarray, y: np.ndarray, task: ProblemType, metric: MetricSpec) -> float:
    return blend_score(metric, y, pred, task)


def _greedy(
    preds: list[np.ndarray], y: np.ndarray, task: ProblemType, metric: MetricSpec, rounds: int
) -> tuple[list[int], float]:
    counts = [0] * len(preds)
    total = np.zeros_like(preds[0])
    best_counts, best_score = list(counts), math.nan
    for step in range(1, rounds + 1):
        trial_scores = [_score((total + p) / step, y, task, metric) for p in preds]
        pick = best_index(metric, trial_scores)
        counts[pick] += 1
        total += preds[pick]
        current = trial_scores[pick]
        improved = math.isnan(best_score) or better(metric, current, best_score)
        if improved:
            best_counts, best_score = list(counts), current
    return best_counts, best_score


class EnsembleModel(FlowMLModel):
    """Weighted average of member models that share one feature plan: probabilities for classifiers (then the
    most likely class), predictions for regression. Prepares the input once for all members."""

    def __init__(self, members: list[FlowMLModel], weights: list[float]) -> None:
        if not members or len(members) != len(weights):
            raise ValueError("an ensemble needs members with one weight each")
        first = members[0]
        super().__init__(first.plan, first.problem_type, first.pipeline, first.classes, first.known_categories)
        self.members = members
        self.weights = [w / sum(weights) for w in weights]

    def predict_proba_prepared(self, X: pd.DataFrame) -> np.ndarray | None:
        if not self.is_classifier:
            return None
        total: np.ndarray | None = None
        for member, weight in zip(self.members, self.weights, strict=True):
            proba = member.predict_proba_prepared(X)
            assert proba is not None
            total = weight * proba if total is None else total + weight * proba
        return total

    def predict_prepared(self, X: pd.DataFrame) -> np.ndarray:
        if self.is_classifier:
            proba = self.predict_proba_prepared(X)
            assert proba is not None and self.classes is not None
            return np.asarray(self.classes)[proba.argmax(axis=1)]
        return np.sum([w * m.predict_prepared(X) for m, w in zip(self.members, self.weights, strict=True)], axis=0)
