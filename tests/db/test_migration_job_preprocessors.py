"""Migration 0010: `jobs.preprocessors` arrives as `[]` on the jobs already there (they ran no steps), holds a list,
and goes away again on downgrade; on SQLite, and on PostgreSQL when FLOWML_TEST_DATABASE_URL names a server."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import Connection

from flowml.db.engine import create_engine
from flowml.db.migrate import alembic_config
from tests.api.conftest import make_settings
from tests.conftest import drop_test_database, make_test_database_url

pytestmark = pytest.mark.db


def _migrate(connection: Connection, url: str, revision: str, *, down: bool = False) -> None:
    config = alembic_config(url)
    config.attributes["connection"] = connection
    (command.downgrade if down else command.upgrade)(config, revision)


def _columns(connection: Connection) -> dict[str, dict[str, Any]]:
    return {c["name"]: dict(c) for c in sa.inspect(connection).get_columns("jobs")}


def _placeholder(column: dict[str, Any]) -> Any:
    """A value for a NOT NULL column of the 0009 schema, by its type (the test needs a row, not meaning)."""
    kind = column["type"]
    if isinstance(kind, sa.JSON):
        return json.dumps([])
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.Integer | sa.Float | sa.Numeric):
        return 0
    if isinstance(kind, sa.DateTime):
        return datetime(2026, 1, 1, tzinfo=UTC)
    return "x"


def _insert_job(connection: Connection) -> None:
    required = [c for c in _columns(connection).values() if not c["nullable"] and c.get("default") is None]
    row = {c["name"]: _placeholder(c) for c in required} | {"id": "old-job"}
    names = ", ".join(row)
    connection.execute(sa.text(f"INSERT INTO jobs ({names}) VALUES ({', '.join(f':{n}' for n in row)})"), row)


def _stored(connection: Connection) -> Any:
    value = connection.execute(sa.text("SELECT preprocessors FROM jobs WHERE id = 'old-job'")).scalar_one()
    return json.loads(value) if isinstance(value, str) else value


def test_0010_adds_preprocessors_as_empty_lists_and_drops_them_again(tmp_path: Path) -> None:
    url, dbname = make_test_database_url(tmp_path)
    settings = make_settings(tmp_path, url)

    async def run() -> tuple[bool, Any, Any, bool]:
        engine = create_engine(settings)
        database = engine.url.render_as_string(hide_password=False)
        try:
            async with engine.begin() as connection:
                await connection.run_sync(_migrate, database, "0009")
                before = "preprocessors" in await connection.run_sync(_columns)
                await connection.run_sync(_insert_job)
            async with engine.begin() as connection:
                await connection.run_sync(_migrate, database, "0010")
                existing = await connection.run_sync(_stored)
                await connection.execute(sa.text("""UPDATE jobs SET preprocessors = '["pca"]' WHERE id = 'old-job'"""))
                updated = await connection.run_sync(_stored)
            async with engine.begin() as connection:
                await connection.run_sync(_migrate, database, "0009", down=True)
                after = "preprocessors" in await connection.run_sync(_columns)
            return before, existing, updated, after
        finally:
            await engine.dispose()

    try:
        before, existing, updated, after = asyncio.run(run())
    finally:
        drop_test_database(dbname)
    assert not before and not after
    assert existing == [] and updated == ["pca"]
