"""Fixtures for flowml.data tests: the shared real datasets and a small table in every format."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import dataset_path


@pytest.fixture
def titanic_csv() -> Path:
    return dataset_path("titanic.csv")


@pytest.fixture
def adult_csv() -> Path:
    return dataset_path("adult.csv")


@pytest.fixture
def shared_datasets_dir() -> Path:
    return dataset_path("manifest.json").parent
