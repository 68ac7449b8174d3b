"""Uploaded tables. The Parquet bytes live in the artifact store under a key derived from their SHA-256."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel

from flowml.db.types import (
    RESPONSE_CONFIG,
    ColumnKindValue,
    TargetProblemTypeValue,
    json_column,
    new_id,
    time_column,
    utcnow,
)


class DatasetBase(SQLModel):
    name: str = Field(max_length=255)
    file_format: str = Field(max_length=32)
    sha256: str = Field(max_length=64, index=True)
    size_bytes: int
    n_rows: int
    n_cols: int
    suggested_target: str | None = None
    suggested_problem_type: str | None = None
    table_name: str | None = None
    # The shared project it belongs to (projects.id); None: private to its owner.
    project_id: str | None = Field(default=None, max_length=32, index=True)


class Dataset(DatasetBase, table=True):
    __tablename__ = "datasets"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    storage_key: str = Field(max_length=255)
    # The user it belongs to (users.id); None for rows from before accounts existed, which admins see.
    owner_id: str | None = Field(default=None, max_length=32, index=True)
    columns: list[dict[str, Any]] = Field(default_factory=list, sa_column=json_column())
    notes: list[str] = Field(default_factory=list, sa_column=json_column())
    profile: list[dict[str, Any]] = Field(default_factory=list, sa_column=json_column())
    created_at: datetime = Field(default_factory=utcnow, sa_column=time_column(nullable=False, index=True))


class DatasetColumn(SQLModel):
    name: str
    kind: ColumnKindValue = Field(description="How FlowML treats the column when training")
    dtype: str = Field(description="The stored (polars) data type")


class DatasetPublic(DatasetBase):
    model_config = RESPONSE_CONFIG

    id: str
    # Narrower than the table's plain strings and JSON: the values the ingest writes (services/datasets.py).
    suggested_problem_type: TargetProblemTypeValue | None = None
    columns: list[DatasetColumn]
    notes: list[str]
    created_at: datetime


class DatasetsPublic(SQLModel):
    items: list[DatasetPublic]
    count: int
