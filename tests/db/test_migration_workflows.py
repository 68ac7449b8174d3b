"""Migration 0012: `workflows` and `workflow_versions` arrive empty beside the rows already there, with the foreign
keys the service relies on (a workflow's versions go with it, a deleted project leaves its workflows private), and
go away again on downgrade, leaving the older tables' rows alone. On SQLite, and on PostgreSQL when
FLOWML_TEST_DATABASE_URL names a server."""

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
from tests.db.test_migration_clustering import _insert, _one
from tests.db.test_migration_job_preprocessors import _migrate

pytestmark = pytest.mark.db

GRAPH = '{"version": 1, "nodes": [], "edges": []}'


def _tables(connection: Connection) -> set[str]:
    return set(sa.inspect(connection).get_table_names())


def _count(connection: Connection, query: str) -> int:
    return int(connection.execute(sa.text(query)).scalar_one())


def test_0012_adds_the_workflow_tables_with_their_keys_and_drops_them_again(tmp_path: Path) -> None:
    url, dbname = make_test_database_url(tmp_path)
    settings = make_settings(tmp_path, url)

    async def run() -> dict[str, Any]:
        engine = create_engine(settings)
        database = engine.url.render_as_string(hide_password=False)
        seen: dict[str, Any] = {}
        try:
            async with engine.begin() as connection:
                await connection.run_sync(_migrate, database, "0011")
                seen["before"] = await connection.run_sync(_tables)
                await connection.run_sync(_insert, "users", {"id": "u1", "username": "ann"})
                await connection.run_sync(_insert, "projects", {"id": "p1", "owner_id": "u1"})
            async with engine.begin() as connection:
                await connection.run_sync(_migrate, database, "0012")
                seen["empty"] = await connection.run_sync(_count, "SELECT COUNT(*) FROM workflows")
                await connection.run_sync(
                    _insert, "workflows", {"id": "w1", "owner_id": "u1", "project_id": "p1", "graph": GRAPH}
                )
                await connection.run_sync(_insert, "workflows", {"id": "w2", "owner_id": "u1", "graph": GRAPH})
                for number, workflow in ((1, "w1"), (2, "w1"), (1, "w2")):
                    await connection.run_sync(
                        _insert,
                        "workflow_versions",
                        {"id": f"v{number}{workflow}", "workflow_id": workflow, "version": number, "graph": GRAPH},
                    )
            async with engine.begin() as connection:
                # One version number per workflow: a second row for (w1, 2) is refused.
                with pytest.raises(sa.exc.IntegrityError):
                    async with connection.begin_nested():
                        await connection.run_sync(
                            _insert,
                            "workflow_versions",
                            {"id": "dup", "workflow_id": "w1", "version": 2, "graph": GRAPH},
                        )
                await connection.execute(sa.text("DELETE FROM projects WHERE id = 'p1'"))
                seen["project_after"] = await connection.run_sync(
                    _one, "SELECT project_id FROM workflows WHERE id = 'w1'"
                )
                await connection.execute(sa.text("DELETE FROM workflows WHERE id = 'w1'"))
                seen["versions_left"] = sorted(
                    (await connection.execute(sa.text("SELECT workflow_id, version FROM workflow_versions"))).all()
                )
            async with engine.begin() as connection:
                await connection.run_sync(_migrate, database, "0011", down=True)
                seen["after"] = await connection.run_sync(_tables)
                seen["users_after"] = await connection.run_sync(_one, "SELECT username FROM users")
            return seen
        finally:
            await engine.dispose()

    try:
        seen = asyncio.run(run())
    finally:
        drop_test_database(dbname)
    assert not {"workflows", "workflow_versions"} & seen["before"]
    assert seen["empty"] == 0
    assert seen["project_after"] is None  # back in its owner's private space, not pointing at nothing
    assert seen["versions_left"] == [("w2", 1)]  # w1's two versions went with it
    assert seen["after"] == seen["before"] and seen["users_after"] == "ann"
