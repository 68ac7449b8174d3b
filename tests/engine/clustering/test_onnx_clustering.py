"""ONNX export and serving of clustering models: the graph answers the cluster ids (and a mixture's memberships)
that the pickle does, on training rows and on new ones; a clusterer without a converter is reported, not a crash.

Data: tips.csv, numeric and categorical columns (one-hot encoded and standardized before clustering, as the
search does). The assigners are covered directly on ClusterModel, whichever algorithms are registered: the
clusterer's own predict (k-means, a Gaussian mixture), the nearest training rows (DBSCAN, "knn") and the nearest
centre (agglomerative), each with and without the PCA reduction; every registered clustering algorithm then meets
the contract its `onnx` flag declares.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
import onnx
import pandas as pd
import pytest
from sklearn.cluster import DBSCAN, AgglomerativeClustering, Birch, KMeans
from sklearn.mixture import GaussianMixture

from flowml.core.model_card import OnnxEntry
from flowml.engine.algorithms import default_registry
from flowml.engine.clustering.model import Assigner, ClusterModel
from flowml.engine.features import plan_features
from flowml.engine.model import FlowMLModel, _known_categories, build_pipeline
from flowml.engine.onnx import CLUSTER_LABEL_AGREEMENT, OnnxExport, OnnxPredictor, export_onnx
from flowml.engine.onnx._clustering import MAX_DISTANCE_CELLS
from flowml.engine.predict import CLUSTER_COLUMN, PROBA_PREFIX, predict_frame, predictions_table
from flowml.engine.preprocessing import prepare_X
from flowml.engine.registry import Algorithm
from flowml.engine.types import FeaturePlan, ProblemType
from tests.conftest import dataset_path
from tests.engine.clustering.test_cluster_features import TIPS_KINDS

SEED = 0
CLUSTERING = ProblemType.CLUSTERING
CLUSTERERS: dict[str, tuple[Callable[[], Any], Assigner]] = {
    "kmeans": (lambda: KMeans(n_clusters=4, n_init=4, random_state=SEED), "native"),
    "gaussian_mixture": (lambda: GaussianMixture(n_components=3, random_state=SEED), "native"),
    "dbscan": (lambda: DBSCAN(eps=1.0, min_samples=5), "knn"),
    "agglomerative": (lambda: AgglomerativeClustering(n_clusters=3), "nearest_centroid"),
}
CASES = [pytest.param(name, reduce, id=f"{name}-pca{reduce}") for name in CLUSTERERS for reduce in (None, 0.9)]
REGISTERED = [
    pytest.param(algo, id=algo.name) for algo in default_registry().algorithms.values() if CLUSTERING in algo.tasks
]


@cache
def tips() -> tuple[pd.DataFrame, FeaturePlan]:
    frame = pd.read_csv(dataset_path("tips.csv"))
    return frame, plan_features(frame, None, TIPS_KINDS)


def new_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows the model never saw: shifted amounts, a few unseen or missing categories, a missing column."""
    rows = frame.sample(n=60, random_state=1).reset_index(drop=True)
    rows["total_bill"] = rows["total_bill"] * 1.07 + 0.5
    rows["tip"] = rows["tip"] - 0.2
    rows.loc[:4, "day"] = ["Mon", None, "Sat", "", "Sun"]
    rows.loc[5:7, "total_bill"] = np.nan
    return rows.drop(columns=["size"])


def fit(clusterer: Any, assigner: Assigner, reduce: float | None) -> FlowMLModel:
    """A clustering FlowMLModel around `clusterer`: the clustering pipeline's preprocessing, then ClusterModel."""
    frame, plan = tips()
    kmeans = default_registry().get("kmeans")
    pipeline = build_pipeline(
        plan, kmeans, kmeans.default_params_for(CLUSTERING, len(frame)), CLUSTERING, seed=SEED, n_jobs=1
    )
    pipeline.set_params(model=ClusterModel(clusterer, assigner=assigner, reduce_components=reduce, seed=SEED))
    X, _ = prepare_X(frame, plan)
    pipeline.fit(X)
    clusters = list(range(int(pipeline[-1].n_clusters_)))
    return FlowMLModel(plan, CLUSTERING, pipeline, clusters, _known_categories(X, plan))


@cache
def exported(name: str, reduce: float | None) -> tuple[FlowMLModel, OnnxExport]:
    make, assigner = CLUSTERERS[name]
    model = fit(make(), assigner, reduce)
    return model, export_onnx(model, tips()[0])


def assert_same_answers(model: FlowMLModel, predictor: OnnxPredictor, rows: pd.DataFrame) -> None:
    labels = predictor.predict(rows)
    assert labels.dtype.kind == "i"
    assert np.mean(labels == model.predict(rows)) >= CLUSTER_LABEL_AGREEMENT
    native = model.predict_proba(rows)
    served = predictor.predict_proba(rows)
    if native is None:
        assert served is None
    else:
        assert served is not None
        np.testing.assert_allclose(served, native, atol=1e-4)
        np.testing.assert_allclose(served.sum(axis=1), 1.0, atol=1e-4)


@pytest.mark.parametrize(("name", "reduce"), CASES)
def test_graph_assigns_the_clusters_the_pickle_does(name: str, reduce: float | None) -> None:
    model, export = exported(name, reduce)
    frame, _ = tips()
    cluster_model = model.pipeline[-1]
    assert (cluster_model.reducer_ is not None) == (reduce is not None)
    assert export.usable, export.reason
    parity = export.parity
    assert parity["rows"] == len(frame) and parity["label_agreement"] >= CLUSTER_LABEL_AGREEMENT
    if cluster_model.probabilistic:
        assert parity["metric"] == "probabilities" and parity["max_abs_diff"] <= parity["tolerance"]
    else:
        assert parity["metric"] == "labels" and parity["max_abs_diff"] is None
    assert OnnxEntry.model_validate(export.card_entry()).usable
    assert export.onnx_bytes is not None
    predictor = OnnxPredictor(export.onnx_bytes)
    assert predictor.problem_type is CLUSTERING and predictor.classes == model.classes
    assert predictor.has_probabilities == cluster_model.probabilistic
    assert_same_answers(model, predictor, frame)
    assert_same_answers(model, predictor, new_rows(frame))


def test_mixture_memberships_follow_the_size_order() -> None:
    # The mixture's components are renumbered largest first: the graph must reorder its columns the same way.
    model, export = exported("gaussian_mixture", None)
    assert export.onnx_bytes is not None
    frame, _ = tips()
    proba = OnnxPredictor(export.onnx_bytes).predict_proba(frame)
    assert proba is not None and proba.shape == (len(frame), len(model.classes or []))
    sizes = np.bincount(np.argmax(proba, axis=1), minlength=proba.shape[1])
    assert list(sizes) == sorted(sizes, reverse=True)


@pytest.mark.parametrize("name", ["dbscan", "gaussian_mixture"])
def test_large_batches_run_in_bounded_chunks_with_the_same_answers(name: str) -> None:
    # A kNN graph holds [rows, training rows] distance matrices: it records how many rows one run may take.
    model, export = exported(name, None)
    assert export.onnx_bytes is not None
    whole = OnnxPredictor(export.onnx_bytes)
    assigner = model.pipeline[-1].predictor_
    expected = MAX_DISTANCE_CELLS // assigner.n_samples_fit_ if name == "dbscan" else None
    assert whole.info.rows_per_run == expected
    # Record a small bound so that tips' rows take several runs (the last one shorter).
    graph = onnx.load_from_string(export.onnx_bytes)
    graph.metadata_props.add(key="flowml.rows_per_run", value="50")
    chunked = OnnxPredictor(graph.SerializeToString())
    assert chunked.info.rows_per_run == 50
    frame, _ = tips()
    np.testing.assert_array_equal(chunked.predict(frame), whole.predict(frame))
    chunked_proba, whole_proba = chunked.predict_proba(frame), whole.predict_proba(frame)
    if whole_proba is None:
        assert chunked_proba is None
    else:
        assert chunked_proba is not None
        np.testing.assert_array_equal(chunked_proba, whole_proba)


def test_clusterer_without_converter_is_reported_not_raised() -> None:
    model = fit(Birch(n_clusters=3), "native", None)
    export = export_onnx(model, tips()[0])
    assert not export.supported and not export.usable and export.onnx_bytes is None
    assert export.reason is not None and "Birch" in export.reason and "no converter" in export.reason
    entry = OnnxEntry.model_validate(export.card_entry())
    assert entry.supported is False and entry.reason == export.reason


@pytest.mark.parametrize("name", ["gaussian_mixture", "dbscan"])
def test_serving_with_onnx_runtime_answers_the_same_clusters(name: str) -> None:
    # What the server does with a usable export (services/models.py): the native model validates and prepares the
    # rows, ONNX Runtime assigns them (`run_prepared` as the runner); the batch table is the same either way.
    model, export = exported(name, 0.9)
    assert export.onnx_bytes is not None
    rows = new_rows(tips()[0])
    served = predict_frame(model, rows, runner=OnnxPredictor(export.onnx_bytes).run_prepared)
    native = predict_frame(model, rows)
    assert served.clustering and served.classes == native.classes == model.classes
    assert served.warnings == native.warnings and any("'Mon'" in warning for warning in served.warnings)
    assert all(type(cluster) is int for cluster in served.predictions)
    served_table, native_table = predictions_table(served), predictions_table(native)
    assert list(served_table.columns) == list(native_table.columns)
    assert np.mean(served_table[CLUSTER_COLUMN] == native_table[CLUSTER_COLUMN]) >= CLUSTER_LABEL_AGREEMENT
    assert (served.probabilities is None) == (native.probabilities is None) == (name != "gaussian_mixture")
    memberships = [column for column in native_table.columns if column.startswith(PROBA_PREFIX)]
    assert len(memberships) == (len(model.classes or []) if name == "gaussian_mixture" else 0)
    np.testing.assert_allclose(served_table[memberships], native_table[memberships], atol=1e-4)


@pytest.mark.parametrize("algo", REGISTERED)
def test_registered_algorithm_exports_as_declared(algo: Algorithm) -> None:
    frame, plan = tips()
    params = algo.default_params_for(CLUSTERING, len(frame))
    model = FlowMLModel.train(frame, plan, CLUSTERING, algo, params, seed=SEED)
    export = export_onnx(model, frame)
    if not algo.onnx:
        assert not export.usable, f"{algo.name} now exports with parity: declare onnx = True on its class"
        assert export.reason, "an export that is not usable must say why"
        return
    assert export.usable, f"{algo.name}: {export.reason}"
    assert export.onnx_bytes is not None
    assert_same_answers(model, OnnxPredictor(export.onnx_bytes), new_rows(frame))
