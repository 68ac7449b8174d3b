"""Turn raw columns into the float matrix an estimator sees, the same way in training and at prediction time.

Two steps on purpose:
- `prepare_X` is stateless: it selects the plan's columns and casts each to one dtype per kind. It runs before
  training and before every prediction, so a CSV read at prediction time encodes exactly like the training Parquet.
- `build_preprocessor` returns an unfitted ColumnTransformer that is fitted inside each cross-validation fold
  (medians, vocabularies, target encodings and text vocabularies come from the training fold only; fitting on all
  rows first would leak the test fold).

How each kind becomes numbers:
- numeric: median imputation plus a missing indicator;
- datetime: year, month, day, weekday, hour, day of year and weekend, plus a missing flag (DatetimeFeatures);
- text: TF-IDF of word unigrams and bigrams reduced to a fixed number of dense columns (TextFeatures);
- categorical and boolean, for an algorithm with `native_categorical`: integer codes in the FIRST columns
  (CategoryCodes; `n_categorical` says how many); otherwise one-hot up to MAX_ONEHOT_CATEGORIES categories and
  target encoding above that (scikit-learn's TargetEncoder, cross-fitted within the training fold).
Algorithms with `needs_scaling` get every non-code column standardized.

Clustering has no target to encode with: every categorical column is one-hot, its rarer values grouped into one
"infrequent" column beyond MAX_ONEHOT_CATEGORIES, and numeric, datetime and text columns are always standardized
(distances between unscaled columns mean nothing, whatever the algorithm declares). One-hot columns stay 0/1:
standardizing them would blow a rare category up to a large value and let it dominate every distance.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.impute import SimpleImputer
from sklearn.model_selection import KFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler, TargetEncoder

from flowml.engine.features import CATEGORICAL_KINDS, TEXT_KIND, VOCABULARY_KINDS, to_category_strings
from flowml.engine.registry import Algorithm
from flowml.engine.types import FeaturePlan, ProblemType

MAX_ONEHOT_CATEGORIES = 20  # above this a column is target-encoded: one-hot would add a column per value
MIN_CATEGORY_ROWS = 5  # rarer categories share one "infrequent" one-hot column instead of one each
MISSING_CATEGORY = "__missing__"  # a missing category is a category of its own (missingness often carries signal)
TARGET_ENCODER_FOLDS = 5  # cross-fitting folds inside the training fold (scikit-learn's default)
UNKNOWN_CODE = -1  # native code of a missing value or of a value not seen in training
# Native codes kept per column, most frequent first; rarer categories share one "other" code. Histogram boosting
# (LightGBM, XGBoost) slows down and overfits with thousands of category bins.
MAX_NATIVE_CATEGORIES = 255
# Beyond this many rare categories they are not stored (pickle size); then unseen values also get "other".
MAX_TRACKED_RARE = 100_000
TEXT_MAX_FEATURES = 256  # most frequent unigrams and bigrams per text column (in the training fold)
TEXT_COMPONENTS = 20  # dense columns per text column after truncated SVD
TEXT_MAX_FIT_ROWS = 20_000  # the vocabulary and SVD are fitted on a sample of at most this many rows
DATETIME_PARTS = ("year", "month", "day", "weekday", "hour", "dayofyear", "weekend")
_TARGET_TYPES = {
    ProblemType.BINARY: "binary",
    ProblemType.MULTICLASS: "multiclass",
    ProblemType.REGRESSION: "continuous",
}


def prepare_X(df: pd.DataFrame, plan: FeaturePlan) -> tuple[pd.DataFrame, list[str]]:
    """The plan's columns, in plan order, cast to one dtype per kind; extra columns are dropped.

    Returns warnings for the user: missing columns (filled with missing values) and values that could not be read
    as the column's kind (treated as missing). Never raises for content: the model decides what missing means.
    """
    warnings: list[str] = []
    columns: dict[str, pd.Series] = {}
    for name, kind in plan.column_kinds.items():
        if name not in df.columns:
            warnings.append(f"missing column {name!r}: treated as missing values")
            raw = pd.Series(np.nan, index=df.index, dtype=object)
        else:
            raw = df[name]
        columns[name] = _cast(raw, kind, name, warnings)
    return pd.DataFrame(columns, index=df.index), warnings


def _cast(raw: pd.Series, kind: str, name: str, warnings: list[str]) -> pd.Series:
    if kind in CATEGORICAL_KINDS:
        return to_category_strings(raw)
    if kind == "numeric":
        if pd.api.types.is_bool_dtype(raw):
            raw = raw.astype(np.float64)
        out = pd.to_numeric(raw, errors="coerce").astype(np.float64)
    elif kind == "datetime":
        out = _to_naive_datetime(raw)
    else:
        raise ValueError(f"column {name!r} has kind {kind!r}, which a model cannot use")
    unreadable = int((out.isna() & raw.notna()).sum())
    if unreadable:
        warnings.append(f"column {name!r}: {unreadable} value(s) are not valid {kind} values, treated as missing")
    return out


def _to_naive_datetime(raw: pd.Series) -> pd.Series:
    # Mixed offsets only parse as UTC; features are computed on UTC wall time, the same in training and predicting.
    out = pd.to_datetime(raw, errors="coerce", utc=True, format="mixed") if not _is_datetime(raw) else raw
    if getattr(out.dt, "tz", None) is not None:
        out = out.dt.tz_convert("UTC").dt.tz_localize(None)
    return out.astype("datetime64[ns]")


def _is_datetime(raw: pd.Series) -> bool:
    return pd.api.types.is_datetime64_any_dtype(raw)


def categorical_columns(plan: FeaturePlan) -> list[str]:
    """The categorical and boolean columns in plan order: the first output columns in the native layout."""
    return [name for name, kind in plan.column_kinds.items() if kind in VOCABULARY_KINDS]


def n_categorical(plan: FeaturePlan, algorithm: Algorithm) -> int:
    """How many leading output columns are category codes for `algorithm` (0 unless it is `native_categorical`)."""
    return len(categorical_columns(plan)) if algorithm.native_categorical else 0


def build_preprocessor(
    plan: FeaturePlan, algorithm: Algorithm, task: ProblemType, *, seed: int = 0
) -> ColumnTransformer:
    """An unfitted transformer from `prepare_X`'s frame to a dense float64 matrix, shaped for `algorithm`.

    With `algorithm.native_categorical` the first `n_categorical(plan, algorithm)` columns are the category codes of
    `categorical_columns(plan)`, in that order. `task` picks the target encoding; `seed` fixes its cross-fitting
    folds and the text SVD. CLUSTERING has no target: no target encoding, always scaled (see the module).
    """
    scale = algorithm.needs_scaling or not task.is_supervised
    kinds = plan.column_kinds
    categorical = categorical_columns(plan)
    native = algorithm.native_categorical
    transformers: list[tuple[str, Any, list[str]]] = []
    if categorical and native:
        transformers.append(("categories", CategoryCodes(), categorical))
    if numeric := [c for c, k in kinds.items() if k == "numeric"]:
        transformers.append(("numeric", _numeric_steps(scale, indicator=True), numeric))
    if dates := [c for c, k in kinds.items() if k == "datetime"]:
        parts = Pipeline([("parts", DatetimeFeatures()), *_numeric_steps(scale, indicator=False).steps])
        transformers.append(("datetime", parts, dates))
    if texts := [c for c, k in kinds.items() if k == TEXT_KIND]:
        transformers.append(("text", _scaled(TextFeatures(seed=seed), scale), texts))
    if categorical and not native:
        # Without a target (clustering) the one-hot encoder's grouping of infrequent values stands in for it.
        many = [
            c for c in categorical if task.is_supervised and len(plan.categories.get(c, [])) > MAX_ONEHOT_CATEGORIES
        ]
        few = [c for c in categorical if c not in many]
        if few:
            transformers.append(("onehot", _onehot_steps(), few))
        if many:
            transformers.append(("target", _scaled(_target_encoder(task, seed), scale), many))
    return ColumnTransformer(transformers, remainder="drop", sparse_threshold=0.0, verbose_feature_names_out=True)


def _scaled(step: Any, scale: bool) -> Pipeline:
    return Pipeline([("encode", step), ("scale", StandardScaler())] if scale else [("encode", step)])


def _numeric_steps(scale: bool, *, indicator: bool) -> Pipeline:
    # The indicator keeps "this was missing" visible after imputation; empty features are kept (as 0) so a fold
    # whose training rows all miss a column still yields the same columns.
    steps: list[tuple[str, Any]] = [
        ("impute", SimpleImputer(strategy="median", add_indicator=indicator, keep_empty_features=True))
    ]
    if scale:
        steps.append(("scale", StandardScaler()))
    return Pipeline(steps)


def _onehot_steps() -> Pipeline:
    # handle_unknown="ignore": a value never seen in training becomes the all-zero row, never another category.
    encoder = OneHotEncoder(
        handle_unknown="ignore",
        min_frequency=MIN_CATEGORY_ROWS,
        max_categories=MAX_ONEHOT_CATEGORIES,
        sparse_output=False,
        dtype=np.float64,
    )
    imputer = SimpleImputer(strategy="constant", fill_value=MISSING_CATEGORY, keep_empty_features=True)
    return Pipeline([("impute", imputer), ("encode", encoder)])


def _target_encoder(task: ProblemType, seed: int) -> TargetEncoder:
    # fit_transform (what Pipeline.fit calls) encodes each training row with statistics of the other internal folds,
    # so the model never sees its own row's target; transform (validation rows, predictions) uses every training
    # row. Missing is a category of its own; an unseen category gets the training target mean (per class for
    # multiclass, one column per class). target_type is explicit: an integer regression target is not "multiclass".
    folds = KFold(n_splits=TARGET_ENCODER_FOLDS, shuffle=True, random_state=seed)
    return TargetEncoder(target_type=_TARGET_TYPES[task], cv=folds)


def _record_input(transformer: BaseEstimator, X: pd.DataFrame) -> None:
    transformer.feature_names_in_ = np.asarray([str(c) for c in X.columns], dtype=object)
    transformer.n_features_in_ = len(transformer.feature_names_in_)


class DatetimeFeatures(TransformerMixin, BaseEstimator):
    """Splits each datetime column into DATETIME_PARTS (NaN where the date is missing).

    A `<column>_missing` flag (1.0/0.0) follows the parts of each column that had missing values when fitted, like
    SimpleImputer's indicator but one per column rather than one per part. Module-level so fitted pipelines pickle.
    """

    def fit(self, X: pd.DataFrame, y: Any = None) -> DatetimeFeatures:
        _record_input(self, X)
        self.flagged_ = [bool(X[column].isna().any()) for column in X.columns]
        return self

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        parts: list[np.ndarray] = []
        for column, flagged in zip(X.columns, self.flagged_, strict=True):
            values = pd.DatetimeIndex(_to_naive_datetime(X[column]))
            weekday = np.asarray(values.day_of_week, dtype=np.float64)
            weekend = np.where(np.isnan(weekday), np.nan, (weekday >= 5).astype(np.float64))
            for part in (values.year, values.month, values.day, weekday, values.hour, values.day_of_year, weekend):
                parts.append(np.asarray(part, dtype=np.float64))
            if flagged:
                parts.append(np.asarray(values.isna(), dtype=np.float64))
        return np.column_stack(parts) if parts else np.empty((len(X), 0))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        names: list[str] = []
        for column, flagged in zip(self.feature_names_in_, self.flagged_, strict=True):
            names += [f"{column}_{part}" for part in DATETIME_PARTS] + ([f"{column}_missing"] if flagged else [])
        return np.asarray(names, dtype=object)


class CategoryCodes(TransformerMixin, BaseEstimator):
    """Category codes for estimators with native categorical support: 0..k-1 per column, as float64.

    Code 0 is the most frequent training category. Beyond `max_categories` the rarer training categories share one
    more code ("other"). Missing values and values never seen in training are UNKNOWN_CODE (-1), never another
    category's code (unless a column had more than MAX_TRACKED_RARE rare categories: then unseen ones are "other").
    """

    def __init__(self, max_categories: int = MAX_NATIVE_CATEGORIES) -> None:
        self.max_categories = max_categories

    def fit(self, X: pd.DataFrame, y: Any = None) -> CategoryCodes:
        _record_input(self, X)
        self.categories_: list[pd.Index] = []
        self.has_other_: list[bool] = []
        self.rare_: list[pd.Index | None] = []  # None: no rare categories, or too many to keep (all others rare)
        for column in X.columns:
            counts = X[column].value_counts(dropna=True)  # most frequent first
            seen = pd.Index(counts.index.astype(object), dtype=object)
            rare = seen[self.max_categories :]
            self.categories_.append(seen[: self.max_categories])
            self.has_other_.append(len(rare) > 0)
            self.rare_.append(rare if 0 < len(rare) <= MAX_TRACKED_RARE else None)
        return self

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        codes = [self._codes(j, X[column].to_numpy(dtype=object)) for j, column in enumerate(X.columns)]
        return np.column_stack(codes) if codes else np.empty((len(X), 0))

    def _codes(self, j: int, values: np.ndarray) -> np.ndarray:
        categories, rare = self.categories_[j], self.rare_[j]
        codes = categories.get_indexer(pd.Index(values)).astype(np.float64)  # -1 where not among the kept categories
        if self.has_other_[j]:
            other = (codes == UNKNOWN_CODE) & pd.notna(values)
            if rare is not None:
                other &= rare.get_indexer(pd.Index(values)) >= 0
            codes[other] = len(categories)
        return codes

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.asarray(self.feature_names_in_, dtype=object)


class TextFeatures(TransformerMixin, BaseEstimator):
    """Each short-text column as `n_components` dense numbers; missing text is the empty text.

    TF-IDF over the `max_features` most frequent word unigrams and bigrams of the training rows (at most
    `max_fit_rows` of them, sampled with `seed`), reduced by truncated SVD. A column with a smaller vocabulary
    keeps its TF-IDF columns, zero-padded: the width is always `n_components` per column, whatever the fold.
    """

    def __init__(
        self,
        max_features: int = TEXT_MAX_FEATURES,
        n_components: int = TEXT_COMPONENTS,
        max_fit_rows: int = TEXT_MAX_FIT_ROWS,
        seed: int = 0,
    ) -> None:
        self.max_features = max_features
        self.n_components = n_components
        self.max_fit_rows = max_fit_rows
        self.seed = seed

    def fit(self, X: pd.DataFrame, y: Any = None) -> TextFeatures:
        self._fit(X)
        return self

    def fit_transform(self, X: pd.DataFrame, y: Any = None, **fit_params: Any) -> np.ndarray:
        # Tokenizing is most of the cost: reuse the fit rows' TF-IDF unless the fit used a sample.
        tfidf = self._fit(X)
        return self.transform(X) if len(X) > self.max_fit_rows else self._embed(tfidf, len(X))

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        tfidf = [
            vectorizer.transform(_documents(X[column])) if vectorizer is not None else None
            for column, (vectorizer, _) in zip(X.columns, self.models_, strict=True)
        ]
        return self._embed(tfidf, len(X))

    def _fit(self, X: pd.DataFrame) -> list[Any]:
        """Fit each column's vectorizer and SVD; returns the TF-IDF matrices of the rows fitted on."""
        _record_input(self, X)
        rows = X
        if len(X) > self.max_fit_rows:
            picked = np.random.default_rng(self.seed).choice(len(X), size=self.max_fit_rows, replace=False)
            rows = X.iloc[np.sort(picked)]
        self.models_: list[tuple[TfidfVectorizer | None, TruncatedSVD | None]] = []
        matrices: list[Any] = []
        for column in X.columns:
            vectorizer = TfidfVectorizer(
                ngram_range=(1, 2), max_features=self.max_features, sublinear_tf=True, dtype=np.float64
            )
            try:
                tfidf = vectorizer.fit_transform(_documents(rows[column]))
            except ValueError:  # "empty vocabulary": no word in any training row; the column then adds zeros
                self.models_.append((None, None))
                matrices.append(None)
                continue
            svd = None
            if min(tfidf.shape) > self.n_components:  # else the TF-IDF columns themselves fit in the width
                # ARPACK: exact, and faster than the randomized solver at these sizes; seeded start vector.
                svd = TruncatedSVD(n_components=self.n_components, algorithm="arpack", random_state=self.seed)
                svd.fit(tfidf)
            self.models_.append((vectorizer, svd))
            matrices.append(tfidf)
        return matrices

    def _embed(self, matrices: list[Any], n_rows: int) -> np.ndarray:
        width = self.n_components
        out = np.zeros((n_rows, width * len(matrices)))
        for j, (tfidf, (_, svd)) in enumerate(zip(matrices, self.models_, strict=True)):
            if tfidf is None:
                continue
            dense = svd.transform(tfidf) if svd is not None else tfidf[:, :width].toarray()
            out[:, j * width : j * width + dense.shape[1]] = dense
        return out

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        names = [f"{column}_text{i}" for column in self.feature_names_in_ for i in range(self.n_components)]
        return np.asarray(names, dtype=object)


def _documents(series: pd.Series) -> list[str]:
    return [value if isinstance(value, str) else "" for value in series.to_numpy(dtype=object)]
