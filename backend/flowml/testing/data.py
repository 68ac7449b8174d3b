"""Small generated data for the contract checks: what an estimator receives, and what a whole model trains on."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.datasets import make_blobs, make_classification, make_regression
from sklearn.preprocessing import StandardScaler

from flowml.engine.types import ProblemType

N_CLASSES = {ProblemType.BINARY: 2, ProblemType.MULTICLASS: 3}
N_FEATURES = 8
# Clustering data: this many well-separated blobs, their centres the same for every seed (new rows of the same
# groups come from another seed).
N_BLOBS = 3
BLOB_CENTRES = np.random.default_rng(1234).uniform(-8.0, 8.0, size=(N_BLOBS, N_FEATURES))


def make_data(task: ProblemType, n_rows: int = 200, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """What the engine hands an estimator: dense float64, standardized, labels encoded as 0..k-1 (for clustering,
    which fits without them, the blob each row was drawn from)."""
    if task is ProblemType.CLUSTERING:
        x, y = make_blobs(n_samples=n_rows, centers=BLOB_CENTRES, cluster_std=1.0, random_state=seed)
        return StandardScaler().fit_transform(x).astype(np.float64), np.asarray(y)
    if task is ProblemType.REGRESSION:
        # noise and a target far from unit scale exercise target standardization
        x, y = make_regression(n_samples=n_rows, n_features=N_FEATURES, n_informative=5, noise=10.0, random_state=seed)
    else:
        x, y = make_classification(
            n_samples=n_rows, n_features=N_FEATURES, n_informative=5, n_classes=N_CLASSES[task], random_state=seed
        )
    return StandardScaler().fit_transform(x).astype(np.float64), y


def with_category_codes(x: np.ndarray, seed: int = 0) -> np.ndarray:
    """`x` with a first column of category codes 0..4 and -1 (missing), as native-categorical algorithms get them."""
    rng = np.random.default_rng(seed)
    codes = rng.integers(-1, 5, size=len(x)).astype(np.float64)
    return np.column_stack([codes, x])


def make_frame(task: ProblemType, n_rows: int, seed: int) -> pd.DataFrame:
    """Raw rows for a whole model: two numeric columns (one with gaps), a categorical one and a `target` (none for
    clustering)."""
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=n_rows)
    x2 = rng.normal(size=n_rows)
    color = rng.choice(["red", "green", "blue"], size=n_rows)
    signal = x1 + 0.5 * x2 + np.where(color == "red", 1.0, 0.0)
    frame = pd.DataFrame(
        {"x1": x1, "x2": np.where(rng.random(n_rows) < 0.1, np.nan, x2), "color": pd.Series(color, dtype=object)}
    )
    if task is ProblemType.CLUSTERING:
        return frame
    if task is ProblemType.REGRESSION:
        frame["target"] = 4.0 * signal + 50.0 + rng.normal(scale=0.1, size=n_rows)
    elif task is ProblemType.BINARY:
        frame["target"] = np.where(signal > 0.5, "yes", "no")
    else:
        frame["target"] = np.digitize(signal, [0.0, 1.2])
    return frame


FRAME_KINDS = {"x1": "numeric", "x2": "numeric", "color": "categorical"}
