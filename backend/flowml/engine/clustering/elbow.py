"""The elbow: the best score the search reached for each number of clusters, from the leaderboard's trials."""

from __future__ import annotations

import math
from collections.abc import Sequence

from flowml.engine.clustering.report_models import ElbowPoint, rounded
from flowml.engine.metrics import MetricSpec, best_index
from flowml.engine.types import LeaderboardRow, TrialStatus


def elbow(leaderboard: Sequence[LeaderboardRow], metric: MetricSpec) -> list[ElbowPoint]:
    """Per number of clusters, the trial with the best score under `metric`, sorted by the number of clusters.

    Left out: trials that did not complete or have no finite score, no `n_clusters`, or a degenerate result
    (`other_metrics["degenerate"] == 1`: its score is a penalty, not the shape of the curve)."""
    by_k: dict[int, list[tuple[float, LeaderboardRow]]] = {}
    for row in leaderboard:
        found = _on_curve(row)
        if found is not None:
            by_k.setdefault(found[0], []).append((found[1], row))
    points: list[ElbowPoint] = []
    for k in sorted(by_k):
        candidates = by_k[k]
        score, best = candidates[best_index(metric, [s for s, _ in candidates])]
        points.append(
            ElbowPoint(n_clusters=k, score=rounded(score, 6), algorithm=best.algorithm, trial_number=best.trial_number)
        )
    return points


def _on_curve(row: LeaderboardRow) -> tuple[int, float] | None:
    """The row's (number of clusters, score) when the row belongs on the curve, else None."""
    score = row.score
    if row.status is not TrialStatus.COMPLETED or score is None or not math.isfinite(score):
        return None
    if row.other_metrics.get("degenerate", 0.0) >= 1.0:
        return None
    k = row.other_metrics.get("n_clusters")
    if k is None or not math.isfinite(k) or k < 1:
        return None
    return round(k), score
