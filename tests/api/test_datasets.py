"""Dataset endpoints: happy paths and every error a user can cause."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import upload

pytestmark = pytest.mark.db


def test_upload_titanic_infers_types_and_target(titanic: dict[str, Any]) -> None:
    assert titanic["n_rows"] == 891
    assert titanic["suggested_target"] == "survived"
    assert titanic["suggested_problem_type"] == "binary"
    kinds = {c["name"]: c["kind"] for c in titanic["columns"]}
    assert kinds["age"] == "numeric"
    assert len(titanic["sha256"]) == 64


def test_list_get_preview_stats(client: TestClient, titanic: dict[str, Any]) -> None:
    listed = client.get("/api/datasets").json()
    assert titanic["id"] in [d["id"] for d in listed["items"]]
    assert client.get(f"/api/datasets/{titanic['id']}").json()["name"] == "titanic.csv"
    preview = client.get(f"/api/datasets/{titanic['id']}/preview", params={"limit": 5}).json()
    assert len(preview["rows"]) == 5 and preview["total_rows"] == 891
    assert "survived" in preview["columns"]
    stats = client.get(f"/api/datasets/{titanic['id']}/stats").json()["columns"]
    age = next(c for c in stats if c["name"] == "age")
    assert age["missing"] > 0 and age["min"] is not None


def test_unknown_dataset_is_404(client: TestClient) -> None:
    for path in ("", "/preview", "/stats"):
        response = client.get(f"/api/datasets/{'0' * 32}{path}")
        assert response.status_code == 404
        assert "not found" in response.json()["detail"]
    assert client.delete(f"/api/datasets/{'0' * 32}").status_code == 404


def test_preview_limit_is_validated(client: TestClient, titanic: dict[str, Any]) -> None:
    assert client.get(f"/api/datasets/{titanic['id']}/preview", params={"limit": 0}).status_code == 422


def _leftovers(client: TestClient) -> list[Path]:
    settings = client.app.state.ctx.settings  # type: ignore[attr-defined]
    return list(settings.upload_dir.iterdir())


@pytest.mark.parametrize(
    ("filename", "content", "status", "words"),
    [
        ("empty.csv", b"", 422, "empty"),
        ("header.csv", b"a,b,c\n", 422, "no rows"),
        ("one.csv", b"a\n1\n2\n3\n", 422, "two columns"),
        ("fake.parquet", b"a,b\n1,2\n3,4\n", 422, "parquet"),
        ("notes.docx", b"whatever", 415, "reads .csv"),
        ("noext", b"a,b\n1,2\n", 415, "no extension"),
    ],
)
def test_bad_files_get_a_clear_4xx_and_leave_nothing(
    client: TestClient, tmp_path: Path, filename: str, content: bytes, status: int, words: str
) -> None:
    before = client.get("/api/datasets").json()["count"]
    path = tmp_path / filename
    path.write_bytes(content)
    response = upload(client, path)
    assert response.status_code == status, response.text
    assert words in response.json()["detail"].lower()
    assert client.get("/api/datasets").json()["count"] == before
    assert _leftovers(client) == []


def test_upload_over_the_limit_is_413_and_leaves_nothing(client: TestClient, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    row = b"1.2345678,2.3456789,abcdefghij\n"
    path.write_bytes(b"a,b,c\n" + row * (3 * 2**20 // len(row)))  # ~3 MB against a 2 MB limit
    response = upload(client, path)
    assert response.status_code == 413
    assert "MAX_UPLOAD_SIZE_MB" in response.json()["detail"]
    assert _leftovers(client) == []


def test_sqlite_needs_a_table_choice(client: TestClient, tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE customers (age INTEGER, spend REAL, churned INTEGER)")
        conn.executemany("INSERT INTO customers VALUES (?, ?, ?)", [(20 + i, i * 1.5, i % 2) for i in range(30)])
        conn.execute("CREATE TABLE orders (id INTEGER, total REAL)")
    response = upload(client, path)
    assert response.status_code == 422
    assert "customers" in response.json()["detail"] and "orders" in response.json()["detail"]
    chosen = upload(client, path, table="customers")
    assert chosen.status_code == 201, chosen.text
    assert chosen.json()["n_rows"] == 30 and chosen.json()["table_name"] == "customers"
    assert upload(client, path, table="nope").status_code == 422


def test_delete_removes_dataset(client: TestClient, tmp_path: Path) -> None:
    path = tmp_path / "small.csv"
    path.write_text("x,y\n" + "\n".join(f"{i},{i % 3}" for i in range(40)))
    created = upload(client, path).json()
    assert client.delete(f"/api/datasets/{created['id']}").status_code == 204
    assert client.get(f"/api/datasets/{created['id']}").status_code == 404
