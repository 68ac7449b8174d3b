"""The format contract: the same table written in every supported format reads back the same."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from flowml.core.errors import DataFormatError, UnsupportedFormatError
from flowml.data.formats import (
    SUPPORTED_EXTENSIONS,
    extension_of,
    normalize_extension,
    read_table,
    read_table_with_notes,
    write_parquet_bytes,
)
from flowml.data.hashing import sha256_of_bytes, sha256_of_file
from flowml.data.ingest import inspect_file
from flowml.data.schema import ColumnKind

from .writers import COLUMNS, ROWS, WRITERS, Writer

CASES = [pytest.param(ext, writer, id=f"{ext}-{name}") for ext, name, writer in WRITERS]


def _canonical(value: Any) -> Any:
    """Compare across formats: a midnight datetime (Excel has no date-only cells) is the date it names."""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    return value


def _write(tmp_path: Path, extension: str, writer: Writer) -> Path:
    # Stored uploads carry no extension: read_table must go by the `extension` argument alone.
    path = tmp_path / "upload"
    writer(path)
    return path


def test_every_supported_extension_has_a_contract_case() -> None:
    assert {ext for ext, _name, _writer in WRITERS} == set(SUPPORTED_EXTENSIONS)


@pytest.mark.parametrize(("extension", "writer"), CASES)
def test_reads_shape_names_and_scalar_dtypes(tmp_path: Path, extension: str, writer: Writer) -> None:
    df = read_table(_write(tmp_path, extension, writer), extension=extension)

    assert df.shape == (len(ROWS), len(COLUMNS))
    assert df.columns == COLUMNS
    assert not any(isinstance(dtype, pl.List | pl.Array | pl.Struct | pl.Object) for dtype in df.dtypes)


@pytest.mark.parametrize(("extension", "writer"), CASES)
def test_values_and_kinds_survive_the_round_trip(tmp_path: Path, extension: str, writer: Writer) -> None:
    table = inspect_file(_write(tmp_path, extension, writer), extension=extension)

    rows = [tuple(_canonical(value) for value in row) for row in table.df.rows()]
    assert rows == ROWS  # SQLite's 1/0 compare equal to True/False
    assert table.kinds == {
        "id": ColumnKind.ID,
        "score": ColumnKind.NUMERIC,
        "city": ColumnKind.CATEGORICAL,
        "active": ColumnKind.BOOLEAN,
        "joined": ColumnKind.DATETIME,
    }
    assert table.df.schema["joined"] in (pl.Date, pl.Datetime)
    assert (table.n_rows, table.n_cols) == (4, 5)


@pytest.mark.parametrize("extension", sorted(SUPPORTED_EXTENSIONS))
def test_empty_file_is_reported_as_empty_for_every_extension(tmp_path: Path, extension: str) -> None:
    path = tmp_path / "upload"
    path.write_bytes(b"")

    with pytest.raises(DataFormatError, match="the file is empty"):
        read_table(path, extension=extension)


@pytest.mark.parametrize(
    ("filename", "expected"), [("data.CSV", ".csv"), ("a.b.Parquet", ".parquet"), ("x.yml", ".yml")]
)
def test_extension_of_lowercases(filename: str, expected: str) -> None:
    assert extension_of(filename) == expected


@pytest.mark.parametrize("filename", ["report.docx", "archive.tar.gz", "noextension"])
def test_unknown_extension_lists_the_supported_ones(filename: str) -> None:
    with pytest.raises(UnsupportedFormatError) as caught:
        extension_of(filename)
    assert ".csv" in caught.value.message
    assert ".sqlite" in caught.value.message


def test_normalize_extension_accepts_bare_and_dotted_forms() -> None:
    assert normalize_extension("CSV") == normalize_extension(".csv") == ".csv"
    with pytest.raises(UnsupportedFormatError, match="not supported"):
        read_table(Path("whatever"), extension=".exe")


def test_missing_file_is_a_data_format_error(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="missing"):
        read_table(tmp_path / "nope", extension=".csv")


def test_parquet_bytes_round_trip_and_hashes(tmp_path: Path) -> None:
    df = pl.DataFrame({"a": [1, 2, None], "b": ["x", None, "z"]})
    data = write_parquet_bytes(df)
    path = tmp_path / "stored"
    path.write_bytes(data)

    assert pl.read_parquet(io.BytesIO(data)).equals(df)
    assert sha256_of_file(path) == sha256_of_bytes(data)
    assert len(sha256_of_bytes(data)) == 64
    assert write_parquet_bytes(df) == data  # deterministic: the same table gets the same content address


def test_inspect_file_notes_text_parsed_as_dates(tmp_path: Path) -> None:
    path = tmp_path / "upload"
    path.write_text("day,value\n2024-01-01,1\n2024-01-02,2\nnot a date,3\n" + "2024-01-03,4\n" * 60, encoding="utf-8")

    table = inspect_file(path, extension=".csv")

    assert table.df.schema["day"] == pl.Date
    assert table.notes == ["column 'day' was read as Date from text; 1 value(s) that did not parse are now missing"]


def test_notes_are_empty_for_a_clean_file(tmp_path: Path) -> None:
    path = tmp_path / "clean"
    path.write_text("a,b\n1,2\n", encoding="utf-8")

    df, notes = read_table_with_notes(path, extension=".csv")

    assert df.shape == (1, 2)
    assert notes == []
