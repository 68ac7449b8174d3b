"""How good a labelling is without a target: internal validity indices, degenerate results, the search objective.

`measure` scores labels against the encoded matrix they came from (before any PCA the clusterer ran, so that
configurations with and without a reduction are compared in the same space). Noise rows (-1) are left out of the
indices and counted in `noise_fraction`. The three indices:
- silhouette (-1..1, higher better): on a fixed-seed subsample of at most SILHOUETTE_SAMPLE_ROWS assigned rows, since
  it costs O(rows^2); on the subsample it is O(rows) per trial, and the same rows for every trial of a job;
- Calinski-Harabasz (0.., higher better) and Davies-Bouldin (0.., lower better): on every assigned row (O(rows)).

A labelling is degenerate (a non-answer, however well it scores) when it has fewer than 2 clusters, when one cluster
holds GIANT_CLUSTER_SHARE of the assigned rows, when more than MAX_NOISE_FRACTION of the rows are noise, or when it
is fragmented: at least MAX_TINY_CLUSTER_SHARE of its clusters are specks of fewer than max(TINY_CLUSTER_MIN_ROWS,
TINY_CLUSTER_SHARE of the assigned rows) rows (a density method gone to pieces; a few genuinely small groups beside
large ones are not).

`objective` is what the search optimises: the metric weighted by coverage, and for degenerate labellings a value
in a narrow band below every non-degenerate one (see `objective`).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np
from pydantic import BaseModel, ConfigDict
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score

from flowml.engine.metrics import MetricSpec, signed_score

NOISE = -1
SILHOUETTE_SAMPLE_ROWS = 2000  # silhouette on a fixed-seed subsample: O(n) per trial
MAX_NOISE_FRACTION = 0.5  # more noise than this: degenerate
GIANT_CLUSTER_SHARE = 0.95  # one cluster holding >= 95% of assigned rows: degenerate
TINY_CLUSTER_SHARE = 0.001  # a cluster under 0.1% of the assigned rows (and under ...)
TINY_CLUSTER_MIN_ROWS = 2  # ... at least 2 rows: a singleton is always a speck) is a speck
MAX_TINY_CLUSTER_SHARE = 0.5  # at least half of the clusters specks: fragmented, degenerate
VALIDITY_METRICS = ("silhouette", "calinski_harabasz", "davies_bouldin")

# The degenerate band, on the signed scale (greater is better): a metric whose worst value is finite (silhouette's
# -1, Calinski-Harabasz's 0) keeps its lowest DEGENERATE_BAND_SHARE of the range (1 where unbounded) for degenerate
# results; one unbounded on its bad side (Davies-Bouldin: any large value) caps non-degenerate values at
# UNBOUNDED_WORST and puts the band just past it. Inside the band a degenerate result still ranks by its own score,
# so that a search whose every trial is degenerate delivers the least bad one.
DEGENERATE_BAND_SHARE = 0.001
UNBOUNDED_WORST = 1000.0
_BAND_TOP = 0.999  # degenerate values stay strictly below the band's top, whatever float rounding does


class Validity(BaseModel):
    """What `measure` found about one labelling; the indices are None where undefined (fewer than 2 clusters)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    n_clusters: int
    sizes: list[int]  # largest first, noise excluded
    noise_fraction: float
    silhouette: float | None
    calinski_harabasz: float | None
    davies_bouldin: float | None
    degenerate: str | None  # why it is degenerate, in words; None when fine

    def value(self, metric: str) -> float | None:
        """The index called `metric` (one of VALIDITY_METRICS)."""
        if metric not in VALIDITY_METRICS:
            raise ValueError(f"no validity index {metric!r}; allowed: {', '.join(VALIDITY_METRICS)}")
        value: float | None = getattr(self, metric)
        return value

    def scores(self) -> dict[str, float]:
        """The indices that are defined, by name."""
        return {name: value for name in VALIDITY_METRICS if (value := self.value(name)) is not None}


def measure(X: np.ndarray, labels: np.ndarray, *, seed: int) -> Validity:
    """Score `labels` (one per row of `X`, noise = -1) on `X`, the encoded matrix; see the module."""
    data = np.asarray(X)
    labels = np.asarray(labels).ravel()
    if data.ndim != 2 or len(data) != len(labels):
        raise ValueError(f"expected one label per row of a 2-D matrix, got {data.shape} and {len(labels)} labels")
    if len(labels) == 0:
        raise ValueError("cannot measure a labelling of no rows")
    assigned = labels != NOISE
    n_assigned = int(assigned.sum())
    _, counts = np.unique(labels[assigned], return_counts=True)
    sizes = sorted((int(c) for c in counts), reverse=True)
    noise_fraction = 1.0 - n_assigned / len(labels)
    kept, kept_labels = (data, labels) if n_assigned == len(labels) else (data[assigned], labels[assigned])
    defined = 2 <= len(sizes) <= n_assigned - 1  # scikit-learn's condition for all three indices
    return Validity(
        n_clusters=len(sizes),
        sizes=sizes,
        noise_fraction=noise_fraction,
        silhouette=_silhouette(kept, kept_labels, seed) if defined else None,
        calinski_harabasz=_finite(calinski_harabasz_score, kept, kept_labels) if defined else None,
        davies_bouldin=_finite(davies_bouldin_score, kept, kept_labels) if defined else None,
        degenerate=degenerate_reason(sizes, noise_fraction),
    )


def degenerate_reason(sizes: list[int], noise_fraction: float) -> str | None:
    """Why a labelling with these cluster sizes (largest first) and noise is no answer, in words; None if fine."""
    if not sizes:
        return "no clusters: every row is noise"
    if len(sizes) == 1:
        return "a single cluster: every assigned row is in one group"
    if noise_fraction > MAX_NOISE_FRACTION:
        return f"{noise_fraction:.0%} of the rows are noise (more than {MAX_NOISE_FRACTION:.0%})"
    total = sum(sizes)
    if sizes[0] >= GIANT_CLUSTER_SHARE * total:
        return f"one cluster holds {sizes[0] / total:.1%} of the assigned rows"
    speck = max(TINY_CLUSTER_MIN_ROWS, math.ceil(TINY_CLUSTER_SHARE * total))
    tiny = sum(1 for size in sizes if size < speck)
    if tiny >= MAX_TINY_CLUSTER_SHARE * len(sizes):
        return f"fragmented: {tiny} of {len(sizes)} clusters have fewer than {speck} rows"
    return None


def _silhouette(X: np.ndarray, labels: np.ndarray, seed: int) -> float | None:
    if len(labels) > SILHOUETTE_SAMPLE_ROWS:
        rows = np.sort(np.random.default_rng(seed).choice(len(labels), SILHOUETTE_SAMPLE_ROWS, replace=False))
        X, labels = X[rows], labels[rows]
        if not 2 <= len(np.unique(labels)) <= len(labels) - 1:  # only a giant cluster can leave one in the sample
            return None
    return _finite(silhouette_score, X, labels)


def _finite(index: Callable[[np.ndarray, np.ndarray], float], X: np.ndarray, labels: np.ndarray) -> float | None:
    """`index(X, labels)` as a float, None when it comes out NaN or infinite (coincident centres, zero spread)."""
    with warnings.catch_warnings():  # divisions by zero are reported by the NaN/inf they produce
        warnings.simplefilter("ignore", RuntimeWarning)
        value = float(index(X, labels))
    return value if math.isfinite(value) else None


def objective(metric: MetricSpec, v: Validity) -> float:
    """What the search optimises for `metric` (one of VALIDITY_METRICS), in the metric's natural orientation.

    Coverage: noise rows have no cluster, so the score moves toward worse in proportion, on the signed scale
    (greater is better): a positive signed score is multiplied by the coverage (1 - noise_fraction), a negative
    one divided by it; silhouette 0.6 with 10% noise is 0.54 (the mean silhouette with noise rows counted as 0),
    Davies-Bouldin 0.5 with 20% noise is 0.625.

    Degenerate labellings, and any whose metric is undefined, get a value in a narrow band below every
    non-degenerate value (see DEGENERATE_BAND_SHARE), inside the metric's bounds; non-degenerate values are
    clipped out of that band (only a labelling as bad as silhouette -0.998 or Davies-Bouldin 1000 is). Never NaN.
    """
    low, floor = _band(metric)
    value = v.value(metric.name)
    if value is None or not math.isfinite(value):
        return _natural(metric, low)
    signed = signed_score(metric, value)
    coverage = 1.0 - v.noise_fraction
    weighted = signed * coverage if signed >= 0 else signed / max(coverage, 1e-12)
    if v.degenerate is None:
        return _natural(metric, max(weighted, floor))
    # Within the band, degenerate results keep their order: x / (1 + |x|) maps any score into (-1, 1) monotonically
    # (tanh would round every score past 19 to 1.0 and tie them).
    share = _BAND_TOP * (1.0 + weighted / (1.0 + abs(weighted))) / 2.0
    return _natural(metric, low + (floor - low) * share)


def _band(metric: MetricSpec) -> tuple[float, float]:
    """(bottom, top) of the degenerate band on the signed scale; non-degenerate signed values are >= top."""
    worst, best = sorted(signed_score(metric, bound) for bound in metric.bounds)
    if math.isfinite(worst):
        width = DEGENERATE_BAND_SHARE * (best - worst) if math.isfinite(best) else DEGENERATE_BAND_SHARE
        return worst, worst + width
    floor = signed_score(metric, UNBOUNDED_WORST)
    return floor - 1.0, floor


def _natural(metric: MetricSpec, signed: float) -> float:
    """Back from the signed scale to the metric's own orientation (signed_score is its own inverse)."""
    return signed_score(metric, signed) + 0.0  # + 0.0: never -0.0 in a leaderboard
