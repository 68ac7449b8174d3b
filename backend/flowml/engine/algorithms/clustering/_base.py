"""What every clustering algorithm shares: the task, scaled inputs, a ClusterModel around its clusterer, the
data-derived range of the number of clusters, and the optional PCA in every space."""

from __future__ import annotations

import math
from abc import abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar

from flowml.engine.clustering.model import Assigner, ClusterModel
from flowml.engine.registry import Algorithm
from flowml.engine.space import CategoricalParam, IntParam, Param, SearchSpace
from flowml.engine.types import ProblemType

CLUSTERING_TASKS = frozenset({ProblemType.CLUSTERING})
# The number of clusters searched: 2 up to about sqrt(rows / 2) (a common rule of thumb for k), at most this many.
MAX_CLUSTERS = 20
MIN_MAX_CLUSTERS = 3
# What `space(task)` shows without data (GET /api/algorithms): the range a table of this many rows gets.
SHOWN_ROWS = 1_000
# PCA before clustering, searched like any parameter: none, or the components keeping this share of variance.
REDUCE_CHOICES: list[float | None] = [None, 0.9, 0.7]


def max_clusters(n_rows: int) -> int:
    """The most clusters a search on `n_rows` rows tries."""
    return max(MIN_MAX_CLUSTERS, min(MAX_CLUSTERS, round(math.sqrt(max(n_rows, 1) / 2))))


class ClusteringAlgorithm(Algorithm):
    """Base of the built-in clustering algorithms: subclasses give their own parameters and the clusterer."""

    family = "clustering"
    tasks = CLUSTERING_TASKS
    needs_scaling = True  # distances mean nothing between unscaled columns
    # How new rows get a cluster (engine/clustering/model.py); "native" needs the clusterer's own predict.
    assigner: ClassVar[Assigner] = "native"
    # Above this many rows the clusterer fits on a fixed-seed subsample and the rest are assigned.
    max_fit_rows: ClassVar[int | None] = None

    @abstractmethod
    def own_space(self, n_rows: int) -> dict[str, Param]:
        """The algorithm's own parameters for a table of `n_rows` rows (without the shared `reduce`)."""

    @abstractmethod
    def own_defaults(self, n_rows: int) -> dict[str, Any]:
        """A good first configuration of `own_space(n_rows)`."""

    @abstractmethod
    def clusterer(self, params: Mapping[str, Any], *, seed: int, n_jobs: int) -> Any:
        """The unfitted scikit-learn clusterer for `params` (without `reduce`)."""

    def space(self, task: ProblemType) -> SearchSpace:
        return self.space_for(task, SHOWN_ROWS)

    def space_for(self, task: ProblemType, n_rows: int) -> SearchSpace:
        return SearchSpace(
            params={
                **self.own_space(n_rows),
                "reduce": CategoricalParam(
                    choices=list(REDUCE_CHOICES), help="PCA first, keeping this share of the variance (none: off)"
                ),
            }
        )

    def default_params(self, task: ProblemType) -> dict[str, Any]:
        return self.default_params_for(task, SHOWN_ROWS)

    def default_params_for(self, task: ProblemType, n_rows: int) -> dict[str, Any]:
        return {**self.own_defaults(n_rows), "reduce": None}

    def build(self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1) -> ClusterModel:
        self.require_task(task)
        own = {k: v for k, v in params.items() if k != "reduce"}
        return ClusterModel(
            self.clusterer(own, seed=seed, n_jobs=n_jobs),
            assigner=self.assigner,
            reduce_components=params.get("reduce"),
            max_fit_rows=self.max_fit_rows,
            seed=seed,
        )


def clusters_param(n_rows: int) -> IntParam:
    """The number of clusters: 2 up to `max_clusters(n_rows)`."""
    return IntParam(low=2, high=max_clusters(n_rows), help="How many clusters")


def default_clusters(n_rows: int) -> int:
    return min(3, max_clusters(n_rows))


# A neighbour count (DBSCAN's min_samples, a k-NN graph's k) stays below a tenth of the rows: a neighbourhood
# reaching across a tenth of the table no longer describes local density.
NEIGHBORHOOD_SHARE = 10


def neighbors_param(n_rows: int, *, low: int, high: int, help: str) -> IntParam:
    """A count of neighbours from `low` up to `high`, at most a tenth of `n_rows` (never below `low`)."""
    return IntParam(low=low, high=max(low, min(high, n_rows // NEIGHBORHOOD_SHARE)), log=True, help=help)


def clipped(value: int, param: IntParam) -> int:
    """`value` moved into the range of `param` (a default that must lie in a data-derived range)."""
    return min(max(value, param.low), param.high)
