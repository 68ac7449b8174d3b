"""The ONNX export-time estimate: node counts per model kind, and the final fit and search reserve that use it."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from sklearn.ensemble import GradientBoostingRegressor, HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier

from flowml.engine import export_cost
from flowml.engine.export_cost import FIXED_SECONDS, LIGHTGBM_WEIGHT, SECONDS_PER_NODE, export_seconds, tree_nodes
from flowml.engine.features import plan_features
from flowml.engine.final import fit_final
from flowml.engine.search import final_fit_seconds
from flowml.engine.types import ProblemType, TrialResult
from tests.engine.test_package import final_spec
from tests.engine.test_pipeline import SYNTHETIC_KINDS, local_registry, synthetic_frame, write_parquet


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 5))
    return X, (X[:, 0] + rng.normal(size=400) > 0).astype(int)


def test_counts_every_node_of_sklearn_trees(data: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = data
    tree = DecisionTreeClassifier(random_state=0).fit(X, y)
    assert tree_nodes(tree) == tree.tree_.node_count > 1
    forest = RandomForestClassifier(n_estimators=7, random_state=0).fit(X, y)
    assert tree_nodes(forest) == sum(t.tree_.node_count for t in forest.estimators_)
    boosted = GradientBoostingRegressor(n_estimators=9, random_state=0).fit(X, y)  # estimators_ is a 2-D array
    assert tree_nodes(boosted) == sum(t.tree_.node_count for t in boosted.estimators_.ravel())
    hist = HistGradientBoostingClassifier(max_iter=6, random_state=0).fit(X, y)
    assert tree_nodes(hist) == sum(len(p.nodes) for it in hist._predictors for p in it)


def test_counts_lightgbm_and_xgboost_from_their_dumps(data: tuple[np.ndarray, np.ndarray]) -> None:
    lightgbm = pytest.importorskip("lightgbm")
    xgboost = pytest.importorskip("xgboost")
    X, y = data
    lgbm = lightgbm.LGBMClassifier(n_estimators=5, num_leaves=7, verbose=-1).fit(X, y)
    leaves = lgbm.booster_.trees_to_dataframe().groupby("tree_index")["split_feature"].apply(lambda s: s.isna().sum())
    assert tree_nodes(lgbm) == LIGHTGBM_WEIGHT * int((2 * leaves - 1).sum())
    xgb = xgboost.XGBClassifier(n_estimators=4, max_depth=3).fit(X, y)
    assert tree_nodes(xgb) == len(xgb.get_booster().trees_to_dataframe())


def test_models_without_trees_cost_the_fixed_part(data: tuple[np.ndarray, np.ndarray]) -> None:
    X, y = data
    assert tree_nodes(LogisticRegression().fit(X, y)) == 0
    assert export_seconds(LogisticRegression().fit(X, y)) == FIXED_SECONDS
    forest = RandomForestClassifier(n_estimators=3, random_state=0).fit(X, y)
    assert export_seconds(forest) == pytest.approx(FIXED_SECONDS + SECONDS_PER_NODE * tree_nodes(forest))


def test_the_search_reserve_grows_with_the_trees_to_export() -> None:
    def result(nodes: int) -> TrialResult:
        return TrialResult(
            job_id="j",
            trial_number=0,
            algorithm="random_forest",
            params={},
            status="completed",
            metric="r2",
            score=0.5,
            fit_time=1.0,
            model_nodes=nodes,
        )

    small, large = result(0), result(1_000_000)
    assert final_fit_seconds(large, 5) - final_fit_seconds(small, 5) == pytest.approx(SECONDS_PER_NODE * 1.25e6)
    assert final_fit_seconds(small, 5, [small, large]) > final_fit_seconds(small, 5, [small])


def test_final_fit_skips_an_export_that_would_overrun(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    df = synthetic_frame(ProblemType.BINARY, n_rows=300)
    path = write_parquet(df, tmp_path / "data.parquet")
    plan = plan_features(df, "target", SYNTHETIC_KINDS)
    # A machine where each node takes 10 ms: the forest's thousands of nodes need far more than the 60 s left.
    monkeypatch.setattr(export_cost, "SECONDS_PER_NODE", 0.01)
    spec = final_spec(path, plan, tmp_path / "model", deadline=time.time() + 60.0, params={"n_estimators": 100})
    card = fit_final(spec, local_registry()).card
    assert card.onnx is not None and card.onnx.usable is False
    assert (card.onnx.reason or "").startswith("skipped: the export would take about")
    assert not (tmp_path / "model" / "model.onnx").exists()
    assert card.feature_importance  # the time the export would have taken went to the other steps
