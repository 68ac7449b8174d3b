"""Column types and id/time helpers shared by every table."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Literal, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlmodel.main import SQLModelConfig

# For response models: every field is always in the answer, defaults included, so the OpenAPI schema marks them all
# required and the dashboard's generated types read `x: T | null` rather than `x?: T | null`.
# SQLModelConfig is ConfigDict plus SQLModel's keys, so plain pydantic models take it too.
RESPONSE_CONFIG = SQLModelConfig(json_schema_serialization_defaults_required=True)

# The values of data.schema.ColumnKind and engine.types.ProblemType, spelled out because db imports only core
# (docs/architecture.md); tests/api/test_openapi_client.py checks that they agree.
ColumnKindValue = Literal["numeric", "categorical", "boolean", "datetime", "text", "id"]
ProblemTypeValue = Literal["binary", "multiclass", "regression", "clustering"]
# What a column can be trained as when it is the target: every problem type but clustering, which has no target.
TargetProblemTypeValue = Literal["binary", "multiclass", "regression"]


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return uuid.uuid4().hex


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Stores UTC and always returns timezone-aware datetimes.

    SQLite keeps no zone; without this, values read back are naive and a browser would read them as local time.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


E = TypeVar("E", bound=StrEnum)


class EnumString(sa.types.TypeDecorator[E]):
    """A StrEnum stored as its plain string, read back as the enum.

    A VARCHAR, not a database enum, so adding a value needs no migration; without the read-back conversion a row
    loaded from SQL would hold a bare string where its model declares the enum."""

    impl = sa.String
    cache_ok = True

    def __init__(self, enum: type[E], length: int = 16) -> None:
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: Any, dialect: Dialect) -> E | None:
        return None if value is None else self.enum(value)


def json_column(nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(sa.JSON(), nullable=nullable)


def time_column(nullable: bool = True, index: bool = False) -> sa.Column[Any]:
    return sa.Column(UTCDateTime(), nullable=nullable, index=index)
