"""Stability of a clustering: refit on bootstrap resamples and compare each refit's labels with the original's.

Real groups come back when the rows are resampled; a partition of structureless data moves with every resample. The
measure is the mean adjusted Rand index between the original labels and each refit's labels on all rows (1 = the
same partition, about 0 = no better than chance); noise (-1) counts as a label of its own, so a refit that turns a
cluster into noise disagrees.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from sklearn.metrics import adjusted_rand_score

from flowml.engine.clustering.report_models import rounded
from flowml.engine.deadline import Deadline

FitPredict = Callable[[np.ndarray], np.ndarray]


def bootstrap_stability(
    fit_predict: FitPredict, labels: np.ndarray, *, resamples: int, seed: int, deadline: Deadline | None
) -> tuple[float | None, int]:
    """(mean adjusted Rand over the resamples done, how many), or (None, 0) when none was done.

    `fit_predict(rows)` refits the pipeline on those row positions (drawn with replacement) and returns a label for
    every row. Stops before a resample that would end past `deadline` (judged by the slowest one so far) and when
    the job is cancelled. An error from `fit_predict` propagates: stability is optional, and the caller (the final
    fit) reports it as unknown rather than as a number made up for the failed refits."""
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    scores: list[float] = []
    slowest = 0.0
    for _ in range(resamples):
        if deadline is not None and (deadline.cancelled() or deadline.remaining() <= slowest):
            break
        rows = rng.integers(0, len(labels), size=len(labels))
        started = time.monotonic()
        scores.append(_agreement(fit_predict, rows, labels))
        slowest = max(slowest, time.monotonic() - started)
    if not scores:
        return None, 0
    return rounded(float(np.mean(scores))), len(scores)


def _agreement(fit_predict: FitPredict, rows: np.ndarray, labels: np.ndarray) -> float:
    refit = np.asarray(fit_predict(rows))
    if refit.shape != labels.shape:
        raise ValueError(f"fit_predict returned {refit.shape[0]} labels for {labels.shape[0]} rows")
    return float(adjusted_rand_score(labels, refit))
