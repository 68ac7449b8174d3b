"""Migration 0011: jobs and models may have no target (clustering), jobs gain `reference_column`, trials
`cluster_sizes` (`[]` on the trials already there); downgrading keeps every row, a missing target as ''. On SQLite,
and on PostgreSQL when FLOWML_TEST_DATABASE_URL names a server."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import Connection

from flowml.db.engine import create_engine
from tests.api.conftest import make_settings
from tests.conftest import drop_test_database, make_test_database_url
from tests.db.test_migration_job_preprocessors import _migrate, _placeholder

pytestmark = pytest.mark.db


def _columns(connection: Connection, table: str) -> dict[str, dict[str, Any]]:
    return {c["name"]: dict(c) for c in sa.inspect(connection).get_columns(table)}


def _insert(connection: Connection, table: str, values: dict[str, Any]) -> None:
    """A row of `table` with placeholders in its other NOT NULL columns (the test needs rows, not meaning)."""
    required = [c for c in _columns(connection, table).values() if not c["nullable"] and c.get("default") is None]
    row = {c["name"]: _placeholder(c) for c in required} | values
    names = ", ".join(row)
    connection.execute(sa.text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(f':{n}' for n in row)})"), row)


def _one(connection: Connection, query: str) -> Any:
    value = connection.execute(sa.text(query)).scalar_one()
    return json.loads(value) if isinstance(value, str) and value.startswith("[") else value


def test_0011_lets_clustering_rows_in_and_keeps_every_row_on_downgrade(tmp_path: Path) -> None:
    url, dbname = make_test_database_url(tmp_path)
    settings = make_settings(tmp_path, url)

    async def run() -> dict[str, Any]:
        engine = create_engine(settings)
        database = engine.url.render_as_string(hide_password=False)
        seen: dict[str, Any] = {}
        try:
            async with engine.begin() as connection:
                await connection.run_sync(_migrate, database, "0010")
                await connection.run_sync(_insert, "jobs", {"id": "old-job", "target_column": "survived"})
                await connection.run_sync(_insert, "trials", {"id": "old-trial", "job_id": "old-job"})
            async with engine.begin() as connection:
                await connection.run_sync(_migrate, database, "0011")
                seen["sizes"] = await connection.run_sync(_one, "SELECT cluster_sizes FROM trials")
                await connection.run_sync(
                    _insert, "jobs", {"id": "new-job", "target_column": None, "reference_column": "species"}
                )
                await connection.run_sync(_insert, "trained_models", {"id": "new-model", "target": None})
                seen["reference"] = await connection.run_sync(
                    _one, "SELECT reference_column FROM jobs WHERE id = 'new-job'"
                )
            async with engine.begin() as connection:
                await connection.run_sync(_migrate, database, "0010", down=True)
                seen["targets"] = sorted(
                    (await connection.execute(sa.text("SELECT id, target_column FROM jobs"))).all()
                )
                seen["model_target"] = await connection.run_sync(_one, "SELECT target FROM trained_models")
                seen["job_columns"] = set(await connection.run_sync(_columns, "jobs"))
                seen["trial_columns"] = set(await connection.run_sync(_columns, "trials"))
                seen["trials_after"] = await connection.run_sync(_one, "SELECT id FROM trials")
            return seen
        finally:
            await engine.dispose()

    try:
        seen = asyncio.run(run())
    finally:
        drop_test_database(dbname)
    # The trial survives both ways: recreating `jobs` on SQLite must not cascade into its trials.
    assert seen["sizes"] == [] and seen["reference"] == "species" and seen["trials_after"] == "old-trial"
    assert seen["targets"] == [("new-job", ""), ("old-job", "survived")]
    assert seen["model_target"] == ""
    assert "reference_column" not in seen["job_columns"] and "cluster_sizes" not in seen["trial_columns"]
