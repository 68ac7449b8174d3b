"""The migrations build exactly the schema the SQLModel tables describe, on SQLite and PostgreSQL, and step back
down cleanly: a column or index added to a table without a migration (or the reverse) fails here, not at a user's
first start after an upgrade."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection
from sqlmodel import SQLModel

import flowml.db.tables  # noqa: F401  (registers every table on the metadata)
from flowml.db.engine import create_engine
from flowml.db.migrate import alembic_config, upgrade
from tests.api.conftest import make_settings
from tests.conftest import drop_test_database, make_test_database_url

pytestmark = pytest.mark.db


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, SQLModel.metadata))


def _downgrade_to_base(connection: Connection, url: str) -> None:
    config = alembic_config(url)
    config.attributes["connection"] = connection
    command.downgrade(config, "base")


def test_migrations_match_the_tables_and_downgrade(tmp_path: Path) -> None:
    url, dbname = make_test_database_url(tmp_path)
    settings = make_settings(tmp_path, url)

    async def run() -> tuple[list[Any], list[str]]:
        engine = create_engine(settings)
        try:
            await upgrade(engine)
            async with engine.connect() as connection:
                differences = await connection.run_sync(_differences)
            async with engine.begin() as connection:
                await connection.run_sync(_downgrade_to_base, str(engine.url))
            async with engine.connect() as connection:
                left = await connection.run_sync(lambda c: sorted(c.dialect.get_table_names(c)))
            await upgrade(engine)  # and up again, from nothing
            return differences, left
        finally:
            await engine.dispose()

    try:
        differences, left = asyncio.run(run())
    finally:
        drop_test_database(dbname)
    assert differences == [], differences
    assert left == ["alembic_version"], left
