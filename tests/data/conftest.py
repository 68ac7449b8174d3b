"""Fixtures for flowml.data tests: the real tables in tests/fixtures/datasets and a small table in every format."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import dataset_path


@pytest.fixture
def titanic_csv() -> Path:
    return dataset_path("titanic.csv")


@pytest.fixture
def adult_csv() -> Path:
    return dataset_path("adult.csv")


@pytest.fixture
def manifest() -> list[dict[str, Any]]:
    """The shipped tables, described as the benchmark sets' manifest.json describes its own."""
    entries: list[dict[str, Any]] = json.loads(dataset_path("manifest.json").read_text(encoding="utf-8"))
    return entries
