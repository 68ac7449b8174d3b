"""The contract for a clustering algorithm (ProblemType.CLUSTERING), called by the checks of `algorithm.py` for that
task: the estimator fits without a target, labels every training row (noise -1), gives new rows a cluster id in
0..n_clusters_-1 (never noise), membership probabilities only when it says it is probabilistic, and the same
labels for the same seed and after pickling.
"""

from __future__ import annotations

import io
from types import MappingProxyType
from typing import Any

import joblib
import numpy as np
import optuna

from flowml.engine.registry import Algorithm
from flowml.engine.types import ProblemType

SEED = 7
N_SAMPLED_CONFIGS = 3
NEW_ROWS_SEED = 1
# The row counts whose data-derived spaces are checked (tiny, small, the usual, large).
SPACE_ROWS = (10, 200, 10_000, 1_000_000)


def check_cluster_samples(algo: Algorithm, x: np.ndarray) -> None:
    """Configurations drawn from the space for these rows lie in it, and each fits and labels every row."""
    task = ProblemType.CLUSTERING
    space = algo.space_for(task, len(x))
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=SEED))
    for _ in range(N_SAMPLED_CONFIGS):
        trial = study.ask()
        params = algo.sample(trial, task, len(x))
        assert not space.problems(params), f"a sample lies outside the space: {space.problems(params)}"
        # A read-only mapping proves build neither mutates nor keeps the caller's dict for later mutation.
        model = algo.build(MappingProxyType(params), task, seed=SEED, n_jobs=1).fit(x)
        check_labels(model, x)
        study.tell(trial, 0.0)


def check_cluster_fit(algo: Algorithm, x: np.ndarray, new: np.ndarray) -> None:
    """The defaults for these rows fit `x`, label it, assign `new` rows, pickle, and repeat with the same seed."""
    task = ProblemType.CLUSTERING
    params = algo.default_params_for(task, len(x))
    model = algo.build(params, task, seed=SEED, n_jobs=1).fit(x)
    check_labels(model, x)
    assigned = np.asarray(model.predict(new))
    assert assigned.shape == (len(new),), f"predict returned shape {assigned.shape}"
    assert set(np.unique(assigned)) <= set(range(model.n_clusters_)), "predict returned ids outside 0..k-1"
    if getattr(model, "probabilistic", False):
        proba = np.asarray(model.predict_proba(new))
        assert proba.shape == (len(new), model.n_clusters_), f"predict_proba returned shape {proba.shape}"
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    else:
        assert not hasattr(model, "predict_proba"), "predict_proba answers although the model is not probabilistic"
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    buffer.seek(0)
    loaded = joblib.load(buffer)
    np.testing.assert_array_equal(outputs(loaded, new), outputs(model, new))
    again = algo.build(params, task, seed=SEED, n_jobs=1).fit(x)
    assert np.array_equal(again.labels_, model.labels_), "the same seed gave other labels"
    np.testing.assert_array_equal(outputs(again, new), outputs(model, new))


def check_labels(model: Any, x: np.ndarray) -> None:
    """`labels_` gives every row a cluster id in size order (largest first) or -1 for noise."""
    labels = np.asarray(model.labels_)
    k = int(model.n_clusters_)
    assert labels.shape == (len(x),), f"labels_ has shape {labels.shape} for {len(x)} rows"
    assert k >= 1 and set(np.unique(labels)) <= {-1, *range(k)}, f"labels_ holds ids outside -1..{k - 1}"
    sizes = np.bincount(labels[labels >= 0], minlength=k)
    assert (sizes > 0).all(), f"a cluster id has no row: sizes {sizes.tolist()}"
    assert (np.diff(sizes) <= 0).all(), f"cluster ids are not in size order: sizes {sizes.tolist()}"
    predicted = np.asarray(model.predict(x))
    assert predicted.shape == (len(x),) and (predicted >= 0).all(), "predict answered noise (-1) or a wrong shape"


def outputs(model: Any, x: np.ndarray) -> np.ndarray:
    """The richest answer a clustering model gives new rows: memberships when probabilistic, else ids."""
    return np.asarray(model.predict_proba(x) if getattr(model, "probabilistic", False) else model.predict(x))
