"""Delimited text (.csv, .tsv, .txt): encoding fallback, delimiter sniffing, header cleaning, ragged-row errors."""

from __future__ import annotations

import csv
import io
from collections import Counter

import polars as pl
from polars.exceptions import PolarsError

from flowml.core.errors import DataFormatError
from flowml.data.columns import clean_column_names
from flowml.data.content import decode_text
from flowml.data.readers.base import RawTable, ReadRequest, check_column_count, short_reason

DELIMITERS = (",", ";", "\t", "|")
# Spellings of "missing" that spreadsheets, R, pandas and UCI exports write; "" is null by polars' default.
NULL_VALUES = ["NA", "N/A", "n/a", "NaN", "nan", "NULL", "null", "#N/A", "?"]
_SNIFF_CHARS = 64 * 1024
_SNIFF_ROWS = 100
_INFER_ROWS = 10_000
_DECIMAL_COMMA = r"^[+-]?\d+(,\d+)?$"
_DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "pipes"}


def read_delimited(request: ReadRequest) -> RawTable:
    data = request.path.read_bytes()
    decoded = decode_text(data, "CSV")
    text = decoded.text
    if not text.strip():
        raise DataFormatError("the file is empty")
    if "\n" not in text[:_SNIFF_CHARS] and "\r" in text:
        text = text.replace("\r", "\n")  # classic Mac line endings, which polars does not split on
    preferred = "\t" if request.extension == ".tsv" else ","
    sample = text[:_SNIFF_CHARS]
    delimiter = sniff_delimiter(sample, preferred)
    rows = csv.reader(io.StringIO(sample), delimiter=delimiter)
    header = next((row for row in rows if row), [])  # the first non-blank row, as polars skips blank lines too
    check_column_count(len(header), request.limits)  # before polars builds a column for each
    names, notes = clean_column_names(header)
    if decoded.note:
        notes.insert(0, decoded.note)
    if delimiter != preferred:
        notes.append(f"the columns are separated by {_DELIMITER_NAMES[delimiter]}")
    # Polars needs UTF-8: reuse the original bytes when they are exactly that, else encode the decoded text.
    unchanged = decoded.encoding == "utf-8" and text is decoded.text
    payload = data if unchanged else text.encode("utf-8")
    df = _parse(payload, delimiter, names, text)
    if delimiter == ";":
        df = _convert_decimal_commas(df, notes)
    return RawTable(df, notes)


def sniff_delimiter(sample: str, preferred: str) -> str:
    """The candidate that splits the first rows into the most consistent number (>1) of fields.

    The header row counts too, which settles European files where `;` separates and `,` is the decimal mark.
    Ties go to `preferred` (the extension's usual delimiter); with no candidate above one field, `preferred` wins
    and the one-column check reports the problem.
    """
    lines = sample.splitlines(keepends=True)
    if len(sample) >= _SNIFF_CHARS and len(lines) > 1:
        lines = lines[:-1]  # the last line of a cut sample is probably incomplete
    best, best_score = preferred, (0.0, 0, 0)
    for delimiter in DELIMITERS:
        rows = [row for row in _rows(lines, delimiter) if row]
        if not rows:
            continue
        width, frequency = Counter(len(row) for row in rows).most_common(1)[0]
        if width < 2:
            continue
        score = (frequency / len(rows), int(delimiter == preferred), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _rows(lines: list[str], delimiter: str) -> list[list[str]]:
    reader = csv.reader(lines, delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) >= _SNIFF_ROWS:
                break
    except csv.Error:
        pass  # a quoting problem later in the sample: judge on the rows read so far
    return rows


def _parse(payload: bytes, delimiter: str, names: list[str], text: str) -> pl.DataFrame:
    # Types come from the first rows (fast); if a later value does not fit them, polars raises and we read again
    # scanning every row, which is slower but lets a text value in row 50,000 turn its column into text.
    try:
        return _read_csv(payload, delimiter, names, _INFER_ROWS)
    except PolarsError as exc:
        if "more fields" in str(exc):
            raise _ragged_error(text, delimiter, len(names)) from exc
    try:
        return _read_csv(payload, delimiter, names, None)
    except PolarsError as exc:
        raise DataFormatError(f"could not read this CSV file: {short_reason(exc)}") from exc


def _read_csv(payload: bytes, delimiter: str, names: list[str], infer_rows: int | None) -> pl.DataFrame:
    return pl.read_csv(
        payload,
        separator=delimiter,
        has_header=True,
        new_columns=names,
        infer_schema_length=infer_rows,
        null_values=NULL_VALUES,
        truncate_ragged_lines=False,
        raise_if_empty=False,
    )


def _ragged_error(text: str, delimiter: str, width: int) -> DataFormatError:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for row in reader:
            if len(row) > width:
                return DataFormatError(
                    f"line {reader.line_num} has {len(row)} fields but the header has {width}: the rows are ragged; "
                    "check the delimiter and the quoting of values that contain it"
                )
    except csv.Error as exc:
        return DataFormatError(f"could not read this CSV file: {short_reason(exc)} (line {reader.line_num})")
    return DataFormatError(f"some rows have more fields than the header's {width}: the rows are ragged")


def _convert_decimal_commas(df: pl.DataFrame, notes: list[str]) -> pl.DataFrame:
    """Turn text columns like "1,5" into numbers: `;`-separated files usually come with a decimal comma."""
    converted: list[str] = []
    for name, dtype in df.schema.items():
        if dtype != pl.String:
            continue
        values = df.get_column(name).drop_nulls()
        matches = values.len() > 0 and values.str.contains(_DECIMAL_COMMA).all()
        if matches and values.str.contains(",", literal=True).any():
            df = df.with_columns(pl.col(name).str.replace(",", ".", literal=True).cast(pl.Float64))
            converted.append(name)
    if converted:
        notes.append(f"decimal commas were read as numbers in: {', '.join(converted)}")
    return df
