"""ClusterModel: one clustering configuration as a scikit-learn estimator that also assigns new rows.

Algorithms build it around a scikit-learn clusterer (engine/algorithms/clustering). It adds what the platform
needs from every clusterer alike:
- an optional PCA before clustering (`reduce_components`: a variance share in (0, 1) or a component count);
- fitting on a fixed-seed subsample for the algorithms whose time or memory grows faster than the rows
  (`max_fit_rows`: agglomerative, spectral, OPTICS, and on large tables the density-based ones and BIRCH), the
  other rows then assigned like new ones;
- labels renumbered by size, largest cluster first (0, 1, ...), noise kept as -1 in `labels_`;
- `predict` for new rows: the clusterer's own (`assigner="native"`: k-means, mixtures, BIRCH), the nearest cluster
  centre ("nearest_centroid"), or the majority of the nearest training rows ("knn": density-based clusters are
  not convex). `predictor_` is that assignment as a plain scikit-learn estimator (ONNX converts it); it never answers
  noise: a noise row's nearest cluster is still the most useful answer for a new row.
"""

from __future__ import annotations

from typing import Any, Literal, Self

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin, clone
from sklearn.decomposition import PCA
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline
from sklearn.utils.metaestimators import available_if

Assigner = Literal["native", "nearest_centroid", "knn"]
# The assigners by name, compared as constants: "knn" is also the k-nearest-neighbours algorithm's name, which no
# module outside the algorithms may list or compare (tests/engine/test_no_algorithm_lists.py).
NATIVE: Assigner = "native"
NEAREST_CENTROID: Assigner = "nearest_centroid"
NEAREST_ROWS: Assigner = "knn"
NOISE = -1
# Neighbours voting on a new row's cluster for the "knn" assigner (fewer when a cluster is smaller; always odd).
ASSIGN_NEIGHBORS = 15
# Training rows the "knn" assigner keeps: its predictions cost O(kept rows) each, and its ONNX graph holds them.
MAX_ASSIGNER_ROWS = 20_000


class ClusterModel(ClusterMixin, BaseEstimator):
    """`clusterer` (unfitted) with reduction, subsampling, size-ordered labels and an assigner; see the module."""

    def __init__(
        self,
        clusterer: Any,
        *,
        assigner: Assigner = "native",
        reduce_components: float | int | None = None,
        max_fit_rows: int | None = None,
        seed: int = 0,
    ) -> None:
        self.clusterer = clusterer
        self.assigner = assigner
        self.reduce_components = reduce_components
        self.max_fit_rows = max_fit_rows
        self.seed = seed

    # --- fitting -------------------------------------------------------------------------------------------------

    def fit(self, X: Any, y: Any = None) -> Self:
        """Cluster the rows of `X` (the encoded matrix); `y` is ignored (scikit-learn's convention)."""
        data = np.asarray(X, dtype=np.float64)
        if len(data) < 2:
            raise ValueError("clustering needs at least 2 rows")
        self.reducer_ = self._fit_reducer(data)
        reduced = self.reducer_.transform(data) if self.reducer_ is not None else data
        fit_rows = self._fit_rows(len(reduced))
        self.clusterer_ = clone(self.clusterer)
        raw = np.asarray(self.clusterer_.fit_predict(reduced[fit_rows]), dtype=np.int64)
        self._raw_to_ordered = self._size_order(raw)
        self.n_clusters_ = len(self._raw_to_ordered)
        if self.n_clusters_ == 0:
            raise ValueError("the clusterer put every row in noise: no cluster to assign rows to")
        self.predictor_ = self._fit_predictor(reduced[fit_rows], _remap(raw, self._raw_to_ordered))
        self.labels_ = self._label_all(reduced, fit_rows, raw)
        self.noise_fraction_ = float(np.mean(self.labels_ == NOISE))
        self.classes_ = np.arange(self.n_clusters_)
        return self

    def _label_all(self, reduced: np.ndarray, fit_rows: np.ndarray, raw: np.ndarray) -> np.ndarray:
        """Every row's label: the clusterer's for the rows it fitted, the assigner's for the others. Renumbered by
        the sizes over all rows when those differ from the sample's order (two clusters of about the same size)."""
        labels = np.full(len(reduced), NOISE, dtype=np.int64)
        labels[fit_rows] = _remap(raw, self._raw_to_ordered)
        rest = np.setdiff1d(np.arange(len(reduced)), fit_rows, assume_unique=True)
        if not len(rest):
            return labels
        labels[rest] = self._assign(reduced[rest])
        final = self._size_order(labels)
        if all(old == new for old, new in final.items()):
            return labels
        self._raw_to_ordered = {r: final[ordered] for r, ordered in self._raw_to_ordered.items()}
        self.predictor_ = self._fit_predictor(reduced[fit_rows], _remap(raw, self._raw_to_ordered))
        return _remap(labels, final)

    def _fit_reducer(self, data: np.ndarray) -> PCA | None:
        n = self.reduce_components
        if n is None or n == 0:
            return None
        if isinstance(n, float) and not 0.0 < n < 1.0:
            raise ValueError(f"reduce_components as a share of variance must lie in (0, 1), got {n}")
        components: float | int = n if isinstance(n, float) else min(int(n), data.shape[1], len(data))
        return PCA(n_components=components, svd_solver="full", random_state=self.seed).fit(data)

    def _fit_rows(self, n_rows: int) -> np.ndarray:
        if self.max_fit_rows is None or n_rows <= self.max_fit_rows:
            return np.arange(n_rows)
        rng = np.random.default_rng(self.seed)
        return np.sort(rng.choice(n_rows, self.max_fit_rows, replace=False))

    @staticmethod
    def _size_order(raw: np.ndarray) -> dict[int, int]:
        """Raw cluster id -> id by size (largest first; ties by raw id), noise left out."""
        ids, counts = np.unique(raw[raw != NOISE], return_counts=True)
        ranked = sorted(zip(ids.tolist(), counts.tolist(), strict=True), key=lambda p: (-p[1], p[0]))
        return {raw_id: rank for rank, (raw_id, _) in enumerate(ranked)}

    def _fit_predictor(self, reduced: np.ndarray, labels: np.ndarray) -> Any:
        """The assignment of new (reduced) rows as a plain scikit-learn estimator, reducer included in front."""
        predictor: Any
        if self.assigner == NATIVE:
            predictor = _NativeOrdered(self.clusterer_, self._raw_to_ordered)
        elif self.assigner == NEAREST_CENTROID:
            # 1-nearest-neighbour over the centres is the nearest-centroid rule, in a form ONNX converts.
            centres = np.vstack([reduced[labels == c].mean(axis=0) for c in range(self.n_clusters_)])
            predictor = KNeighborsClassifier(n_neighbors=1).fit(centres, np.arange(self.n_clusters_))
        elif self.assigner == NEAREST_ROWS:
            predictor = self._nearest_rows(reduced, labels)
        else:
            raise ValueError(f"unknown assigner {self.assigner!r}; use native, nearest_centroid or knn")
        if self.reducer_ is None:
            return predictor
        return Pipeline([("reduce", self.reducer_), ("assign", predictor)])

    def _nearest_rows(self, reduced: np.ndarray, labels: np.ndarray) -> KNeighborsClassifier:
        """A majority vote of the nearest clustered training rows (noise rows have no cluster to give), over at
        most MAX_ASSIGNER_ROWS rows (a fixed-seed sample).

        Equal votes, not votes weighted by closeness: a training row is at distance 0 from itself, which the ONNX
        graph computes in float32 as a small positive number, so closeness weights disagree with the pickle on a
        few percent of rows, while equal votes agree up to ties at the k-th neighbour."""
        rows = np.flatnonzero(labels != NOISE)
        if len(rows) > MAX_ASSIGNER_ROWS:
            rows = np.sort(np.random.default_rng(self.seed).choice(rows, MAX_ASSIGNER_ROWS, replace=False))
        # No more voters than the smallest cluster has rows, so that a small cluster can win its own neighbourhood;
        # an odd number, so that two clusters never tie.
        smallest = int(np.bincount(labels[rows], minlength=self.n_clusters_).min())
        k = min(ASSIGN_NEIGHBORS, max(1, smallest))
        if k % 2 == 0:
            k -= 1
        return KNeighborsClassifier(n_neighbors=k).fit(reduced[rows], labels[rows])

    def _assign(self, reduced: np.ndarray) -> np.ndarray:
        predictor = self.predictor_[-1] if isinstance(self.predictor_, Pipeline) else self.predictor_
        return np.asarray(predictor.predict(reduced), dtype=np.int64)

    # --- use -----------------------------------------------------------------------------------------------------

    def predict(self, X: Any) -> np.ndarray:
        """The cluster (0..n_clusters_-1) of each row of the encoded matrix `X`; never noise."""
        return np.asarray(self.predictor_.predict(np.asarray(X, dtype=np.float64)), dtype=np.int64)

    def _probabilistic(self) -> bool:
        return self.assigner == "native" and hasattr(self.clusterer, "predict_proba")

    @available_if(_probabilistic)
    def predict_proba(self, X: Any) -> np.ndarray:
        """Membership probabilities, one column per cluster in id order (mixture models only)."""
        return np.asarray(self.predictor_.predict_proba(np.asarray(X, dtype=np.float64)), dtype=np.float64)

    def reduce(self, X: Any) -> np.ndarray:
        """The matrix the clusterer saw: `X` after the PCA, if any."""
        data = np.asarray(X, dtype=np.float64)
        return self.reducer_.transform(data) if self.reducer_ is not None else data

    @property
    def probabilistic(self) -> bool:
        return self._probabilistic()


def _remap(values: np.ndarray, mapping: dict[int, int]) -> np.ndarray:
    """`values` with each key of `mapping` replaced by its value; any other value becomes NOISE."""
    out = np.full(len(values), NOISE, dtype=np.int64)
    for old, new in mapping.items():
        out[values == old] = new
    return out


class _NativeOrdered(ClusterMixin, BaseEstimator):
    """A fitted clusterer's own predict (and predict_proba), its ids mapped to the size order.

    Only for clusterers with a predict; the ONNX export converts `estimator` and applies `order` as a label map."""

    def __init__(self, estimator: Any, order: dict[int, int]) -> None:
        self.estimator = estimator
        self.order = order

    def fit(self, X: Any, y: Any = None) -> Self:  # already fitted: ClusterModel fits the clusterer
        return self

    def __sklearn_is_fitted__(self) -> bool:
        return True

    @property
    def _lookup(self) -> np.ndarray:
        size = max(self.order) + 1 if self.order else 0
        table = np.zeros(size, dtype=np.int64)
        for raw_id, ordered in self.order.items():
            table[raw_id] = ordered
        return table

    @property
    def classes_(self) -> np.ndarray:
        return np.arange(len(self.order))

    def predict(self, X: Any) -> np.ndarray:
        raw = np.asarray(self.estimator.predict(X), dtype=np.int64)
        table = self._lookup
        # A component that got no training row (an empty k-means centre) has no id of its own: cluster 0.
        return np.where(raw < len(table), table[np.minimum(raw, len(table) - 1)], 0)

    def _has_proba(self) -> bool:
        return hasattr(self.estimator, "predict_proba")

    @available_if(_has_proba)
    def predict_proba(self, X: Any) -> np.ndarray:
        raw = np.asarray(self.estimator.predict_proba(X), dtype=np.float64)
        out = np.zeros((len(raw), len(self.order)))
        for raw_id, ordered in self.order.items():
            out[:, ordered] = raw[:, raw_id]
        return out
