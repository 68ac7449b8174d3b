"""Why a model predicted what it did for one row: SHAP contributions per ORIGINAL input column.

Two ways to compute them, picked once per model by `Explainer`:
- tree: SHAP's TreeExplainer on the fitted estimator (forests, decision trees, gradient boosting, histogram boosting,
  LightGBM, XGBoost, CatBoost). Exact and fast (milliseconds per row), in the space the trees add up in:
  probability for forests and single trees, log-odds (binary) or the class's softmax margin (multiclass) for
  boosting, the predicted value for regression. The encoded features' values are summed back to the column they
  came from (a one-hot block, a missing-value flag, date parts, text components: `source_columns`). Every result
  is checked against the model's own output on the same rows; an explanation that does not add up to it is not
  returned, the sampled explainer is used instead.
- sampled: permutation-sampling SHAP over the original columns (`permutation_shap`, the estimator of SHAP's
  PermutationExplainer), with a small background sample of training rows standing in for "column unknown". Works for
  any model (linear, SVM, k-NN, MLP, naive Bayes, AdaBoost) and always adds up exactly (each permutation's sum
  telescopes), on the probability scale for classifiers.

Models whose pipeline runs preprocessors (engine/preprocessor.py: PCA, feature selection, a plugin's step) use the
sampled explainer too: a step may mix, drop or reorder the encoded columns (PCA's components each mix all of
them), so the trees' features are no longer any one input's and their SHAP values cannot be summed back to the
columns. The sampled explainer works on the inputs themselves and is exact in sum whatever the pipeline does.

Ensembles use the sampled explainer on the ensemble's own probabilities. Combining the members' tree SHAP values by
their weights would be exact only if every member explained on the same scale, and they do not: a blend of a forest
(probability) and a booster (log-odds) averages probabilities, and log-odds do not average to the blend's output.

Classifiers explain one class per row: the positive class (the second of `classes`) for binary models, the predicted
class for multiclass ones. `base_value + sum(contributions) == output_value`, the model's output for that class on
`output_scale`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import numpy as np
import pandas as pd

from flowml.core.errors import InvalidInputError
from flowml.engine.ensemble import EnsembleModel
from flowml.engine.model import FlowMLModel
from flowml.engine.preprocessor import pipeline_steps

OutputScale = Literal["probability", "log_odds", "margin", "value"]
Method = Literal["tree", "sampled"]

TOP_COLUMNS = 10  # contributions listed one by one; the rest are summed into OTHER_COLUMNS
OTHER_COLUMNS = "other columns"
BACKGROUND_ROWS = 50  # training rows standing in for "this column unknown" in the sampled explainer
# Permutations per row for the sampled explainer: more for a single row (an analyst reading one answer), one
# antithetic pair (forward and backward) for a batch, which is exact in sum and unbiased per column.
PERMUTATIONS_ONE_ROW = 5
PERMUTATIONS_BATCH = 1
SMALL_REQUEST_ROWS = 10  # up to this many rows get the one-row treatment
MAX_EVALUATED_ROWS = 50_000  # rows per model call in the sampled explainer (memory: a frame of this many rows)
# Tree SHAP must reproduce the model's output to this tolerance (float32 boosters round at ~1e-7 relative).
ADDITIVITY_RTOL = 1e-3
ADDITIVITY_ATOL = 1e-4


@dataclass(frozen=True)
class Contribution:
    """One input column's share of the output: its value in the row as sent, and its signed contribution."""

    column: str
    value: Any
    contribution: float


@dataclass(frozen=True)
class Explanation:
    """One row: `base_value` (the output with no column known) plus every contribution is `output_value`."""

    base_value: float
    output_value: float
    output_scale: OutputScale
    explained_class: str | None
    method: Method
    contributions: list[Contribution]  # every input column, largest |contribution| first

    def top(self, k: int = TOP_COLUMNS) -> list[Contribution]:
        """The `k` largest contributions, then one OTHER_COLUMNS entry with the rest's sum when there are more."""
        head = self.contributions[:k]
        rest = self.contributions[k:]
        if not rest:
            return list(head)
        return [*head, Contribution(OTHER_COLUMNS, None, float(sum(c.contribution for c in rest)))]


Progress = Callable[[int], None]  # rows explained so far


class Explainer:
    """Explains rows for one model; build once per model (and background), reuse for every request. Not thread
    safe for the sampled method (SHAP's explainer keeps state): give each thread its own."""

    def __init__(self, model: FlowMLModel, background: pd.DataFrame | None = None, *, seed: int = 0) -> None:
        self.model = model
        self.columns = list(model.plan.features)
        self.seed = seed
        self._tree = None if _sampled_only(model) else _tree_explainer(model)
        self._sources = source_columns(model) if self._tree is not None else None
        self._background = None if background is None else _sample(background, self.columns, seed)

    @property
    def method(self) -> Method:
        return "tree" if self._tree is not None else "sampled"

    @property
    def needs_background(self) -> bool:
        return self._tree is None

    def explain(self, df: pd.DataFrame, progress: Progress | None = None, chunk_rows: int = 200) -> list[Explanation]:
        """One Explanation per row of `df`, in order. `progress` is called after each chunk of rows."""
        out: list[Explanation] = []
        for start in range(0, len(df), chunk_rows):
            part = df.iloc[start : start + chunk_rows]
            out.extend(self._explain_part(part, thorough=len(df) <= SMALL_REQUEST_ROWS))
            if progress is not None:
                progress(len(out))
        return out

    def _explain_part(self, df: pd.DataFrame, *, thorough: bool) -> list[Explanation]:
        X, _ = self.model.prepare(df)
        if self._tree is not None:
            explained = self._tree_values(X)
            if explained is not None:
                return self._rows(df, *explained, method="tree")
            # The trees did not reproduce the model's output (an estimator SHAP reads differently): sample instead.
            self._tree = None
        return self._rows(df, *self._sampled_values(X, thorough=thorough), method="sampled")

    def _tree_values(
        self, X: pd.DataFrame
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, OutputScale, list[str | None]] | None:
        assert self._tree is not None and self._sources is not None
        pipeline = self.model.pipeline
        encoded = pipeline[:-1].transform(X)
        estimator = pipeline.steps[-1][1]
        if hasattr(estimator, "_encode"):  # FlowML's boosters recode category codes before their library sees them
            encoded = estimator._encode(encoded)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            values = np.asarray(self._tree.shap_values(encoded, check_additivity=False), dtype=np.float64)
        base = np.atleast_1d(np.asarray(self._tree.expected_value, dtype=np.float64))
        if values.ndim == 2:
            values = values[:, :, None]
        per_column = np.einsum("nfk,fc->nck", values, _membership(self._sources, self.columns))
        totals = base[None, :] + values.sum(axis=1)  # (rows, outputs)
        picked = self._picked_output(X, values.shape[2])
        scale = self._tree_scale(X, totals, picked)
        if scale is None:
            return None
        rows = np.arange(len(X))
        return base[picked], per_column[rows, :, picked], totals[rows, picked], scale, self._class_names(X, picked)

    def _picked_output(self, X: pd.DataFrame, n_outputs: int) -> np.ndarray:
        """Which output each row explains: the positive class, or the predicted class for multiclass."""
        if n_outputs == 1:
            return np.zeros(len(X), dtype=np.int64)
        if n_outputs == 2 and self.model.problem_type.value == "binary":
            return np.ones(len(X), dtype=np.int64)
        proba = self.model.predict_proba_prepared(X)
        assert proba is not None
        return np.asarray(proba.argmax(axis=1), dtype=np.int64)

    def _tree_scale(self, X: pd.DataFrame, totals: np.ndarray, picked: np.ndarray) -> OutputScale | None:
        """The scale on which the trees' sums equal the model's own output on these rows, or None if on none.

        Log-odds and margins are compared through the sigmoid and softmax, so a confident row (probability 1 - 1e-12,
        log-odds near 28) is compared where the model's output is exact, not through a clipped logarithm."""
        if not self.model.is_classifier:
            return "value" if _all_close(totals[:, 0], self.model.predict_prepared(X)) else None
        proba = self.model.predict_proba_prepared(X)
        assert proba is not None
        if totals.shape[1] == proba.shape[1]:  # one output per class (forests, trees, multiclass boosting)
            if _all_close(totals, proba):
                return "probability"
            margins = np.exp(totals - totals.max(axis=1, keepdims=True))
            if _all_close(margins / margins.sum(axis=1, keepdims=True), proba):
                return "margin"
            return None
        if totals.shape[1] == 1 and proba.shape[1] == 2:  # binary boosting: one output for the positive class
            if _all_close(1.0 / (1.0 + np.exp(-totals[:, 0])), proba[:, 1]):
                return "log_odds"
            if _all_close(totals[:, 0], proba[:, 1]):
                return "probability"
        return None

    def _sampled_values(
        self, X: pd.DataFrame, *, thorough: bool
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, OutputScale, list[str | None]]:
        if self._background is None:
            raise InvalidInputError("explaining this model needs a sample of its training rows, and none was given")
        codebook = _Codebook(self._background, X, self.columns)
        model = self.model
        n_classes = len(model.classes or [])

        def output(codes: np.ndarray) -> np.ndarray:
            frame = codebook.decode(codes)
            if model.is_classifier:
                proba = model.predict_proba_prepared(frame)
                assert proba is not None
                return proba[:, 1:2] if n_classes == 2 else proba
            return model.predict_prepared(frame)[:, None]

        permutations = PERMUTATIONS_ONE_ROW if thorough else PERMUTATIONS_BATCH
        rng = np.random.default_rng(self.seed)
        values, base = permutation_shap(output, codebook.rows, codebook.background, permutations, rng)
        picked = self._picked_output(X, values.shape[2]) if values.shape[2] > 1 else np.zeros(len(X), dtype=np.int64)
        rows = np.arange(len(X))
        totals = base[None, :] + values.sum(axis=1)
        scale: OutputScale = "probability" if model.is_classifier else "value"
        names = self._class_names(X, picked)
        return (
            np.broadcast_to(base, totals.shape)[rows, picked],
            values[rows, :, picked],
            totals[rows, picked],
            scale,
            names,
        )

    def _class_names(self, X: pd.DataFrame, picked: np.ndarray) -> list[str | None]:
        classes = self.model.classes
        if classes is None:
            return [None] * len(X)
        if len(classes) == 2:
            return [str(classes[1])] * len(X)
        return [str(classes[int(k)]) for k in picked]

    def _rows(
        self,
        df: pd.DataFrame,
        base: np.ndarray,
        per_column: np.ndarray,
        totals: np.ndarray,
        scale: OutputScale,
        classes: list[str | None],
        *,
        method: Method,
    ) -> list[Explanation]:
        out: list[Explanation] = []
        for i in range(len(df)):
            contributions = [
                Contribution(name, _plain(df[name].iloc[i]) if name in df.columns else None, float(per_column[i, j]))
                for j, name in enumerate(self.columns)
            ]
            contributions.sort(key=lambda c: -abs(c.contribution))
            out.append(
                Explanation(
                    base_value=float(base[i]),
                    output_value=float(totals[i]),
                    output_scale=scale,
                    explained_class=classes[i],
                    method=method,
                    contributions=contributions,
                )
            )
        return out


def permutation_shap(
    output: Callable[[np.ndarray], np.ndarray],
    rows: np.ndarray,
    background: np.ndarray,
    permutations: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """SHAP values by permutation sampling, as SHAP's PermutationExplainer computes them, in plain numpy.

    For each row and each random column order (and that order reversed: an antithetic pair), the columns are
    switched from the background rows' values to the row's own one at a time; a column's value is the change in
    the output averaged over the background rows, averaged over the orders. Every walk goes from the background
    (the base value) to the row itself, so base + sum(values) equals the row's output exactly.

    `output` maps (n, columns) to (n, outputs). Returns values (rows, columns, outputs) and base (outputs,).
    SHAP's own implementation compiles numba kernels on first use (tens of seconds on a busy server, on every new
    process), which an analyst's first click should not wait for; this one is the same estimator, vectorised per
    row over all steps and background rows in one model call.
    """
    n_rows, n_columns = rows.shape
    n_background = len(background)
    base = np.asarray(output(background), dtype=np.float64).mean(axis=0)
    values = np.zeros((n_rows, n_columns, base.shape[0]))
    if n_columns == 0:
        return values, base
    orders = [rng.permutation(n_columns) for _ in range(permutations)]
    walks = [order for forward in orders for order in (forward, forward[::-1])]
    # Step s of a walk has the first s columns of its order set to the row's values.
    steps = np.zeros((len(walks), n_columns + 1, n_columns), dtype=bool)
    for w, order in enumerate(walks):
        for s in range(1, n_columns + 1):
            steps[w, s] = steps[w, s - 1]
            steps[w, s, order[s - 1]] = True
    masks = steps.reshape(-1, n_columns)  # (walks * (columns + 1), columns)
    per_row = len(masks) * n_background
    group = max(1, MAX_EVALUATED_ROWS // per_row)  # rows explained per model call: few calls, bounded memory
    for start in range(0, n_rows, group):
        part = rows[start : start + group]
        # (rows, masks, background, columns): the row's value where the mask says so, the background's elsewhere.
        mixed = np.where(masks[None, :, None, :], part[:, None, None, :], background[None, None, :, :])
        out = np.asarray(output(mixed.reshape(-1, n_columns)), dtype=np.float64)
        means = out.reshape(len(part), len(walks), n_columns + 1, n_background, -1).mean(axis=3)
        deltas = np.diff(means, axis=2)  # (rows, walks, columns in walk order, outputs)
        for w, order in enumerate(walks):
            values[start : start + len(part), order] += deltas[:, w]
    values /= len(walks)
    return values, base


def _sampled_only(model: FlowMLModel) -> bool:
    """An ensemble, or a pipeline with preprocessors between the encoding and the estimator (see the module doc)."""
    return isinstance(model, EnsembleModel) or bool(pipeline_steps(model.pipeline))


def _tree_explainer(model: FlowMLModel) -> Any | None:
    """SHAP's TreeExplainer for the pipeline's estimator, or None when SHAP cannot read it as trees."""
    import shap  # here, not at the top: seconds to import, paid only by processes that explain a tree model

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return shap.TreeExplainer(model.pipeline.steps[-1][1])
    except Exception:  # SHAP raises many types for "not a tree model"; all of them mean: sample instead
        return None


def source_columns(model: FlowMLModel) -> list[str]:
    """The original column each encoded feature (the preprocessor's output, in order) was made from."""
    preprocessor = model.pipeline.named_steps["preprocess"]
    sources: list[str] = []
    for name, transformer, columns in preprocessor.transformers_:
        if name == "remainder" or transformer == "drop":
            continue
        block = preprocessor.output_indices_[name]
        width = block.stop - block.start
        if width == 0:
            continue
        columns = [str(c) for c in columns]
        if len(columns) == 1:
            sources += columns * width
            continue
        names = [str(n) for n in transformer.get_feature_names_out(columns)]
        if len(names) != width:
            raise ValueError(f"transformer {name!r} names {len(names)} features but outputs {width}")
        sources += [_source_of(feature, columns) for feature in names]
    return sources


def _source_of(feature: str, columns: list[str]) -> str:
    """The column an output feature name comes from: `Age`, `missingindicator_Age`, `OverTime_Yes`, `date_month`,
    `notes_text3`. The longest matching column wins, so `x_y` is not taken for column `x`."""
    if feature.startswith("missingindicator_") and feature.removeprefix("missingindicator_") in columns:
        return feature.removeprefix("missingindicator_")
    if feature in columns:
        return feature
    matches = [c for c in columns if feature.startswith(f"{c}_")]
    if not matches:
        raise ValueError(f"cannot tell which column the feature {feature!r} comes from")
    return max(matches, key=len)


def _membership(sources: list[str], columns: list[str]) -> np.ndarray:
    """(features, columns) 0/1 matrix: summing SHAP values through it gives one value per original column."""
    index = {name: j for j, name in enumerate(columns)}
    matrix = np.zeros((len(sources), len(columns)))
    for f, name in enumerate(sources):
        matrix[f, index[name]] = 1.0
    return matrix


def _all_close(a: np.ndarray, b: np.ndarray) -> bool:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=ADDITIVITY_RTOL, atol=ADDITIVITY_ATOL))


def _sample(background: pd.DataFrame, columns: list[str], seed: int) -> pd.DataFrame:
    present = background.reindex(columns=columns)
    if len(present) > BACKGROUND_ROWS:
        present = present.sample(n=BACKGROUND_ROWS, random_state=seed)
    if present.empty:
        raise InvalidInputError("the background sample for explanations has no rows")
    return present.reset_index(drop=True)


class _Codebook:
    """Rows as per-column integer codes and back. SHAP's maskers only mix numeric arrays, while the model needs the
    raw values (text categories, dates): each column's distinct values among background and explained rows get a
    code, and `decode` rebuilds the frame the model prepares."""

    def __init__(self, background: pd.DataFrame, rows: pd.DataFrame, columns: list[str]) -> None:
        both = pd.concat([background.reindex(columns=columns), rows.reindex(columns=columns)], ignore_index=True)
        self.columns = columns
        self.values: list[np.ndarray] = []
        codes: list[np.ndarray] = []
        for name in columns:
            code, uniques = pd.factorize(both[name].astype(object), use_na_sentinel=False)
            codes.append(code)
            self.values.append(np.asarray(uniques, dtype=object))
        matrix = np.column_stack(codes).astype(np.float64)
        self.background = matrix[: len(background)]
        self.rows = matrix[len(background) :]
        self.dtypes = rows.dtypes.to_dict()

    def decode(self, codes: np.ndarray) -> pd.DataFrame:
        codes = np.asarray(codes).astype(np.int64)
        frame = pd.DataFrame({name: self.values[j][codes[:, j]] for j, name in enumerate(self.columns)})
        for name, dtype in self.dtypes.items():  # prepared frames hold one dtype per kind; restore it
            frame[name] = frame[name].astype(dtype)
        return frame


def _plain(value: Any) -> Any:
    """A cell as a JSON-ready Python value: numpy scalars unwrapped, missing as None, dates as ISO text, and an
    infinite number as text ("inf": JSON has no infinity, and the value is echoed back to the client)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.Timestamp | datetime):
        return value.isoformat()
    if isinstance(value, float):
        return None if math.isnan(value) else (value if math.isfinite(value) else str(value))
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return None
    return value
