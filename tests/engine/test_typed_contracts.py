"""The values that cross process and machine boundaries are typed models, validated where they arrive: trial and
final specs and results, the model card (tolerant of cards written earlier), and each event's payload."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, get_args

import numpy as np
import pytest
from pydantic import ValidationError

from flowml.core.errors import ModelIntegrityError
from flowml.core.model_card import ModelCard
from flowml.db.tables import JobStatus
from flowml.engine.executor import LocalExecutor
from flowml.engine.features import plan_features
from flowml.engine.model import FlowMLModel
from flowml.engine.package import CARD_FILE, build_model_card, load_package, read_card, save_package
from flowml.engine.pool import LocalProcessPool
from flowml.engine.types import (
    Device,
    EnsembleMember,
    FinalSpec,
    ProblemType,
    TrialResult,
    TrialSpec,
    TrialStatus,
    Validation,
)
from flowml.events.schemas import PAYLOADS, EventType, ServerMessage, TrainingProgressData
from tests.engine.test_pipeline import SYNTHETIC_KINDS, LocalForest, synthetic_frame
from tests.events.conftest import job_data, progress_data
from tests.model_cards import BASE_CARD


def spec(**changes: Any) -> TrialSpec:
    values: dict[str, Any] = {
        "job_id": "job-1",
        "trial_number": 0,
        "dataset_path": "data.parquet",
        "problem_type": "multiclass",
        "feature_plan": {"target": "y", "column_kinds": {"a": "numeric", "b": "categorical"}},
        "algorithm": "random_forest",
        "params": {"n_estimators": 50, "max_features": "sqrt", "bootstrap": True, "max_depth": None},
        "metric": "log_loss",
        "n_folds": 5,
        "seed": 1,
        "deadline": 1e10,
    }
    return TrialSpec(**{**values, **changes})


# --- trial and final specs and results ---------------------------------------------------------------------------


def test_a_spec_crosses_as_json_and_comes_back_equal_with_its_enums() -> None:
    original = spec(validation="holdout", device="cuda")
    wire = json.loads(json.dumps(original.to_dict()))
    assert (wire["problem_type"], wire["validation"], wire["device"]) == ("multiclass", "holdout", "cuda")
    back = TrialSpec.from_dict(wire)
    assert back == original
    assert back.problem_type is ProblemType.MULTICLASS and back.validation is Validation.HOLDOUT
    assert back.device is Device.CUDA and back.feature_plan.features == ["a", "b"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"problem_type": "ranking"}, "problem_type"),
        ({"validation": "loo"}, "validation"),
        ({"n_folds": 0}, "n_folds"),
        ({"trial_number": -1}, "trial_number"),
        ({"params": {"layers": [64, 32]}}, "params.layers"),
        ({"feature_plan": {"target": "y"}}, "feature_plan.column_kinds"),
    ],
)
def test_a_bad_value_is_refused_naming_its_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        TrialSpec.from_dict({**spec().to_dict(), **changes})
    locations = [".".join(str(p) for p in e["loc"]) for e in caught.value.errors()]
    assert any(loc == field or loc.startswith(f"{field}.") for loc in locations), locations


def test_unknown_fields_are_refused_on_the_boundary() -> None:
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        TrialSpec.from_dict({**spec().to_dict(), "pickle": "gASV"})


def test_numpy_parameters_keep_their_type() -> None:
    # A union of JSON scalars would read an int64 as a float: n_estimators=50.0 makes scikit-learn refuse the fit.
    typed = spec(params={"n_estimators": np.int64(50), "subsample": np.float64(0.5), "warm": np.bool_(True)})
    assert typed.params == {"n_estimators": 50, "subsample": 0.5, "warm": True}
    assert [type(v) for v in typed.params.values()] == [int, float, bool]


def test_replace_is_validated_and_assignment_too() -> None:
    original = spec()
    moved = original.replace(device="cuda")
    assert moved.device is Device.CUDA and original.device is Device.CPU
    with pytest.raises(ValidationError):
        original.replace(device="tpu")
    with pytest.raises(ValidationError):
        original.validation = "sometimes"


def test_an_undefined_score_survives_the_wire() -> None:
    result = TrialResult(
        job_id="j", trial_number=1, algorithm="svm", params={}, status="completed", metric="f1", score=float("nan")
    )
    back = TrialResult.from_dict(result.to_dict())
    assert back.status is TrialStatus.COMPLETED and back.score is not None and np.isnan(back.score)


def test_final_spec_types_its_ensemble_members_and_leaderboard() -> None:
    final = FinalSpec(
        job_id="j",
        dataset_path="d.parquet",
        dataset_sha256="ab" * 32,
        problem_type="binary",
        feature_plan={"target": "y", "column_kinds": {"a": "numeric"}},
        algorithm="svm",
        params={"C": 1.0},
        metric="roc_auc",
        cv_score=0.9,
        seed=0,
        output_dir="out",
        deadline=1e10,
        ensemble=[{"algorithm": "svm", "params": {"C": 1.0}, "weight": 0.7, "trial_number": 2, "fit_time": 0.5}],
        leaderboard=[{"rank": 1, "trial_number": 2, "algorithm": "svm", "score": 0.9, "started_at": "2026-01-01"}],
    )
    assert final.ensemble == [
        EnsembleMember(algorithm="svm", params={"C": 1.0}, weight=0.7, trial_number=2, fit_time=0.5)
    ]
    assert final.leaderboard[0].status is TrialStatus.COMPLETED
    assert FinalSpec.from_dict(json.loads(json.dumps(final.to_dict()))) == final
    with pytest.raises(ValidationError, match="weight"):
        final.replace(ensemble=[{"algorithm": "svm", "params": {}, "weight": -1}])


async def test_the_local_pool_turns_a_malformed_result_into_a_failed_trial() -> None:
    pool = LocalProcessPool(1, tasks={"trial": "tests.engine.pool_tasks:malformed_result"})
    await pool.start(warm=False)
    try:
        result = await LocalExecutor(pool).run_trial(spec(deadline=time.time() + 60))
    finally:
        await pool.close()
    assert result.status is TrialStatus.FAILED and result.trial_number == 0
    assert result.error is not None and result.error.startswith("malformed trial result:")
    assert "status: Field required" in result.error and "score: Input should be a valid number" in result.error


# --- the model card ------------------------------------------------------------------------------------------------


def _package(tmp_path: Path) -> Path:
    df = synthetic_frame(ProblemType.BINARY, n_rows=120)
    plan = plan_features(df, "target", SYNTHETIC_KINDS)
    model = FlowMLModel.train(df, plan, ProblemType.BINARY, LocalForest(), {"n_estimators": 5}, seed=0)
    card = build_model_card(
        model,
        metric="roc_auc",
        cv_score=0.8,
        algorithm="local_forest",
        params={"n_estimators": 5},
        training_data_sha256="cd" * 32,
        n_rows=len(df),
        feature_importance={},
        frame=df,
    )
    save_package(model, card, tmp_path / "package")
    return tmp_path / "package"


def test_a_card_written_by_this_version_loads_back_the_same(tmp_path: Path) -> None:
    package = _package(tmp_path)
    written = json.loads((package / CARD_FILE).read_text())
    _, card = load_package(package)
    assert isinstance(card, ModelCard) and card.to_dict() == written
    assert card.classes == ["no", "yes"] and card.cv_score == 0.8 and card.model_sha256 == written["model_sha256"]
    assert [column.name for column in card.input_schema] == [entry["name"] for entry in written["input_schema"]]


def test_an_older_card_loads_and_is_written_back_unchanged(tmp_path: Path) -> None:
    # The first cards had no onnx, evaluation, delivered or threshold parts; a future one may add keys we do not know.
    older = {**BASE_CARD, "library_versions": {"python": "3.11.7"}, "model_sha256": "0" * 64, "from_the_future": [1]}
    path = tmp_path / CARD_FILE
    path.write_text(json.dumps(older))
    card = read_card(path)
    assert card.onnx is None and card.evaluation is None and card.decision_threshold is None
    assert card.to_dict() == older  # nothing added (no nulls for absent parts), nothing lost
    assert card.updated({"default_name": "Forest · y"}).to_dict() == {**older, "default_name": "Forest · y"}


def test_a_card_that_is_not_a_card_is_refused(tmp_path: Path) -> None:
    path = tmp_path / CARD_FILE
    path.write_text(json.dumps({"algorithm": "svm"}))
    with pytest.raises(ModelIntegrityError, match="not a valid model card"):
        read_card(path)


def test_facts_added_to_a_card_are_validated_and_a_cleared_part_is_absent() -> None:
    card = ModelCard.from_dict(BASE_CARD)
    with_threshold = card.updated({"decision_threshold": {"value": 0.3, "chosen_by": "manual"}})
    assert with_threshold.decision_threshold is not None and with_threshold.decision_threshold.value == 0.3
    with pytest.raises(ValidationError, match=r"decision_threshold\.value"):
        card.updated({"decision_threshold": {"value": 1.5, "chosen_by": "manual"}})
    assert "decision_threshold" not in with_threshold.without("decision_threshold").to_dict()


def test_ensemble_members_are_read_from_the_cards_params() -> None:
    members = [{"algorithm": "svm", "params": {}, "weight": 0.6}, {"algorithm": "knn", "params": {}, "weight": 0.4}]
    assert (
        ModelCard.from_dict({**BASE_CARD, "algorithm": "ensemble", "params": {"members": members}}).ensemble_members
        == members
    )
    assert ModelCard.from_dict({**BASE_CARD, "params": {"members": members}}).ensemble_members == []


# --- events --------------------------------------------------------------------------------------------------------


def test_every_event_type_has_a_payload_and_a_message() -> None:
    assert set(PAYLOADS) == set(EventType)
    union = get_args(get_args(ServerMessage)[0])
    message_types = {get_args(m.model_fields["type"].annotation)[0] for m in union}
    assert message_types == set(EventType)


def test_progress_keeps_the_keys_clients_have_always_read() -> None:
    plain = progress_data(12.5).wire()
    assert set(plain) == {"progress", "stage", "message", "n_trials", "best_score", "best_algorithm"}
    assert plain["best_score"] is None  # sent as null, as before: only the optional trial is left out when absent
    with pytest.raises(ValidationError):
        TrainingProgressData.model_validate({**plain, "progress": 140})


def test_a_job_payload_carries_the_job_as_the_api_returns_it() -> None:
    wire = job_data("job-1", JobStatus.CANCELLED).wire()
    assert wire["job"]["id"] == "job-1" and wire["job"]["status"] == "cancelled"
    assert wire["job"]["validation_label"] == "not recorded"
