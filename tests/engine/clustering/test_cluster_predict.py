"""A clustering model as the serving side uses it: FlowMLModel trained without a target predicts cluster ids (and
memberships for a mixture), and the prediction table names its columns `cluster`, `cluster_name`, `proba_<id>`."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from flowml.core.model_card import ClusterEntry, ClusteringEntry, ModelCard
from flowml.engine.algorithms import default_registry
from flowml.engine.features import plan_features
from flowml.engine.model import FlowMLModel
from flowml.engine.predict import (
    CLUSTER_COLUMN,
    CLUSTER_NAME_COLUMN,
    PREDICTION_COLUMN,
    card_cluster_names,
    predict_frame,
    predictions_table,
)
from flowml.engine.types import FeaturePlan, ProblemType
from tests.conftest import dataset_path

CLUSTERING = ProblemType.CLUSTERING


@pytest.fixture(scope="module")
def iris() -> tuple[pd.DataFrame, FeaturePlan]:
    frame = pd.read_csv(dataset_path("iris.csv"))
    kinds = {c: "numeric" for c in frame.columns if c != "target"} | {"target": "categorical"}
    return frame, plan_features(frame, None, kinds, reference="target")


def _train(frame: pd.DataFrame, plan: FeaturePlan, algorithm: str, params: dict[str, object]) -> FlowMLModel:
    algo = default_registry().get(algorithm)
    return FlowMLModel.train(
        frame, plan, CLUSTERING, algo, {**algo.default_params_for(CLUSTERING, 150), **params}, seed=3
    )


def test_kmeans_model_predicts_cluster_ids_for_new_rows(iris: tuple[pd.DataFrame, FeaturePlan]) -> None:
    frame, plan = iris
    model = _train(frame, plan, "kmeans", {"n_clusters": 3})
    assert model.classes == [0, 1, 2] and not model.is_classifier and not model.has_probabilities
    # New rows arrive without the reference column (it never was an input) and in another order.
    new = frame.drop(columns=["target"]).sample(n=20, random_state=1)
    ids = model.predict(new)
    assert ids.dtype.kind == "i" and set(ids.tolist()) <= {0, 1, 2}
    # A row of the training table gets the cluster the fit gave it: the assigner agrees with the labels.
    labels = model.pipeline[-1].labels_
    assert np.array_equal(model.predict(frame.iloc[new.index]), labels[new.index])
    assert model.predict_proba(new) is None

    output = predict_frame(model, new)
    assert output.clustering and output.probabilities is None and output.cluster_names is None
    table = predictions_table(output, keep=new[["petal length (cm)"]])
    assert list(table.columns) == ["petal length (cm)", CLUSTER_COLUMN]
    assert PREDICTION_COLUMN not in table.columns and table[CLUSTER_COLUMN].tolist() == ids.tolist()


def test_the_table_names_each_rows_cluster_when_the_card_has_names(iris: tuple[pd.DataFrame, FeaturePlan]) -> None:
    frame, plan = iris
    model = _train(frame, plan, "kmeans", {"n_clusters": 3})
    names = ["small petals", "long petals", "medium petals"]
    card = ModelCard(
        problem_type="clustering",
        target=None,
        metric="silhouette",
        algorithm="kmeans",
        input_schema=[],
        clustering=ClusteringEntry(
            n_clusters=3,
            assigner="native",
            clusters=[ClusterEntry(id=k, name=n, size=50, share=1 / 3) for k, n in enumerate(names)],
        ),
    )
    output = predict_frame(model, frame.head(10))
    output.cluster_names = card_cluster_names(card)
    table = predictions_table(output)
    assert list(table.columns) == [CLUSTER_COLUMN, CLUSTER_NAME_COLUMN]
    assert table[CLUSTER_NAME_COLUMN].tolist() == [names[c] for c in table[CLUSTER_COLUMN]]
    assert card_cluster_names(card.updated({"clustering": None})) is None


def test_a_mixture_gives_membership_probabilities(iris: tuple[pd.DataFrame, FeaturePlan]) -> None:
    frame, plan = iris
    model = _train(frame, plan, "gaussian_mixture", {"n_clusters": 3})
    assert model.has_probabilities and model.classes == [0, 1, 2]
    proba = model.predict_proba(frame)
    assert proba is not None and proba.shape == (150, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-9)
    assert np.array_equal(proba.argmax(axis=1), model.predict(frame))

    output = predict_frame(model, frame.head(5))
    assert output.probabilities is not None and set(output.probabilities[0]) == {"0", "1", "2"}
    table = predictions_table(output)
    assert list(table.columns) == [CLUSTER_COLUMN, "proba_0", "proba_1", "proba_2"]


def test_a_decision_threshold_is_refused_for_clustering(iris: tuple[pd.DataFrame, FeaturePlan]) -> None:
    frame, plan = iris
    model = _train(frame, plan, "kmeans", {"n_clusters": 2})
    with pytest.raises(ValueError, match="not to clustering"):
        predict_frame(model, frame.head(3), threshold=0.5)
