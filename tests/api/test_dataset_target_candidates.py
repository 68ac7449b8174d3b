"""GET /api/datasets/{id}/stats ranks the target candidates and tells every column what it would be as a target."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import upload
from tests.e2e.tables import DELIVERY_TARGET, HR_TARGET, delivery_times, hr_attrition, write_csv

pytestmark = pytest.mark.db


def test_hr_stats_rank_attrition_first_and_explain_each_column(client: TestClient, tmp_path: Path) -> None:
    created = upload(client, write_csv(hr_attrition(), tmp_path / "hr.csv"))
    assert created.status_code == 201, created.text
    dataset = created.json()
    assert (dataset["suggested_target"], dataset["suggested_problem_type"]) == (HR_TARGET, "binary")

    stats = client.get(f"/api/datasets/{dataset['id']}/stats").json()
    first = stats["target_candidates"][0]
    assert first == {
        "name": HR_TARGET,
        "problem_type": "binary",
        "confidence": "high",
        "reason": "two values, No and Yes; named like an outcome; last usable column",
    }
    # Each column's `checks` (what training does with it) are compared with training in test_target_checks.py.
    columns = {
        c["name"]: {**c, "target": {k: v for k, v in c["target"].items() if k != "checks"}} for c in stats["columns"]
    }
    assert columns["EmployeeNumber"]["target"] == {
        "eligible": False,
        "problem_type": None,
        "reason": "looks like a row identifier (a different value on every row)",
    }
    assert columns["MonthlyIncome"]["target"]["problem_type"] == "regression"
    assert columns["OverTime"]["target"] == {
        "eligible": True,
        "problem_type": "binary",
        "reason": "two values, No and Yes",
    }
    assert "EmployeeNumber" not in [c["name"] for c in stats["target_candidates"]]


def test_delivery_stats_suggest_delivery_minutes(client: TestClient, tmp_path: Path) -> None:
    dataset = upload(client, write_csv(delivery_times(), tmp_path / "delivery.csv")).json()
    candidates = client.get(f"/api/datasets/{dataset['id']}/stats").json()["target_candidates"]
    assert (candidates[0]["name"], candidates[0]["problem_type"]) == (DELIVERY_TARGET, "regression")
    assert all(c["confidence"] == "low" for c in candidates if c["name"].startswith("item_"))
