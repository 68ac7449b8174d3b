"""`pca`: principal component analysis on the encoded columns, keeping the components that explain a searched share
of the variance. The model then sees fewer, uncorrelated columns; each mixes every encoded column, so after it no
column is any input's own (engine/explain.py explains such models over the original inputs by sampling)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sklearn.decomposition import PCA

from flowml.engine.preprocessor import Preprocessor
from flowml.engine.space import CategoricalParam, FloatParam, SearchSpace


class PCAPreprocessor(Preprocessor):
    name = "pca"
    label = "PCA (principal components)"

    def space(self) -> SearchSpace:
        return SearchSpace(
            params={
                # A share, not a count: the number of encoded columns differs from table to table.
                "variance": FloatParam(low=0.5, high=0.99, help="Share of the variance the kept components explain"),
                "whiten": CategoricalParam(
                    choices=[False, True], help="Scale every kept component to unit variance (helps distance models)"
                ),
            }
        )

    def default_params(self) -> dict[str, Any]:
        return {"variance": 0.95, "whiten": False}

    def build(self, params: Mapping[str, Any], *, seed: int) -> Any:
        # A float n_components keeps that share of the variance; svd_solver="auto" then picks an exact solver
        # (covariance_eigh for tall tables, full otherwise), so the same rows give the same components.
        return PCA(n_components=float(params["variance"]), whiten=bool(params["whiten"]), random_state=seed)
