"""A 2-D picture of the clusters: the encoded rows projected by PCA (or UMAP where installed), on a subsample.

The subsample is stratified by cluster with a floor per cluster, so a cluster of 30 rows among 100 000 still shows
as points; the same sampler feeds the silhouette plot (silhouette.py). Both run on the encoded matrix before any
PCA of the model's own, the space the validity scores are measured in.
"""

from __future__ import annotations

import importlib.util
from typing import Any, Literal

import numpy as np
from scipy import sparse
from sklearn.decomposition import PCA

from flowml.engine.clustering.report_models import Projection, ProjectionPoint, rounded

MAX_POINTS = 2000  # what a browser draws at once without lag, and enough to see every cluster's shape
MIN_PER_CLUSTER = 50  # rows a cluster keeps in a sample before the rest is shared out by size
UMAP_NEIGHBORS = 15

ProjectionMethod = Literal["pca", "umap"]


def umap_available() -> bool:
    """UMAP is optional (umap-learn is not a dependency): used only where a user installed it."""
    return importlib.util.find_spec("umap") is not None


def stratified_sample(labels: np.ndarray, limit: int, seed: int) -> np.ndarray:
    """Sorted row positions: all rows up to `limit`, else at most `limit` drawn per label (noise, -1, is a label
    too) with every label keeping min(size, MIN_PER_CLUSTER, limit / labels) rows and the rest shared by size."""
    labels = np.asarray(labels)
    if len(labels) <= limit:
        return np.arange(len(labels))
    rng = np.random.default_rng(seed)
    ids, counts = np.unique(labels, return_counts=True)
    base = np.minimum(counts, min(MIN_PER_CLUSTER, limit // len(ids)))
    room = counts - base
    extra = np.floor((limit - base.sum()) * room / max(room.sum(), 1)).astype(np.int64)
    quota = base + np.minimum(extra, room)
    picked = [
        rng.choice(np.flatnonzero(labels == cid), size=q, replace=False) for cid, q in zip(ids, quota, strict=True)
    ]
    return np.sort(np.concatenate(picked))


def dense_rows(encoded: Any, rows: np.ndarray) -> np.ndarray:
    """The chosen rows of the encoded matrix as a dense float array (a ColumnTransformer may return sparse, or a
    DataFrame under set_output, where `[rows]` would pick columns)."""
    chosen = encoded.iloc[rows].to_numpy() if hasattr(encoded, "iloc") else encoded[rows]
    dense = chosen.toarray() if sparse.issparse(chosen) else np.asarray(chosen)
    # The pipeline imputes, so this only guards the plot against a stray value it cannot draw.
    return np.nan_to_num(dense.astype(np.float64), nan=0.0, posinf=0.0, neginf=0.0)


def project(encoded: Any, labels: np.ndarray, *, seed: int, method: ProjectionMethod = "pca") -> Projection:
    """At most MAX_POINTS rows of `encoded` in two dimensions, each with its cluster (-1 = noise)."""
    labels = np.asarray(labels, dtype=np.int64)
    rows = stratified_sample(labels, MAX_POINTS, seed)
    data = dense_rows(encoded, rows)
    explained: list[float] | None = None
    if method == "umap":
        coords = _umap(data, seed)
    else:
        coords, explained = _pca(data, seed)
    points = [
        ProjectionPoint(x=rounded(x), y=rounded(y), cluster=int(c))
        for x, y, c in zip(coords[:, 0], coords[:, 1], labels[rows], strict=True)
    ]
    return Projection(method=method, explained_variance=explained, points=points, n_total=len(labels))


def _pca(data: np.ndarray, seed: int) -> tuple[np.ndarray, list[float]]:
    components = min(2, data.shape[1], len(data))
    pca = PCA(n_components=components, random_state=seed).fit(data)
    coords = np.zeros((len(data), 2))
    coords[:, :components] = pca.transform(data)
    # A constant matrix has no variance to explain: scikit-learn answers NaN, the report says 0.
    ratios = np.nan_to_num(pca.explained_variance_ratio_, nan=0.0)
    return coords, [rounded(r) for r in ratios]


def _umap(data: np.ndarray, seed: int) -> np.ndarray:
    import umap  # optional: callers check umap_available() first

    reducer = umap.UMAP(n_components=2, n_neighbors=min(UMAP_NEIGHBORS, len(data) - 1), random_state=seed)
    return np.asarray(reducer.fit_transform(data), dtype=np.float64)
