"""`quantile_clip`: clip every column of the model's input to the quantiles seen in training.

One wild value can dominate a linear or kernel model; clipping the tails (learned on the training fold only, so no
information leaks from the rows being scored) keeps it in range. FlowML runs it on the encoded numeric matrix, just
before the estimator, in the trials of a job that names it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from flowml.engine.preprocessor import Preprocessor
from flowml.engine.space import FloatParam, SearchSpace


class QuantileClip(TransformerMixin, BaseEstimator):
    """A scikit-learn transformer: learns per-column quantile bounds in `fit`, clips to them in `transform`.

    Module-level (not nested in a function) so a fitted model that contains it can be pickled and loaded again.
    """

    def __init__(self, quantile: float = 0.01) -> None:
        self.quantile = quantile

    def fit(self, X: Any, y: Any = None) -> QuantileClip:
        values = np.asarray(X, dtype=np.float64)
        self.low_ = np.nanquantile(values, self.quantile, axis=0)
        self.high_ = np.nanquantile(values, 1.0 - self.quantile, axis=0)
        self.n_features_in_ = values.shape[1]
        return self

    def transform(self, X: Any) -> np.ndarray:
        values = np.asarray(X, dtype=np.float64)
        if values.shape[1] != self.n_features_in_:
            raise ValueError(f"expected {self.n_features_in_} columns, got {values.shape[1]}")
        return np.clip(values, self.low_, self.high_)


class QuantileClipPreprocessor(Preprocessor):
    name = "quantile_clip"
    label = "Quantile Clipping"

    def space(self) -> SearchSpace:
        return SearchSpace(
            params={"quantile": FloatParam(low=0.001, high=0.1, log=True, help="Share of each tail clipped")}
        )

    def default_params(self) -> dict[str, Any]:
        return {"quantile": 0.01}

    def build(self, params: Mapping[str, Any], *, seed: int) -> QuantileClip:
        return QuantileClip(quantile=params["quantile"])
