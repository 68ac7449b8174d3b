"""Problem-type inference in one place (engine/problem.py): for every target shape, the data page's suggestion
(GET /api/datasets/{id}/stats: the column's verdict, its hint and the target candidates), an "auto" job
(POST /api/training/start) and `flowml train --task auto` (automl/local_run.py, which the CLI runs through) train
it as the same type.

The issue's case: wine_quality_white's `quality` (integer scores 3..9, 7 values, ~4900 rows, most of them 5-7)
was suggested as regression but trained as multiclass."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from flowml.automl.local_run import LocalRunSpec, stage_table
from flowml.data.ingest import inspect_file
from tests.api.conftest import upload

pytestmark = pytest.mark.db

WINE_ROWS = 4898
# wine_quality_white's own class counts for quality 3..9.
WINE_COUNTS = {3: 20, 4: 163, 5: 1457, 6: 2198, 7: 880, 8: 175, 9: 5}


def wine_shaped() -> pd.DataFrame:
    """One column of each target shape, the wine table's length; `quality` last, as in the real file."""
    rng = np.random.default_rng(11)
    quality = np.repeat(list(WINE_COUNTS), list(WINE_COUNTS.values()))
    rng.shuffle(quality)
    return pd.DataFrame(
        {
            "alcohol": rng.normal(10.5, 1.2, WINE_ROWS).round(2),  # floats: a quantity
            "residual_sugar": rng.integers(0, 400, WINE_ROWS),  # many integer values: a quantity
            "colour": rng.choice(["red", "white", "rose"], WINE_ROWS),  # text labels: classes
            "organic": rng.choice(["yes", "no"], WINE_ROWS),  # two text values
            "sparkling": rng.choice([True, False], WINE_ROWS),  # booleans are labels, not numbers
            "rating_bin": rng.choice([0, 1], WINE_ROWS),  # two integers
            "quality": quality,  # few integer values, skewed
        }
    )


EXPECTED = {
    "alcohol": "regression",
    "residual_sugar": "regression",
    "colour": "multiclass",
    "organic": "binary",
    "sparkling": "binary",
    "rating_bin": "binary",
    "quality": "multiclass",
}


def few_rows() -> pd.DataFrame:
    """15 integer values in 40 rows: too many classes for so few rows, so a quantity."""
    rng = np.random.default_rng(5)
    return pd.DataFrame({"x": rng.normal(size=40).round(3), "score": np.resize(np.arange(15), 40)})


def _data_page(client: TestClient, path: Path) -> tuple[str, dict[str, dict[str, Any]], dict[str, str]]:
    """The dataset id, each column's target hint and the candidates' problem types, as the Data page gets them."""
    created = upload(client, path)
    assert created.status_code == 201, created.text
    dataset_id = created.json()["id"]
    stats = client.get(f"/api/datasets/{dataset_id}/stats")
    assert stats.status_code == 200, stats.text
    body = stats.json()
    hints = {column["name"]: column["target"] for column in body["columns"]}
    candidates = {c["name"]: c["problem_type"] for c in body["target_candidates"]}
    return dataset_id, hints, candidates


def _auto_job(client: TestClient, dataset_id: str, column: str) -> str:
    body = {
        "dataset_id": dataset_id,
        "target_column": column,
        "problem_type": "auto",
        "time_budget": 0.1,
        "algorithms": ["decision_tree"],
    }
    started = client.post("/api/training/start", json=body)
    assert started.status_code == 201, (column, started.text)
    job = started.json()
    # Only the type it trains as matters here: free the slot for the next one.
    assert client.post(f"/api/training/jobs/{job['id']}/cancel").status_code == 200
    return str(job["problem_type"])


def _cli_auto(path: Path, column: str, workdir: Path) -> str:
    """What `flowml train --task auto` (and `flowml.AutoML`) trains the column as: the file read as the CLI reads
    it, then staged by the local run both share (automl/local_run.py), which resolves the problem type."""
    spec = LocalRunSpec(
        target=column,
        task="auto",
        metric=None,
        algorithms=None,
        folds=5,
        max_trials=None,
        seed=0,
        time_budget=60,
        started_at=0.0,
        workers=1,
    )
    workdir.mkdir(parents=True, exist_ok=True)
    return stage_table(inspect_file(path, extension="csv"), spec, workdir).problem.value


def _assert_all_agree(client: TestClient, frame: pd.DataFrame, path: Path, expected: dict[str, str]) -> None:
    frame.to_csv(path, index=False)
    dataset_id, hints, candidates = _data_page(client, path)
    for column, problem in expected.items():
        hint = hints[column]
        seen = {
            "stats verdict": hint["checks"]["auto"]["problem_type"],
            "column hint": hint["problem_type"],
            "auto job": _auto_job(client, dataset_id, column),
            "flowml train --task auto": _cli_auto(path, column, path.parent / f"cli-{column}"),
        }
        if column in candidates:  # a suggestion, when the column is one, names the same type
            seen["target candidate"] = candidates[column]
        assert set(seen.values()) == {problem}, (column, seen)


def test_every_target_shape_trains_as_the_data_page_suggests(client: TestClient, tmp_path: Path) -> None:
    _assert_all_agree(client, wine_shaped(), tmp_path / "wine.csv", EXPECTED)


def test_the_wine_quality_column_is_suggested_as_multiclass(client: TestClient, tmp_path: Path) -> None:
    path = tmp_path / "wine_only.csv"
    wine_shaped()[["alcohol", "quality"]].to_csv(path, index=False)
    created = upload(client, path).json()
    assert (created["suggested_target"], created["suggested_problem_type"]) == ("quality", "multiclass")


def test_many_classes_in_few_rows_are_a_quantity_everywhere(client: TestClient, tmp_path: Path) -> None:
    _assert_all_agree(client, few_rows(), tmp_path / "few.csv", {"score": "regression"})
