"""The Preprocessing node's transformer: fitted on the training rows only, then applied to any rows.

It turns a typed table into an all-numeric one with the same target, using the engine's pieces (the feature plan,
`prepare_X`'s casts, the date and text encoders) with the node's choices in place of "what the algorithm wants":
a standalone node does not know which model comes next, so `auto` scaling standardizes and `auto` encoding is
one-hot up to MAX_ONEHOT_CATEGORIES values and target encoding above (what a training job does for a model
without native categories).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.model_selection import KFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import (
    MinMaxScaler,
    OneHotEncoder,
    OrdinalEncoder,
    RobustScaler,
    StandardScaler,
    TargetEncoder,
)

from flowml.core.errors import InvalidInputError
from flowml.engine.features import TEXT_KIND, VOCABULARY_KINDS, plan_features
from flowml.engine.preprocessing import (
    MAX_ONEHOT_CATEGORIES,
    MIN_CATEGORY_ROWS,
    MISSING_CATEGORY,
    TARGET_ENCODER_FOLDS,
    DatetimeFeatures,
    TextFeatures,
    prepare_X,
)
from flowml.engine.preprocessor import build_steps, default_preprocessors
from flowml.engine.problem import encode_target
from flowml.engine.types import FeaturePlan, ProblemType
from flowml.workflows.catalogue import PreprocessingSettings

_SCALERS: dict[str, type[TransformerMixin]] = {
    "auto": StandardScaler,
    "standard": StandardScaler,
    "minmax": MinMaxScaler,
    "robust": RobustScaler,
}
_TARGET_TYPES = {
    ProblemType.BINARY: "binary",
    ProblemType.MULTICLASS: "multiclass",
    ProblemType.REGRESSION: "continuous",
}


@dataclass
class FittedPreprocessing:
    """The plan (which columns, as which kind) and the transformer fitted on the training rows."""

    plan: FeaturePlan
    transformer: Pipeline
    problem: ProblemType

    def transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The rows as numbers (one column per output feature), the target column carried over unchanged."""
        X, _ = prepare_X(frame, self.plan)
        values = np.asarray(self.transformer.transform(X), dtype=np.float64)
        return self._frame(values, frame)

    def _frame(self, values: np.ndarray, frame: pd.DataFrame) -> pd.DataFrame:
        out = pd.DataFrame(values, columns=self.feature_names(values.shape[1]), index=frame.index)
        if self.plan.target is not None:
            out[self.plan.target] = frame[self.plan.target].to_numpy()
        return out

    def feature_names(self, width: int) -> list[str]:
        try:
            names = [str(n) for n in self.transformer.get_feature_names_out()]
        except (AttributeError, ValueError):  # a plugin step without feature names
            names = []
        return names if len(names) == width else [f"x{i}" for i in range(width)]


def fit_preprocessing(
    train: pd.DataFrame,
    target: str | None,
    kinds: Mapping[str, str],
    problem: ProblemType,
    settings: PreprocessingSettings,
    *,
    seed: int,
) -> tuple[FittedPreprocessing, pd.DataFrame]:
    """Fit on `train` only; returns the fitted preprocessing and `train` transformed."""
    kept = _kept_columns(list(train.columns), target, settings)
    frame = train[kept]
    plan = plan_features(frame, target, {c: kinds[c] for c in kept if c != target})
    plan = _without_kinds(plan, settings)
    transformer = Pipeline(
        [
            ("encode", _column_transformer(plan, problem, settings, seed)),
            *build_steps([(step.name, _step_params(step.name, step.params)) for step in settings.steps], seed=seed),
        ]
    )
    X, _ = prepare_X(frame, plan)
    if target is not None and problem.is_supervised:
        y, _ = encode_target(frame[target], problem)
        values = transformer.fit_transform(X, y)
    else:
        values = transformer.fit_transform(X)
    fitted = FittedPreprocessing(plan, transformer, problem)
    return fitted, fitted._frame(np.asarray(values, dtype=np.float64), frame)


def _kept_columns(columns: list[str], target: str | None, settings: PreprocessingSettings) -> list[str]:
    keep = set(settings.columns) if settings.columns is not None else set(columns)
    dropped = set(settings.drop)
    return [c for c in columns if (c in keep or c == target) and c not in dropped]


def _without_kinds(plan: FeaturePlan, settings: PreprocessingSettings) -> FeaturePlan:
    """The plan less the date and text columns the node was told to leave out."""
    left_out = ({"datetime"} if not settings.date_parts else set()) | ({TEXT_KIND} if not settings.text else set())
    if not left_out:
        return plan
    kinds = {c: k for c, k in plan.column_kinds.items() if k not in left_out}
    if not kinds:
        raise InvalidInputError("no columns are left once dates and text are left out")
    dropped = {**plan.dropped, **{c: f"{k} columns left out" for c, k in plan.column_kinds.items() if k in left_out}}
    return plan.model_copy(update={"column_kinds": kinds, "dropped": dropped})


def _column_transformer(
    plan: FeaturePlan, problem: ProblemType, settings: PreprocessingSettings, seed: int
) -> ColumnTransformer:
    kinds = plan.column_kinds
    transformers: list[tuple[str, Any, list[str]]] = []
    strategy = "median" if settings.imputation == "auto" else settings.imputation
    if numeric := [c for c, k in kinds.items() if k == "numeric"]:
        imputer = SimpleImputer(
            strategy=strategy, add_indicator=settings.imputation == "auto", keep_empty_features=True
        )
        transformers.append(("numeric", _scaled([("impute", imputer)], settings), numeric))
    if dates := [c for c, k in kinds.items() if k == "datetime"]:
        parts = [("parts", DatetimeFeatures()), ("impute", SimpleImputer(strategy=strategy, keep_empty_features=True))]
        transformers.append(("datetime", _scaled(parts, settings), dates))
    if texts := [c for c, k in kinds.items() if k == TEXT_KIND]:
        transformers.append(("text", _scaled([("encode", TextFeatures(seed=seed))], settings), texts))
    categorical = [c for c, k in kinds.items() if k in VOCABULARY_KINDS]
    encoding = settings.encoding
    if encoding == "target" and not problem.is_supervised:
        raise InvalidInputError("target encoding needs a target; choose one-hot or ordinal encoding for clustering")
    if encoding == "auto":
        many = [
            c for c in categorical if problem.is_supervised and len(plan.categories.get(c, [])) > MAX_ONEHOT_CATEGORIES
        ]
        groups = {"onehot": [c for c in categorical if c not in many], "target": many}
    else:
        groups = {encoding: categorical}
    for name, columns in groups.items():
        if columns:
            transformers.append((name, _encoder(name, problem, seed), columns))
    return ColumnTransformer(transformers, remainder="drop", sparse_threshold=0.0, verbose_feature_names_out=True)


def _scaled(steps: list[tuple[str, Any]], settings: PreprocessingSettings) -> Pipeline:
    scaler = _SCALERS.get(settings.scaling)
    return Pipeline([*steps, ("scale", scaler())] if scaler is not None else steps)


def _encoder(encoding: str, problem: ProblemType, seed: int) -> Pipeline:
    # A missing category is a category of its own, as in a training job.
    impute = ("impute", SimpleImputer(strategy="constant", fill_value=MISSING_CATEGORY, keep_empty_features=True))
    if encoding == "onehot":
        encoder: Any = OneHotEncoder(
            handle_unknown="ignore",
            min_frequency=MIN_CATEGORY_ROWS,
            max_categories=MAX_ONEHOT_CATEGORIES,
            sparse_output=False,
            dtype=np.float64,
        )
    elif encoding == "ordinal":
        # A value never seen in training is -1, never another category's code.
        encoder = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1, dtype=np.float64)
    else:
        folds = KFold(n_splits=TARGET_ENCODER_FOLDS, shuffle=True, random_state=seed)
        encoder = TargetEncoder(target_type=_TARGET_TYPES[problem], cv=folds)
    return Pipeline([impute, ("encode", encoder)])


def _step_params(name: str, params: dict[str, Any] | None) -> dict[str, Any]:
    """A step's parameters laid over its defaults, as the settings promise: `{"variance": 0.9}` alone is a PCA."""
    return {**default_preprocessors().get(name).default_params(), **(params or {})}
