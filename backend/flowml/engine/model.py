"""The trained model as one picklable object: plan + problem type + classes + fitted scikit-learn pipeline.

FlowMLModel is what `package.save_package` writes and what inference loads. It takes raw frames (as read from a
user's CSV) and applies the same `prepare_X` as training did; whatever it cannot encode faithfully (a missing column,
a category never seen in training) it encodes as "missing"/"unknown" and reports, never silently as something else.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from flowml.engine.features import VOCABULARY_KINDS
from flowml.engine.preprocessing import build_preprocessor, n_categorical, prepare_X
from flowml.engine.preprocessor import build_steps, split_params
from flowml.engine.problem import encode_target
from flowml.engine.registry import Algorithm, FitContext
from flowml.engine.types import FeaturePlan, ProblemType

MAX_REPORTED_UNSEEN = 10  # unseen values listed per column in a warning
# Above this many training categories a column's full vocabulary is not kept (it would bloat the pickle);
# unseen values in such a column are still encoded as unknown, just not reported.
MAX_TRACKED_CATEGORIES = 100_000


def build_pipeline(
    plan: FeaturePlan,
    algorithm: Algorithm,
    params: Mapping[str, Any],
    task: ProblemType,
    *,
    seed: int,
    n_jobs: int,
    deadline: float | None = None,
    cancel_path: str | None = None,
    float32: bool = False,
) -> Pipeline:
    """An unfitted preprocessor + estimator; fit it on `prepare_X` output (one fold's rows, or all rows).

    The estimator is built with a FitContext: `n_categorical` leading code columns for a `native_categorical`
    algorithm, and the `deadline`/`cancel_path` a cooperative fit checks between boosting rounds. `float32` casts the
    encoded matrix (memory.ShrinkPlan.use_float32): half the bytes, and tree ensembles work in float32 anyway.
    Preprocessors named in `params` (engine/preprocessor.py) run on the encoded matrix, just before the estimator.
    """
    algorithm_params, chosen_steps = split_params(params)
    # A step may mix or reorder columns (PCA does): after one, no column is a category code any more.
    codes = 0 if chosen_steps else n_categorical(plan, algorithm)
    context = FitContext(n_categorical=codes, deadline=deadline, cancel_path=cancel_path)
    estimator = algorithm.build_for(algorithm_params, task, seed=seed, n_jobs=n_jobs, context=context)
    steps: list[tuple[str, Any]] = [("preprocess", build_preprocessor(plan, algorithm, task, seed=seed))]
    if float32:
        steps.append(("float32", FunctionTransformer(as_float32, feature_names_out="one-to-one")))
    steps += build_steps(chosen_steps, seed=seed)
    return Pipeline([*steps, ("model", estimator)])


def as_float32(X: np.ndarray) -> np.ndarray:
    """The encoded matrix as float32 (module-level so a fitted pipeline pickles)."""
    return np.asarray(X, dtype=np.float32)


class FlowMLModel:
    """A fitted model that predicts original labels from raw frames. Stateless after construction: thread safe."""

    def __init__(
        self,
        plan: FeaturePlan,
        problem_type: ProblemType,
        pipeline: Pipeline,
        classes: list[Any] | None,
        known_categories: Mapping[str, frozenset[str] | None],
    ) -> None:
        self.plan = plan
        self.problem_type = problem_type
        self.pipeline = pipeline
        self.classes = classes
        self.known_categories = dict(known_categories)

    @classmethod
    def train(
        cls,
        df: pd.DataFrame,
        plan: FeaturePlan,
        problem_type: ProblemType,
        algorithm: Algorithm,
        params: Mapping[str, Any],
        *,
        seed: int,
        n_jobs: int = 1,
    ) -> FlowMLModel:
        """Fit on every row of `df` whose target is present (the caller validated the target); for clustering, on
        every row, and `classes` are the cluster ids 0..k-1 (what `predict` returns)."""
        pipeline = build_pipeline(plan, algorithm, params, problem_type, seed=seed, n_jobs=n_jobs)
        if problem_type is ProblemType.CLUSTERING:
            X, _ = prepare_X(df, plan)
            pipeline.fit(X)
            clusters: list[Any] = list(range(int(pipeline[-1].n_clusters_)))
            return cls(plan, problem_type, pipeline, clusters, _known_categories(X, plan))
        labelled = df[df[plan.target].notna()]
        X, _ = prepare_X(labelled, plan)
        y, classes = encode_target(labelled[plan.target], problem_type)
        pipeline.fit(X, y)
        return cls(plan, problem_type, pipeline, classes, _known_categories(X, plan))

    @property
    def is_classifier(self) -> bool:
        return self.problem_type.is_classification

    @property
    def has_probabilities(self) -> bool:
        """Whether `predict_proba` answers: a classifier's class probabilities, or a mixture model's cluster
        memberships (engine/clustering/model.py `ClusterModel.probabilistic`); never for regression."""
        if self.problem_type is ProblemType.CLUSTERING:
            return bool(getattr(self.pipeline[-1], "probabilistic", False))
        return self.is_classifier

    def prepare(self, df: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
        """The frame the pipeline expects, and warnings: missing columns, unreadable and unseen values."""
        X, warnings = prepare_X(df, self.plan)
        for name in self.plan.column_kinds:
            known = self.known_categories.get(name)
            if known is None or name not in df.columns:
                continue
            values = X[name].dropna()
            unseen = values[~values.isin(known)].unique()
            if len(unseen):
                shown = ", ".join(repr(str(v)) for v in unseen[:MAX_REPORTED_UNSEEN])
                more = f" and {len(unseen) - MAX_REPORTED_UNSEEN} more" if len(unseen) > MAX_REPORTED_UNSEEN else ""
                warnings.append(
                    f"column {name!r}: {len(unseen)} value(s) not seen in training, encoded as unknown: {shown}{more}"
                )
        return X, warnings

    def predict(self, df: pd.DataFrame) -> np.ndarray:
        """Predictions for raw rows: original class labels, numbers for regression, cluster ids for clustering."""
        X, _ = self.prepare(df)
        return self.predict_prepared(X)

    def predict_proba(self, df: pd.DataFrame) -> np.ndarray | None:
        """One column per class (or cluster) in `classes` order; None when the model has none (`has_probabilities`)."""
        if not self.has_probabilities:
            return None
        X, _ = self.prepare(df)
        return self.predict_proba_prepared(X)

    def predict_prepared(self, X: pd.DataFrame) -> np.ndarray:
        raw = np.asarray(self.pipeline.predict(X))
        if self.classes is None:
            return raw.astype(np.float64).ravel()
        return np.asarray(self.classes)[raw.astype(np.int64).ravel()]

    def predict_proba_prepared(self, X: pd.DataFrame) -> np.ndarray | None:
        if not self.has_probabilities:
            return None
        return np.asarray(self.pipeline.predict_proba(X), dtype=np.float64)


def _known_categories(X: pd.DataFrame, plan: FeaturePlan) -> dict[str, frozenset[str] | None]:
    known: dict[str, frozenset[str] | None] = {}
    for name, kind in plan.column_kinds.items():
        if kind not in VOCABULARY_KINDS:
            continue
        values = X[name].dropna().unique()
        known[name] = frozenset(str(v) for v in values) if len(values) <= MAX_TRACKED_CATEGORIES else None
    return known
