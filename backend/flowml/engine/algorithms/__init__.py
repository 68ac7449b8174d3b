"""The built-in algorithms, one small module per family, listed explicitly in `default_registry()`.

No registration by import side effect: adding an algorithm means writing its module and adding one line here,
so the full set is readable in one place and a broken entry fails when the registry is built.
"""

from __future__ import annotations

from functools import cache

from flowml.engine.algorithms.bayes import NaiveBayesAlgorithm
from flowml.engine.algorithms.boosting_sklearn import (
    AdaBoostAlgorithm,
    GradientBoostingAlgorithm,
    HistGradientBoostingAlgorithm,
)
from flowml.engine.algorithms.catboost_ import CatBoostAlgorithm
from flowml.engine.algorithms.clustering.density import DBSCANAlgorithm, HDBSCANAlgorithm, OPTICSAlgorithm
from flowml.engine.algorithms.clustering.hierarchical import AgglomerativeAlgorithm, BirchAlgorithm
from flowml.engine.algorithms.clustering.kmeans import KMeansAlgorithm, MiniBatchKMeansAlgorithm
from flowml.engine.algorithms.clustering.mixture import GaussianMixtureAlgorithm
from flowml.engine.algorithms.clustering.spectral import SpectralAlgorithm
from flowml.engine.algorithms.forests import ExtraTreesAlgorithm, RandomForestAlgorithm
from flowml.engine.algorithms.lightgbm_ import LightGBMAlgorithm
from flowml.engine.algorithms.linear import (
    ElasticNetAlgorithm,
    HuberAlgorithm,
    LassoAlgorithm,
    LogisticRegressionAlgorithm,
    RidgeAlgorithm,
)
from flowml.engine.algorithms.neighbors import KNeighborsAlgorithm
from flowml.engine.algorithms.neural import MLPAlgorithm
from flowml.engine.algorithms.svm import LinearSVCAlgorithm, LinearSVRAlgorithm, SVCAlgorithm, SVRAlgorithm
from flowml.engine.algorithms.trees import DecisionTreeAlgorithm
from flowml.engine.algorithms.xgboost_ import XGBoostAlgorithm
from flowml.engine.registry import Registry

__all__ = ["builtin_registry", "default_registry"]


@cache
def default_registry() -> Registry:
    """The built-ins and every installed plugin's algorithms (engine/plugins.py: a broken plugin is left out and
    reported, a plugin never replaces a built-in); built once per process."""
    from flowml.engine.plugins import installed_plugins  # plugins check their names against the built-ins

    return Registry.merged(builtin_registry(), installed_plugins().algorithms)


@cache
def builtin_registry() -> Registry:
    """Every built-in algorithm; built once per process (the algorithms are stateless)."""
    return Registry.of(
        [
            # linear
            LogisticRegressionAlgorithm(),
            RidgeAlgorithm(),
            LassoAlgorithm(),
            ElasticNetAlgorithm(),
            HuberAlgorithm(),
            # trees and bagging
            DecisionTreeAlgorithm(),
            RandomForestAlgorithm(),
            ExtraTreesAlgorithm(),
            # boosting
            GradientBoostingAlgorithm(),
            HistGradientBoostingAlgorithm(),
            AdaBoostAlgorithm(),
            XGBoostAlgorithm(),
            LightGBMAlgorithm(),
            CatBoostAlgorithm(),
            # distance, kernel, probabilistic and neural
            KNeighborsAlgorithm(),
            SVCAlgorithm(),
            SVRAlgorithm(),
            LinearSVCAlgorithm(),
            LinearSVRAlgorithm(),
            NaiveBayesAlgorithm(),
            MLPAlgorithm(),
            # clustering (ProblemType.CLUSTERING only: `Registry.for_task` keeps them out of supervised jobs)
            KMeansAlgorithm(),
            MiniBatchKMeansAlgorithm(),
            GaussianMixtureAlgorithm(),
            AgglomerativeAlgorithm(),
            BirchAlgorithm(),
            DBSCANAlgorithm(),
            HDBSCANAlgorithm(),
            OPTICSAlgorithm(),
            SpectralAlgorithm(),
        ]
    )
