"""File formats -> polars DataFrame: the one entry point every upload, CLI file and worker goes through.

`read_table` looks up the reader for the extension, wraps any library error into a `DataFormatError` that names the
problem, normalises the result (clean unique names, scalar dtypes only) and checks it is a usable table. Readers
live in `flowml.data.readers`, one module per family of formats.
"""

from __future__ import annotations

import io
from pathlib import Path, PurePath

import polars as pl

from flowml.core.errors import DataFormatError, FlowMLError, InvalidInputError, UnsupportedFormatError
from flowml.data.columns import normalize_frame
from flowml.data.content import ensure_not_empty
from flowml.data.hashing import sha256_of_bytes, sha256_of_file
from flowml.data.limits import ReadLimits
from flowml.data.readers.base import Reader, ReadRequest, check_column_count, short_reason
from flowml.data.readers.columnar_sandbox import read_ipc, read_parquet
from flowml.data.readers.delimited import read_delimited
from flowml.data.readers.documents import read_json, read_json_lines, read_toml, read_yaml
from flowml.data.readers.excel_sandbox import list_excel_sheets, read_excel
from flowml.data.readers.sqlite import list_sqlite_tables, read_sqlite

__all__ = [
    "FORMAT_LABELS",
    "MIN_TRAINING_COLUMNS",
    "SUPPORTED_EXTENSIONS",
    "ReadLimits",
    "extension_of",
    "list_excel_sheets",
    "list_sqlite_tables",
    "normalize_extension",
    "read_table",
    "read_table_with_notes",
    "sha256_of_bytes",
    "sha256_of_file",
    "validate_table",
    "write_parquet_bytes",
]

SUPPORTED_EXTENSIONS: dict[str, str] = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "excel",
    ".xls": "excel",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".feather": "ipc",
    ".arrow": "ipc",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".toml": "toml",
    ".db": "sqlite",
    ".sqlite": "sqlite",
    ".sqlite3": "sqlite",
}

# How each format is named in messages to the user.
FORMAT_LABELS: dict[str, str] = {
    "csv": "CSV",
    "excel": "Excel",
    "parquet": "Parquet",
    "ipc": "Arrow/Feather",
    "json": "JSON",
    "jsonl": "JSON Lines",
    "yaml": "YAML",
    "toml": "TOML",
    "sqlite": "SQLite",
}

_READERS: dict[str, Reader] = {
    "csv": read_delimited,
    "excel": read_excel,
    "parquet": read_parquet,
    "ipc": read_ipc,
    "json": read_json,
    "jsonl": read_json_lines,
    "yaml": read_yaml,
    "toml": read_toml,
    "sqlite": read_sqlite,
}

# A table to train on needs at least one feature and a target.
MIN_TRAINING_COLUMNS = 2

# Formats that hold several tables and accept `table` (SQLite) or `sheet` (Excel) to pick one.
_TAKES_TABLE = frozenset({"sqlite", "json", "yaml", "toml"})
_TAKES_SHEET = frozenset({"excel"})


def extension_of(filename: str) -> str:
    """The lowercased extension of a user's file name, e.g. ".csv"; UnsupportedFormatError if FlowML cannot read it."""
    suffix = PurePath(filename.strip()).suffix
    if not suffix:
        raise UnsupportedFormatError(f"the file name '{filename}' has no extension; FlowML reads {_supported()}")
    return normalize_extension(suffix)


def normalize_extension(extension: str) -> str:
    """Accept ".CSV", "csv" or ".csv" alike and return ".csv"; anything unsupported raises UnsupportedFormatError."""
    normalized = "." + extension.strip().lower().lstrip(".")
    if normalized not in SUPPORTED_EXTENSIONS:
        raise UnsupportedFormatError(f"'{extension}' files are not supported; FlowML reads {_supported()}")
    return normalized


def read_table(
    path: Path,
    *,
    extension: str,
    table: str | None = None,
    sheet: str | None = None,
    min_columns: int = MIN_TRAINING_COLUMNS,
    limits: ReadLimits | None = None,
) -> pl.DataFrame:
    """Read a file as a validated DataFrame with clean, unique column names and scalar dtypes only.

    `table` picks a SQLite table (or a named list of records in JSON/YAML/TOML); `sheet` picks an Excel sheet.
    `min_columns` defaults to what training needs (features and a target); pass 1 for data to predict on.
    `limits` caps columns and decompressed size (default: the settings' defaults, see data/limits.py).
    Raises DataFormatError/UnsupportedFormatError/InvalidInputError with a message meant for the user.
    """
    df, _notes = read_table_with_notes(
        path, extension=extension, table=table, sheet=sheet, min_columns=min_columns, limits=limits
    )
    return df


def read_table_with_notes(
    path: Path,
    *,
    extension: str,
    table: str | None = None,
    sheet: str | None = None,
    min_columns: int = MIN_TRAINING_COLUMNS,
    limits: ReadLimits | None = None,
) -> tuple[pl.DataFrame, list[str]]:
    """`read_table`, plus notes the user should see (renamed columns, fallback encoding, chosen table, ...)."""
    ext = normalize_extension(extension)
    fmt = SUPPORTED_EXTENSIONS[ext]
    _check_choices(fmt, table=table, sheet=sheet)
    if not path.is_file():
        raise DataFormatError("the file is missing or is not a regular file")
    ensure_not_empty(path)
    limits = limits or ReadLimits()
    request = ReadRequest(path=path, extension=ext, table=table, sheet=sheet, limits=limits)
    try:
        raw = _READERS[fmt](request)
        df, notes = normalize_frame(raw.df)
    except (FlowMLError, MemoryError):
        raise
    except BaseException as exc:
        # Last line of defence: a library error nobody anticipated still gets a plain message. The Rust-backed
        # parsers (polars, calamine) can panic on damaged input, and a pyo3 panic derives from BaseException.
        if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
            raise  # KeyboardInterrupt, SystemExit, ...
        label = FORMAT_LABELS[fmt]
        raise DataFormatError(f"could not read this {label} file (is it damaged?): {short_reason(exc, path)}") from exc
    # Readers refuse wide files early where the format says its width up front; this covers the rest, and columns
    # that flattening nested records added.
    check_column_count(df.width, limits)
    validate_table(df, min_columns=min_columns)
    return df, raw.notes + notes


def validate_table(df: pl.DataFrame, *, min_columns: int = MIN_TRAINING_COLUMNS) -> None:
    """Raise DataFormatError unless `df` has a row and `min_columns` columns (default: features and a target)."""
    if df.width == 0:
        raise DataFormatError("the file is empty")
    if df.height == 0:
        raise DataFormatError("the file has a header but no rows")
    if df.width < min_columns:
        need = "two columns: features and a target" if min_columns == MIN_TRAINING_COLUMNS else f"{min_columns} columns"
        raise DataFormatError(
            f"the table needs at least {need}; it has {df.width} ({', '.join(repr(c) for c in df.columns)}). "
            "If this is a CSV file, check that its values are separated by commas, semicolons, tabs or pipes"
        )


def write_parquet_bytes(df: pl.DataFrame) -> bytes:
    """The canonical stored form of a dataset: Parquet (zstd), whose SHA-256 addresses it (ARCHITECTURE.md 6)."""
    buffer = io.BytesIO()
    df.write_parquet(buffer, compression="zstd", statistics=True)
    return buffer.getvalue()


def _check_choices(fmt: str, *, table: str | None, sheet: str | None) -> None:
    # Refuse rather than ignore: a `sheet` sent with a CSV is a client bug the user would never see otherwise.
    if table is not None and fmt not in _TAKES_TABLE:
        raise InvalidInputError(f"`table` applies to SQLite, JSON, YAML and TOML files, not {FORMAT_LABELS[fmt]}")
    if sheet is not None and fmt not in _TAKES_SHEET:
        raise InvalidInputError(f"`sheet` applies to Excel workbooks, not {FORMAT_LABELS[fmt]} files")


def _supported() -> str:
    return ", ".join(SUPPORTED_EXTENSIONS)
