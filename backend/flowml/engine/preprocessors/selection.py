"""`select_percentile`: keep the encoded columns that score highest against the target, a searched share of them.

The score is univariate: the F-test (linear dependence, fast) or mutual information (any dependence, slower), in
its classification or regression form. Which form follows from the target FlowML hands every pipeline
(engine/problem.py `encode_target`): integer class codes for classification, float64 for regression. At least one
column is always kept, so a table with few columns never leaves the model nothing to learn from.

scikit-learn's SelectPercentile can keep no column at all (one column and a percentile under 100), and skl2onnx's
converter for selectors drops a selection of only the first column; hence a transformer and a converter of our own.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.feature_selection import (
    SelectorMixin,
    f_classif,
    f_regression,
    mutual_info_classif,
    mutual_info_regression,
)
from sklearn.utils.validation import check_is_fitted, validate_data

from flowml.engine.preprocessor import Preprocessor
from flowml.engine.space import CategoricalParam, IntParam, SearchSpace

if TYPE_CHECKING:
    from flowml.engine.onnx import Converter

Score = Literal["f_test", "mutual_info"]


class SelectTopPercentile(SelectorMixin, BaseEstimator):
    """Keeps the `percentile`% best-scoring columns (at least one; ties broken by column order)."""

    def __init__(self, percentile: int = 50, score: Score = "f_test", random_state: int = 0) -> None:
        self.percentile = percentile
        self.score = score
        self.random_state = random_state

    def fit(self, X: Any, y: Any) -> SelectTopPercentile:
        X, y = validate_data(self, X, y, dtype=[np.float64, np.float32])
        y = np.asarray(y)
        classification = np.issubdtype(y.dtype, np.integer) or np.issubdtype(y.dtype, np.bool_)
        scores = np.asarray(self._scores(X, y, classification), dtype=np.float64)
        # A constant column gets NaN from the F-test: it carries no signal, so it ranks last.
        self.scores_ = np.where(np.isfinite(scores), scores, -np.inf)
        n_kept = max(1, math.ceil(X.shape[1] * self.percentile / 100))
        kept = np.argsort(-self.scores_, kind="stable")[:n_kept]
        self.support_ = np.zeros(X.shape[1], dtype=bool)
        self.support_[kept] = True
        return self

    def _scores(self, X: np.ndarray, y: np.ndarray, classification: bool) -> np.ndarray:
        if self.score == "mutual_info":
            if classification:
                return mutual_info_classif(X, y, random_state=self.random_state)
            return mutual_info_regression(X, y, random_state=self.random_state)
        with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
            # A column constant in this fold (a rare category's one-hot) is ranked last in `fit`; no need to warn.
            warnings.filterwarnings("ignore", message="Features .* are constant", category=UserWarning)
            return (f_classif(X, y) if classification else f_regression(X, y))[0]

    def _get_support_mask(self) -> np.ndarray:
        check_is_fitted(self, "support_")
        return self.support_


class SelectPercentilePreprocessor(Preprocessor):
    name = "select_percentile"
    label = "Feature selection (top percentile)"

    def space(self) -> SearchSpace:
        return SearchSpace(
            params={
                "percentile": IntParam(low=10, high=90, step=10, help="Share of the encoded columns kept, in percent"),
                "score": CategoricalParam(
                    choices=["f_test", "mutual_info"],
                    help="F-test (linear dependence, fast) or mutual information (any dependence, slower)",
                ),
            }
        )

    def default_params(self) -> dict[str, Any]:
        return {"percentile": 50, "score": "f_test"}

    def build(self, params: Mapping[str, Any], *, seed: int) -> Any:
        return SelectTopPercentile(percentile=int(params["percentile"]), score=params["score"], random_state=seed)

    def onnx_converters(self) -> Sequence[Converter]:
        from flowml.engine.onnx import Converter

        return (Converter(SelectTopPercentile, "FlowMLSelectTopPercentile", selection_shape, selection_convert),)


def selection_shape(operator: Any) -> None:
    """skl2onnx shape calculator: the same rows, the kept columns."""
    source = operator.inputs[0].type
    kept = int(operator.raw_operator.get_support().sum())
    operator.outputs[0].type = source.__class__([source.shape[0], kept])


def selection_convert(scope: Any, operator: Any, container: Any) -> None:
    """skl2onnx converter: Gather the kept columns (axis 1)."""
    from onnx import TensorProto

    kept = np.asarray(operator.raw_operator.get_support(indices=True), dtype=np.int64)
    indices = scope.get_unique_variable_name("kept_columns")
    container.add_initializer(indices, TensorProto.INT64, [len(kept)], kept.tolist())
    container.add_node(
        "Gather",
        [operator.inputs[0].full_name, indices],
        operator.outputs[0].full_name,
        axis=1,
        name=scope.get_unique_operator_name("SelectTopPercentile"),
    )
