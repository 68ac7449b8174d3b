"""Migration 0013: jobs already stored become training jobs (`kind` "training", no workflow), the workflow_runs table
arrives, and downgrading removes both again; on SQLite, and on PostgreSQL when FLOWML_TEST_DATABASE_URL names a
server."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import Connection

from flowml.db.engine import create_engine
from tests.api.conftest import make_settings
from tests.conftest import drop_test_database, make_test_database_url
from tests.db.test_migration_job_preprocessors import _columns, _insert_job, _migrate

pytestmark = pytest.mark.db


def _job(connection: Connection) -> Any:
    return connection.execute(sa.text("SELECT kind, workflow_id, workflow_run_id FROM jobs WHERE id = 'old-job'")).one()


def _tables(connection: Connection) -> set[str]:
    return set(sa.inspect(connection).get_table_names())


def test_0013_makes_stored_jobs_training_jobs_and_drops_the_runs_again(tmp_path: Path) -> None:
    url, dbname = make_test_database_url(tmp_path)
    settings = make_settings(tmp_path, url)

    async def run() -> tuple[bool, tuple[Any, ...], set[str], bool, set[str]]:
        engine = create_engine(settings)
        database = engine.url.render_as_string(hide_password=False)
        try:
            async with engine.begin() as connection:
                await connection.run_sync(_migrate, database, "0012")
                before = "kind" in await connection.run_sync(_columns)
                await connection.run_sync(_insert_job)
            async with engine.begin() as connection:
                await connection.run_sync(_migrate, database, "0013")
                stored = tuple(await connection.run_sync(_job))
                tables = await connection.run_sync(_tables)
            async with engine.begin() as connection:
                await connection.run_sync(_migrate, database, "0012", down=True)
                after = "kind" in await connection.run_sync(_columns)
                tables_after = await connection.run_sync(_tables)
            return before, stored, tables, after, tables_after
        finally:
            await engine.dispose()

    try:
        before, stored, tables, after, tables_after = asyncio.run(run())
    finally:
        drop_test_database(dbname)
    assert not before and not after
    assert stored == ("training", None, None)
    assert "workflow_runs" in tables and "workflow_runs" not in tables_after and "workflows" in tables_after
