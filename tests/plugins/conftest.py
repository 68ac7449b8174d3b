"""Plugin distributions installed for a test into a directory on sys.path (tests/plugins/distributions.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from flowml.engine.plugins import ALGORITHM_GROUP, PREPROCESSOR_GROUP, forget_plugins
from tests.plugins.distributions import write_distribution

GOOD = """
import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.linear_model import LogisticRegression, Ridge

from flowml.engine.preprocessor import Preprocessor
from flowml.engine.registry import Algorithm
from flowml.engine.space import FloatParam, SearchSpace
from flowml.engine.types import ProblemType


class ShrunkLinear(Algorithm):
    name = "shrunk_linear"
    label = "Shrunk Linear"
    family = "linear"
    tasks = frozenset({ProblemType.BINARY, ProblemType.MULTICLASS, ProblemType.REGRESSION})
    needs_scaling = True

    def space(self, task):
        return SearchSpace(params={"strength": FloatParam(low=0.01, high=10.0, log=True)})

    def default_params(self, task):
        return {"strength": 1.0}

    def build(self, params, task, *, seed, n_jobs=1):
        if task.is_classification:
            return LogisticRegression(C=1.0 / params["strength"])
        return Ridge(alpha=params["strength"])


class Times(TransformerMixin, BaseEstimator):
    def __init__(self, factor=1.0):
        self.factor = factor

    def fit(self, X, y=None):
        self.fitted_ = True
        return self

    def transform(self, X):
        return np.asarray(X, dtype=float) * self.factor


class TimesPreprocessor(Preprocessor):
    name = "times"
    label = "Times"

    def space(self):
        return SearchSpace(params={"factor": FloatParam(low=0.5, high=2.0)})

    def default_params(self):
        return {"factor": 1.0}

    def build(self, params, *, seed):
        return Times(factor=params["factor"])


NOT_A_PLUGIN = 42


class ClashesWithRidge(ShrunkLinear):
    name = "ridge"


class DefaultsOutsideSpace(ShrunkLinear):
    name = "outside_space"

    def default_params(self, task):
        return {"strength": 100.0}


class PreprocessorNamedLikeAnAlgorithm(TimesPreprocessor):
    name = "shrunk_linear"
"""


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Two plugin distributions installed into a directory on sys.path: one good, one with every kind of fault."""
    site = tmp_path / "site"
    write_distribution(
        site,
        "good-plugin",
        "1.2.0",
        entry_points={
            ALGORITHM_GROUP: {"shrunk": "h3_good_plugin:ShrunkLinear"},
            PREPROCESSOR_GROUP: {"times": "h3_good_plugin:TimesPreprocessor"},
        },
        modules={"h3_good_plugin.py": GOOD},
    )
    write_distribution(
        site,
        "wrong-plugin",
        "0.0.1",
        entry_points={
            ALGORITHM_GROUP: {
                "raises": "h3_raises_at_import:Anything",
                "missing": "h3_no_such_module:Anything",
                "wrong_type": "h3_good_plugin:NOT_A_PLUGIN",
                "clash": "h3_good_plugin:ClashesWithRidge",
                "outside": "h3_good_plugin:DefaultsOutsideSpace",
                "again": "h3_good_plugin:ShrunkLinear",
            },
            PREPROCESSOR_GROUP: {"prefix_clash": "h3_good_plugin:PreprocessorNamedLikeAnAlgorithm"},
        },
        modules={"h3_raises_at_import.py": 'raise RuntimeError("boom while importing")\n'},
    )
    monkeypatch.syspath_prepend(str(site))
    forget_plugins()
    yield site
    forget_plugins()  # the next test sees the installed plugins again, without these
