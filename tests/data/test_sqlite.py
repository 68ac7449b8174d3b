"""SQLite: table choice, errors that list the tables, read-only access, and no SQL from user input."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from flowml.core.errors import DataFormatError, InvalidInputError
from flowml.data.formats import list_sqlite_tables, read_table, read_table_with_notes
from flowml.data.hashing import sha256_of_file
from flowml.data.readers.sqlite import _connect

TRICKY_NAME = 'x"; DROP TABLE a; --'
TRICKY_SQL = '"' + TRICKY_NAME.replace('"', '""') + '"'  # written by hand here, not with the code under test


def _database(path: Path, *statements: str) -> Path:
    connection = sqlite3.connect(path)
    with connection:
        for statement in statements:
            connection.execute(statement)
    connection.close()
    return path


@pytest.fixture
def several_tables(tmp_path: Path) -> Path:
    return _database(
        tmp_path / "upload",
        "CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)",  # creates sqlite_sequence too
        "INSERT INTO a (v) VALUES ('one'), ('two')",
        "CREATE TABLE b (x REAL, y TEXT)",
        "INSERT INTO b VALUES (1.5, 'p'), (2.5, 'q')",
        f"CREATE TABLE {TRICKY_SQL} (k INTEGER, w TEXT)",
        f"INSERT INTO {TRICKY_SQL} VALUES (7, 'safe'), (8, 'sound')",
        "CREATE VIEW v AS SELECT * FROM b",
    )


def _fingerprint(path: Path) -> tuple[str, int, list[str]]:
    return sha256_of_file(path), path.stat().st_mtime_ns, sorted(p.name for p in path.parent.iterdir())


def test_lists_user_tables_only(several_tables: Path) -> None:
    assert list_sqlite_tables(several_tables) == ["a", "b", TRICKY_NAME]


def test_virtual_tables_and_their_shadow_tables_are_not_listed(tmp_path: Path) -> None:
    path = _database(
        tmp_path / "upload",
        "CREATE TABLE t (a INTEGER, b TEXT)",
        "INSERT INTO t VALUES (1, 'x')",
        "CREATE VIRTUAL TABLE docs USING fts5(body)",
    )
    assert list_sqlite_tables(path) == ["t"]
    assert read_table(path, extension=".db").rows() == [(1, "x")]


def test_several_tables_require_a_choice_naming_them(several_tables: Path) -> None:
    with pytest.raises(InvalidInputError) as caught:
        read_table(several_tables, extension=".sqlite")
    assert caught.value.message == (f"this database has tables 'a', 'b', '{TRICKY_NAME}'; choose one with `table`")


def test_chosen_table_is_read(several_tables: Path) -> None:
    df = read_table(several_tables, extension=".sqlite", table="b")
    assert df.columns == ["x", "y"]
    assert df.rows() == [(1.5, "p"), (2.5, "q")]


def test_unknown_table_names_the_tables(several_tables: Path) -> None:
    with pytest.raises(InvalidInputError, match="has no table 'c'; its tables are 'a', 'b'"):
        read_table(several_tables, extension=".db", table="c")


def test_single_table_is_used_with_a_note(tmp_path: Path) -> None:
    path = _database(tmp_path / "upload", "CREATE TABLE only (a INTEGER, b TEXT)", "INSERT INTO only VALUES (1, 'x')")
    df, notes = read_table_with_notes(path, extension=".sqlite3")
    assert df.rows() == [(1, "x")]
    assert "read the table 'only', the only one in the database" in notes


def test_table_name_with_quotes_and_semicolons_is_read_safely(several_tables: Path) -> None:
    before = _fingerprint(several_tables)

    df = read_table(several_tables, extension=".db", table=TRICKY_NAME)

    assert df.rows() == [(7, "safe"), (8, "sound")]
    assert _fingerprint(several_tables) == before
    assert list_sqlite_tables(several_tables) == ["a", "b", TRICKY_NAME]  # table a was not dropped


@pytest.mark.parametrize("table", ["a; DROP TABLE b", "b UNION SELECT name, sql FROM sqlite_master", "* FROM a --"])
def test_sql_in_the_table_argument_is_never_executed(several_tables: Path, table: str) -> None:
    before = _fingerprint(several_tables)
    with pytest.raises(InvalidInputError, match="has no table"):
        read_table(several_tables, extension=".db", table=table)
    assert _fingerprint(several_tables) == before


def test_reading_leaves_the_file_and_directory_untouched(several_tables: Path) -> None:
    before = _fingerprint(several_tables)
    list_sqlite_tables(several_tables)
    read_table(several_tables, extension=".db", table="a")
    assert _fingerprint(several_tables) == before  # same bytes, same mtime, no -journal/-wal/-shm files


def test_the_connection_refuses_writes(several_tables: Path) -> None:
    with _connect(several_tables) as connection, pytest.raises(sqlite3.DatabaseError):
        connection.execute("DELETE FROM b")
    assert read_table(several_tables, extension=".db", table="b").height == 2


def test_dynamic_types_and_blobs_are_read(tmp_path: Path) -> None:
    path = _database(
        tmp_path / "upload",
        "CREATE TABLE t (mixed, blob BLOB, n INTEGER)",
        "INSERT INTO t VALUES (1, x'0102', 1), ('two', NULL, 2), (3.5, x'ff', 3)",
    )
    df = read_table(path, extension=".db")
    assert df.get_column("mixed").to_list() == ["1", "two", "3.5"]
    assert df.get_column("blob").to_list() == ["0102", None, "ff"]


def test_empty_table_and_empty_database(tmp_path: Path) -> None:
    path = _database(tmp_path / "upload", "CREATE TABLE t (a INTEGER, b TEXT)")
    with pytest.raises(DataFormatError, match="the table 't' has no rows"):
        read_table(path, extension=".db")

    empty = _database(tmp_path / "empty", "CREATE TABLE t (a INTEGER)", "DROP TABLE t")
    with pytest.raises(DataFormatError, match="this database has no tables"):
        read_table(empty, extension=".db")


def test_csv_named_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "upload"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match="does not look like a SQLite database; it looks like text"):
        read_table(path, extension=".sqlite")
    with pytest.raises(DataFormatError, match="does not look like a SQLite database"):
        list_sqlite_tables(path)
