"""SQLite databases (.db, .sqlite, .sqlite3), opened read-only; never runs SQL that came from the user.

The only statements executed are two fixed ones: listing tables from `sqlite_master`, and `SELECT * FROM "<name>"`
where <name> is first checked against that list and then quoted as an identifier. An authorizer denies everything
but reading, so even a crafted schema cannot make the connection write.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from urllib.parse import quote

from flowml.core.errors import DataFormatError, InvalidInputError
from flowml.data.content import mislabelled, read_head
from flowml.data.readers.base import RawTable, ReadRequest, quote_names, short_reason
from flowml.data.readers.records import frame_from_rows

_MAGIC = b"SQLite format 3\x00"
_ALLOWED_ACTIONS = frozenset({sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION})
_LIST_TABLES = "SELECT name, sql FROM sqlite_master WHERE type = 'table'"


def list_sqlite_tables(path: Path) -> list[str]:
    """Names of the user tables, sorted."""
    with _connect(path) as connection:
        return _tables(connection, path)


def read_sqlite(request: ReadRequest) -> RawTable:
    with _connect(request.path) as connection:
        tables = _tables(connection, request.path)
        name, notes = _choose_table(tables, request.table)
        try:
            cursor = connection.execute(f"SELECT * FROM {quote_identifier(name)}")
            rows = cursor.fetchall()
        except sqlite3.Error as exc:
            raise DataFormatError(f"could not read table '{name}': {short_reason(exc, request.path)}") from exc
        names = [column[0] for column in cursor.description]
    if not rows:
        raise DataFormatError(f"the table '{name}' has no rows")
    df, renamed = frame_from_rows(names, rows)
    return RawTable(df, notes + renamed)


def quote_identifier(name: str) -> str:
    """SQL identifier quoting: wrap in double quotes, double any inside."""
    return '"' + name.replace('"', '""') + '"'


@contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    head = read_head(path, len(_MAGIC))
    if head != _MAGIC:
        raise mislabelled("a SQLite database", read_head(path))
    # mode=ro refuses writes; immutable=1 also skips locking and journal/WAL files, so reading leaves no trace.
    uri = f"file:{quote(path.resolve().as_posix())}?mode=ro&immutable=1"
    try:
        connection = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise DataFormatError(f"could not open this SQLite database: {short_reason(exc, path)}") from exc
    with closing(connection):
        connection.execute("PRAGMA trusted_schema = OFF")  # schema-defined SQL may not call risky functions
        connection.set_authorizer(_authorize)
        yield connection


def _authorize(action: int, _arg1: str | None, _arg2: str | None, _db: str | None, _source: str | None) -> int:
    return sqlite3.SQLITE_OK if action in _ALLOWED_ACTIONS else sqlite3.SQLITE_DENY


def _tables(connection: sqlite3.Connection, path: Path) -> list[str]:
    """User tables, sorted. Left out: SQLite's own `sqlite_*` tables, virtual tables (their modules run code of
    their own) and the shadow tables that hold a virtual table's data (named `<virtual>_...` by convention)."""
    try:
        rows: list[tuple[str, str | None]] = connection.execute(_LIST_TABLES).fetchall()
    except sqlite3.DatabaseError as exc:
        raise DataFormatError(
            f"this file does not look like a SQLite database or it is damaged: {short_reason(exc, path)}"
        ) from exc
    virtual = {name for name, sql in rows if (sql or "").lstrip().upper().startswith("CREATE VIRTUAL TABLE")}
    shadow_prefixes = tuple(f"{name}_" for name in virtual)
    return sorted(
        name
        for name, _sql in rows
        if not name.startswith("sqlite_") and name not in virtual and not name.startswith(shadow_prefixes)
    )


def _choose_table(tables: list[str], requested: str | None) -> tuple[str, list[str]]:
    if not tables:
        raise DataFormatError("this database has no tables")
    if requested is None:
        if len(tables) > 1:
            raise InvalidInputError(f"this database has tables {quote_names(tables)}; choose one with `table`")
        return tables[0], [f"read the table '{tables[0]}', the only one in the database"]
    if requested not in tables:
        raise InvalidInputError(f"this database has no table '{requested}'; its tables are {quote_names(tables)}")
    return requested, []
