"""fit_final and the model package: what is written, the card, integrity checks, and identical predictions."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from flowml.core.errors import ModelIntegrityError, NotFoundError
from flowml.engine.features import plan_features
from flowml.engine.final import fit_final, fit_final_dict
from flowml.engine.model import FlowMLModel
from flowml.engine.package import build_model_card, file_sha256, load_package, save_package
from flowml.engine.types import FeaturePlan, FinalResult, FinalSpec, ProblemType
from tests.engine.test_pipeline import (
    SYNTHETIC_KINDS,
    TITANIC_KINDS,
    LocalForest,
    local_registry,
    synthetic_frame,
    titanic_frame,
    write_parquet,
)

LEADERBOARD = [{"rank": 1, "trial_number": 0, "algorithm": "local_forest", "score": 0.86}]


def final_spec(path: Path, plan: FeaturePlan, output_dir: Path, *, task: str = "binary", **overrides: Any) -> FinalSpec:
    values: dict[str, Any] = {
        "job_id": "job-9",
        "dataset_path": str(path),
        "dataset_sha256": "ab" * 32,
        "problem_type": task,
        "feature_plan": plan.to_dict(),
        "algorithm": "local_forest",
        "params": {"n_estimators": 30},
        "metric": "roc_auc" if task == "binary" else "r2",
        "cv_score": 0.86,
        "seed": 5,
        "output_dir": str(output_dir),
        "deadline": time.time() + 120,
        "leaderboard": LEADERBOARD,
    }
    values.update(overrides)
    return FinalSpec(**values)


@pytest.fixture(scope="module")
def titanic_package(tmp_path_factory: pytest.TempPathFactory) -> tuple[FinalResult, Path]:
    df = titanic_frame()
    root = tmp_path_factory.mktemp("package")
    path = write_parquet(df, root / "titanic.parquet")
    plan = plan_features(df, "survived", TITANIC_KINDS)
    return fit_final(final_spec(path, plan, root / "model"), local_registry()), path


def test_fit_final_writes_the_package(titanic_package: tuple[FinalResult, Path]) -> None:
    result, _ = titanic_package
    out = Path(result.output_dir)
    expected = ["leaderboard.json", "model.joblib", "model_card.json"]
    assert result.card.onnx is not None
    if result.card.onnx.usable:  # the ONNX graph is written only when it passed its parity check
        expected.append("model.onnx")
        assert result.card.onnx_sha256 == file_sha256(out / "model.onnx")
    assert sorted(p.name for p in out.iterdir()) == sorted(expected)
    assert result.model_path == str(out / "model.joblib")
    assert result.model_sha256 == file_sha256(out / "model.joblib")
    assert json.loads((out / "leaderboard.json").read_text()) == LEADERBOARD
    assert result.fit_time > 0


def test_model_card_describes_inputs_outputs_and_provenance(titanic_package: tuple[FinalResult, Path]) -> None:
    result, _ = titanic_package
    card = json.loads((Path(result.output_dir) / "model_card.json").read_text())
    assert card == result.card.to_dict()
    assert card["format_version"] == 1
    assert card["model_id"] is None
    assert card["problem_type"] == "binary"
    assert card["target"] == "survived"
    assert card["classes"] == [0, 1]
    assert (card["metric"], card["cv_score"], card["algorithm"]) == ("roc_auc", 0.86, "local_forest")
    assert card["params"] == {"n_estimators": 30}
    assert card["model_sha256"] == result.model_sha256
    assert card["training_data_sha256"] == "ab" * 32
    assert card["n_rows"] == 891
    schema = {entry["name"]: entry for entry in card["input_schema"]}
    assert list(schema) == ["pclass", "sex", "age", "sibsp", "parch", "fare", "cabin", "embarked"]
    assert schema["sex"]["kind"] == "categorical"
    assert set(schema["sex"]["categories"]) == {"male", "female"}
    age = schema["age"]
    assert {k: age[k] for k in ("name", "kind", "dtype", "required")} == {
        "name": "age",
        "kind": "numeric",
        "dtype": "float64",
        "required": True,
    }
    assert (age["min"], age["max"], age["typical"]) == (0.42, 80.0, 28.0)  # titanic's ages: range and median
    assert {"name": "ticket", "reason": "identifier (a different value on every row)"} in card["dropped_columns"]
    assert {"python", "scikit-learn", "numpy", "pandas"} <= set(card["library_versions"])


def test_importance_is_per_original_column(titanic_package: tuple[FinalResult, Path]) -> None:
    result, _ = titanic_package
    importance = result.feature_importance
    assert list(importance) == ["pclass", "sex", "age", "sibsp", "parch", "fare", "cabin", "embarked"]
    assert max(importance, key=lambda name: importance[name]) == "sex"
    assert importance["sex"] > 0.05
    assert result.card.feature_importance == importance


def test_load_package_round_trip_predicts_identically(titanic_package: tuple[FinalResult, Path]) -> None:
    result, _ = titanic_package
    model, card = load_package(Path(result.output_dir))
    assert card.model_sha256 == result.model_sha256
    again, _ = load_package(Path(result.output_dir), result.model_sha256)
    rows = titanic_frame().drop(columns=["survived"]).head(200)
    assert model.predict(rows).tolist() == again.predict(rows).tolist()
    proba = model.predict_proba(rows)
    assert proba is not None
    assert proba.shape == (200, 2)
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert np.array_equal(proba, again.predict_proba(rows))
    assert set(np.unique(model.predict(rows))) <= {0, 1}


def test_tampered_model_file_is_refused(titanic_package: tuple[FinalResult, Path], tmp_path: Path) -> None:
    result, _ = titanic_package
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("model.joblib", "model_card.json"):
        (copy / name).write_bytes((Path(result.output_dir) / name).read_bytes())
    with (copy / "model.joblib").open("ab") as handle:
        handle.write(b"\0")
    with pytest.raises(ModelIntegrityError, match="does not match its recorded checksum; refusing to load"):
        load_package(copy)
    with pytest.raises(ModelIntegrityError, match="refusing to load"):
        load_package(Path(result.output_dir), "0" * 64)  # the caller's record wins over the card's
    (copy / "model_card.json").unlink()
    with pytest.raises(NotFoundError):
        load_package(copy)


def test_importance_is_skipped_when_the_deadline_is_near(tmp_path: Path) -> None:
    df = synthetic_frame(ProblemType.REGRESSION, n_rows=150)
    path = write_parquet(df, tmp_path / "data.parquet")
    plan = plan_features(df, "target", SYNTHETIC_KINDS)
    spec = final_spec(path, plan, tmp_path / "model", task="regression", deadline=time.time() - 1, leaderboard=[])
    payload = fit_final(spec, local_registry()).to_dict()
    assert payload["feature_importance"] == {}
    assert any("feature importance skipped" in note for note in payload["card"]["notes"])
    assert not (tmp_path / "model" / "leaderboard.json").exists()
    model, card = load_package(tmp_path / "model")
    assert card.classes is None
    assert model.predict(df.head(5)).dtype == np.float64
    assert model.predict_proba(df.head(5)) is None


def test_fit_final_dict_uses_the_builtin_registry(tmp_path: Path) -> None:
    pytest.importorskip("flowml.engine.algorithms")
    df = synthetic_frame(ProblemType.BINARY, n_rows=150)
    path = write_parquet(df, tmp_path / "data.parquet")
    plan = plan_features(df, "target", SYNTHETIC_KINDS)
    spec = final_spec(path, plan, tmp_path / "model", algorithm="random_forest", params={"n_estimators": 20})
    payload = fit_final_dict(spec.to_dict())
    assert FinalResult.from_dict(payload).model_sha256 == file_sha256(tmp_path / "model" / "model.joblib")
    model, card = load_package(tmp_path / "model")
    assert card.classes == ["no", "yes"]
    assert set(model.predict(df.head(20))) <= {"no", "yes"}
    assert set(payload["feature_importance"]) == set(plan.features)


def test_save_package_hash_is_of_the_joblib_bytes(tmp_path: Path) -> None:
    df = synthetic_frame(ProblemType.MULTICLASS, n_rows=150)
    plan = plan_features(df, "target", SYNTHETIC_KINDS)
    model = FlowMLModel.train(df, plan, ProblemType.MULTICLASS, LocalForest(), {"n_estimators": 5}, seed=0)
    card = build_model_card(
        model,
        metric="log_loss",
        cv_score=None,
        algorithm="local_forest",
        params={"n_estimators": np.int64(5)},  # numpy scalars from a search must still serialize
        training_data_sha256="cd" * 32,
        n_rows=len(df),
        feature_importance={},
    )
    model_path, sha = save_package(model, card, tmp_path / "out")
    assert sha == file_sha256(model_path)
    written = json.loads((tmp_path / "out" / "model_card.json").read_text())
    assert written["model_sha256"] == sha
    assert written["params"] == {"n_estimators": 5}
    assert written["classes"] == [0, 1, 2]
    assert card.model_sha256 is None  # the caller's card is not modified


def test_importance_falls_back_to_training_rows_without_time_to_refit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flowml.engine.final as final

    monkeypatch.setattr(final, "IMPORTANCE_SAFETY", 1e9)  # no deadline leaves time for a held-out refit
    df = titanic_frame()
    path = write_parquet(df, tmp_path / "titanic.parquet")
    plan = plan_features(df, "survived", TITANIC_KINDS)
    result = fit_final(final_spec(path, plan, tmp_path / "model"), local_registry())
    assert max(result.feature_importance, key=lambda name: result.feature_importance[name]) == "sex"
    assert "feature importance measured on training rows" in " ".join(result.card.notes)
