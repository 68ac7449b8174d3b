"""Distance scales read from the data: how far a row's k-th nearest neighbour is.

Parameters such as DBSCAN's `eps` or BIRCH's `threshold` are distances, and the distances between rows depend on
the data (how many encoded columns, whether PCA ran first). Searching them as absolute numbers would fit one table
and miss the next, so the algorithms search a quantile or a multiple of these distances instead and convert it
when they fit.
"""

from __future__ import annotations

import numpy as np
from sklearn.neighbors import NearestNeighbors

# Rows whose neighbour distances are measured (a fixed-seed subsample): the quantiles settle well before this.
MAX_QUERY_ROWS = 5_000


def kth_neighbor_distances(X: np.ndarray, k: int, *, seed: int, n_jobs: int | None = None) -> np.ndarray:
    """For up to MAX_QUERY_ROWS rows of `X` (a fixed-seed subsample), the distance to the k-th nearest other row.

    The neighbours are searched among ALL rows, so the distances are those of the full data's density. `k` is
    clipped to the rows there are (at least 1)."""
    n_rows = len(X)
    if n_rows < 2:
        raise ValueError("measuring neighbour distances needs at least 2 rows")
    k = int(min(max(k, 1), n_rows - 1))
    query = X
    if n_rows > MAX_QUERY_ROWS:
        picked = np.random.default_rng(seed).choice(n_rows, MAX_QUERY_ROWS, replace=False)
        query = X[np.sort(picked)]
    # k + 1 neighbours: each query row is its own nearest, at distance 0.
    distances, _ = NearestNeighbors(n_neighbors=k + 1, n_jobs=n_jobs).fit(X).kneighbors(query)
    return np.asarray(distances[:, -1], dtype=np.float64)


def positive_quantile(distances: np.ndarray, q: float) -> float:
    """The `q` quantile of `distances`, or the smallest positive one when that quantile is 0 (duplicated rows):
    a distance parameter must be positive. 1.0 when every distance is 0 (all rows equal: any scale works)."""
    value = float(np.quantile(distances, q))
    if value > 0.0:
        return value
    positive = distances[distances > 0.0]
    return float(positive.min()) if positive.size else 1.0
