"""The silhouette plot: each row's silhouette (how much closer it is to its own cluster than to the next one),
per cluster, sorted, on a stratified subsample so its cost stays fixed (O(sample²) distances)."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import silhouette_samples

from flowml.engine.clustering.projection import dense_rows, stratified_sample
from flowml.engine.clustering.report_models import SilhouetteCluster, rounded

MAX_ROWS = 2000  # 4 million distances: well under a second
MAX_VALUES = 200  # per cluster: the plot's resolution; more points draw the same shape


def silhouettes(encoded: Any, labels: np.ndarray, *, seed: int) -> list[SilhouetteCluster]:
    """Per cluster (noise left out: it belongs to none), its mean and at most MAX_VALUES values, largest first;
    empty when fewer than two clusters leave the silhouette undefined."""
    labels = np.asarray(labels, dtype=np.int64)
    assigned = np.flatnonzero(labels >= 0)
    rows = assigned[stratified_sample(labels[assigned], MAX_ROWS, seed)]
    sample_labels = labels[rows]
    n_labels = len(np.unique(sample_labels))
    if n_labels < 2 or n_labels >= len(rows):
        return []
    values = silhouette_samples(dense_rows(encoded, rows), sample_labels)
    return [_cluster(int(cid), values[sample_labels == cid]) for cid in np.unique(sample_labels)]


def _cluster(cid: int, values: np.ndarray) -> SilhouetteCluster:
    ordered = np.sort(values)[::-1]
    if len(ordered) > MAX_VALUES:
        # Evenly spaced ranks keep the first and last value: the plot's outline, not a random part of it.
        ordered = ordered[np.round(np.linspace(0, len(ordered) - 1, MAX_VALUES)).astype(np.int64)]
    return SilhouetteCluster(
        id=cid, mean=rounded(float(np.mean(values))), values=[rounded(float(v), 3) for v in ordered]
    )
