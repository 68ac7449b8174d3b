"""Target-free feature planning and encoding for clustering: every usable column is a feature, a reference grouping
is set aside, categoricals are one-hot (no target to encode with) and distances see standardized columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pytest

from flowml.core.errors import InvalidInputError
from flowml.engine.algorithms.clustering.kmeans import KMeansAlgorithm
from flowml.engine.features import REFERENCE_REASON, plan_features
from flowml.engine.preprocessing import MAX_ONEHOT_CATEGORIES, build_preprocessor, prepare_X
from flowml.engine.types import FeaturePlan, ProblemType
from tests.conftest import dataset_path
from tests.engine.test_pipeline import LocalForest

CLUSTERING = ProblemType.CLUSTERING
TIPS_KINDS = {
    "total_bill": "numeric",
    "tip": "numeric",
    "sex": "categorical",
    "smoker": "categorical",
    "day": "categorical",
    "time": "categorical",
    "size": "numeric",
}


def tips() -> pd.DataFrame:
    return pl.read_csv(dataset_path("tips.csv")).to_pandas()


def test_without_target_every_usable_column_is_a_feature() -> None:
    df = tips().assign(ticket=[f"T{i}" for i in range(244)], shop="main")
    plan = plan_features(df, None, {**TIPS_KINDS, "ticket": "categorical", "shop": "categorical"})
    assert plan.target is None and plan.reference is None
    assert plan.features == list(TIPS_KINDS)
    # No "prediction target" entry; the id-like and constant columns say why they were dropped.
    assert plan.dropped == {
        "ticket": "identifier (a different value on every row)",
        "shop": "constant (a single value on every row)",
    }
    assert plan.categories["day"] == ["Sat", "Sun", "Thur", "Fri"]  # most frequent first
    assert FeaturePlan.from_dict(plan.to_dict()) == plan  # travels to workers as JSON


def test_reference_column_is_dropped_and_recorded() -> None:
    df = pl.read_csv(dataset_path("iris.csv")).to_pandas()
    kinds = {c: "numeric" for c in df.columns if c != "target"}  # the reference needs no kind
    plan = plan_features(df, None, kinds, reference="target")
    assert plan.reference == "target"
    assert plan.dropped == {"target": REFERENCE_REASON}
    assert "target" not in plan.features and len(plan.features) == 4
    X, warnings = prepare_X(df, plan)
    assert list(X.columns) == plan.features and warnings == []


def test_unknown_reference_is_refused_by_name() -> None:
    with pytest.raises(InvalidInputError, match="reference column 'species' is not in the data"):
        plan_features(tips(), None, TIPS_KINDS, reference="species")


def test_reference_with_a_target_is_refused() -> None:
    kinds = {k: v for k, v in TIPS_KINDS.items() if k != "tip"}
    with pytest.raises(InvalidInputError, match="only for clustering"):
        plan_features(tips(), "tip", kinds, reference="day")


def test_supervised_plan_is_unchanged() -> None:
    kinds = {k: v for k, v in TIPS_KINDS.items() if k != "tip"}
    plan = plan_features(tips(), "tip", kinds)
    assert plan.target == "tip" and plan.reference is None
    assert plan.dropped == {"tip": "prediction target"}
    with pytest.raises(InvalidInputError, match="target column 'nope'"):
        plan_features(tips(), "nope", kinds)


def test_clustering_one_hot_encodes_every_categorical_and_scales_the_rest() -> None:
    rng = np.random.default_rng(0)
    # 60 shop codes: a supervised job would target-encode this column; clustering has no target to encode with.
    df = tips().assign(shop=[f"shop{i}" for i in rng.integers(0, 60, size=244)])
    plan = plan_features(df, None, {**TIPS_KINDS, "shop": "categorical"})
    assert len(plan.categories["shop"]) > MAX_ONEHOT_CATEGORIES
    X, _ = prepare_X(df, plan)
    # LocalForest does not ask for scaling: clustering scales anyway, distances need it.
    for algorithm in (KMeansAlgorithm(), LocalForest()):
        preprocessor = build_preprocessor(plan, algorithm, CLUSTERING, seed=0)
        encoded = preprocessor.fit_transform(X)
        assert [name for name, _, _ in preprocessor.transformers] == ["numeric", "onehot"]
        names = list(preprocessor.get_feature_names_out())
        shop = [n for n in names if n.startswith("onehot__shop_")]
        assert 2 <= len(shop) <= MAX_ONEHOT_CATEGORIES  # the rarer codes share one "infrequent" column
        assert "onehot__shop_infrequent_sklearn" in shop
        numeric = encoded[:, [i for i, n in enumerate(names) if n.startswith("numeric__")]]
        np.testing.assert_allclose(numeric.mean(axis=0), 0.0, atol=1e-9)
        onehot = encoded[:, [i for i, n in enumerate(names) if n.startswith("onehot__")]]
        assert set(np.unique(onehot)) == {0.0, 1.0}  # one-hot stays 0/1: a rare value must not dominate distances
        assert np.isfinite(encoded).all()
