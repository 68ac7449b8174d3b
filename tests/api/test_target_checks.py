"""One problem-type rule: each column's `target.checks` in GET /api/datasets/{id}/stats says exactly what
POST /api/training/start does with it, for Auto and every explicit choice, on the tables analysts bring."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import upload
from tests.e2e.tables import HR_TARGET, hr_attrition, write_csv

pytestmark = pytest.mark.db

CHOICES = ("auto", "binary", "multiclass", "regression")
ROWS = 80


def odd_targets() -> pd.DataFrame:
    """A column of each shape the rule must agree on, 80 rows."""
    rng = np.random.default_rng(3)
    labels = rng.choice(["red", "green", "blue"], ROWS)
    return pd.DataFrame(
        {
            "answer": rng.choice(["Yes", "No"], ROWS),
            "quality": np.resize([3, 4, 5, 6, 7, 8, 9], ROWS),  # wine-style scores: Auto calls them classes
            "spread": rng.normal(10, 3, ROWS).round(3),  # a quantity
            "colour": labels,
            "lonely": np.concatenate([labels[:-1], ["purple"]]),  # one class with a single row
            "rare": np.concatenate([np.resize(["a", "b"], ROWS - 3), ["c"] * 3]),  # fewer rows than folds: a note
            "signed_up": pd.date_range("2024-01-01", periods=ROWS, freq="D").strftime("%Y-%m-%d"),
            "constant": ["same"] * ROWS,
            "half_missing": np.where(np.arange(ROWS) % 2 == 0, rng.choice(["x", "y"], ROWS), None),
        }
    )


def stats_checks(client: TestClient, frame: pd.DataFrame, path: Path) -> tuple[str, dict[str, Any]]:
    created = upload(client, write_csv(frame, path))
    assert created.status_code == 201, created.text
    dataset_id = created.json()["id"]
    stats = client.get(f"/api/datasets/{dataset_id}/stats")
    assert stats.status_code == 200, stats.text
    return dataset_id, {column["name"]: column["target"]["checks"] for column in stats.json()["columns"]}


def start(client: TestClient, dataset_id: str, column: str, choice: str) -> Any:
    body = {"dataset_id": dataset_id, "target_column": column, "problem_type": choice, "time_budget": 0.1}
    return client.post("/api/training/start", json=body)


def assert_training_agrees(client: TestClient, dataset_id: str, column: str, checks: dict[str, Any]) -> None:
    assert checks["n_folds"] == 5
    for choice in CHOICES:
        verdict = checks[choice]
        response = start(client, dataset_id, column, choice)
        if verdict["accepted"]:
            assert response.status_code == 201, (column, choice, response.text)
            job = response.json()
            assert job["problem_type"] == verdict["problem_type"], (column, choice)
            assert verdict["message"] is None
            # Only the verdict mattered: stop the job before it takes a slot from the rest of the module.
            assert client.post(f"/api/training/jobs/{job['id']}/cancel").status_code == 200
        else:
            assert response.status_code == 422, (column, choice, response.text)
            assert response.json()["detail"] == verdict["message"], (column, choice)
            assert verdict["problem_type"] is None and verdict["notes"] == []


def test_every_verdict_is_what_training_start_does(client: TestClient, tmp_path: Path) -> None:
    dataset_id, checks = stats_checks(client, odd_targets(), tmp_path / "odd.csv")
    for column in odd_targets().columns:
        assert_training_agrees(client, dataset_id, column, checks[column])

    # What the table's shapes make of the rule, spelled out (the loop above proves training agrees).
    auto = {name: (c["auto"]["problem_type"], c["auto"]["message"]) for name, c in checks.items()}
    assert auto["answer"] == ("binary", None)
    assert auto["quality"] == ("multiclass", None)
    assert auto["spread"] == ("regression", None)
    assert auto["colour"] == ("multiclass", None)
    assert auto["lonely"] == (
        None,
        "class(es) 'purple' of target 'lonely' have fewer than 2 rows; remove those rows or merge rare classes",
    )
    assert auto["signed_up"] == (None, "target column 'signed_up' holds dates; pick a numeric or categorical column")
    assert auto["constant"] == (None, "target column 'constant' has a single value ('same'); nothing to learn")
    assert checks["quality"]["regression"]["accepted"] is True  # the user may still call scores a quantity
    assert checks["colour"]["binary"]["message"] == "binary classification needs exactly 2 classes; target has 3"
    assert checks["answer"]["regression"]["message"].startswith("regression needs a numeric target; column 'answer'")
    assert checks["rare"]["auto"]["notes"] == [
        "reduced cross-validation from 5 to 3 folds: the rarest class ('c') has only 3 rows"
    ]
    assert checks["half_missing"]["auto"]["notes"] == ["dropped 40 row(s) with a missing target"]


def test_the_hr_table_verdicts_match_training(client: TestClient, tmp_path: Path) -> None:
    dataset_id, checks = stats_checks(client, hr_attrition(), tmp_path / "hr.csv")
    assert checks[HR_TARGET]["auto"]["problem_type"] == "binary"
    for column in (HR_TARGET, "OverTime", "Department", "MonthlyIncome", "JobSatisfaction"):
        assert_training_agrees(client, dataset_id, column, checks[column])


def test_the_suggestion_names_the_type_auto_trains(client: TestClient, tmp_path: Path) -> None:
    """The ranking takes its problem type from the same verdicts: integer scores suggested as what Auto does."""
    frame = odd_targets()[["spread", "quality"]]
    created = upload(client, write_csv(frame, tmp_path / "wine.csv")).json()
    stats = client.get(f"/api/datasets/{created['id']}/stats").json()
    quality = next(c for c in stats["columns"] if c["name"] == "quality")["target"]
    assert (created["suggested_target"], created["suggested_problem_type"]) == ("quality", "multiclass")
    assert quality["problem_type"] == quality["checks"]["auto"]["problem_type"] == "multiclass"
