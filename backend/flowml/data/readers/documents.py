"""Record-oriented text documents: JSON, JSON Lines, YAML and TOML.

All four parse to Python values first (with the parser's own line/column in the error), then one shared rule turns
the document into rows: a list of records, or a mapping holding one list of records (`{"rows": [...]}`, TOML's
`[[rows]]`), or a mapping of equal-length column lists. `table` picks the list when a mapping holds several.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from typing import Any

import polars as pl
import yaml

from flowml.core.errors import DataFormatError, InvalidInputError
from flowml.data.content import decode_text
from flowml.data.readers.base import RawTable, ReadRequest, quote_names
from flowml.data.readers.records import frame_from_records, series_from_values
from flowml.data.readers.yaml_safe import load_yaml

_EXAMPLE = 'a list of records like [{"name": "a", "age": 1}, ...] or an object holding one such list'


def read_json(request: ReadRequest) -> RawTable:
    text, notes = _text(request, "JSON")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataFormatError(
            f"this file is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from exc
    return _table(document, "JSON", request.table, notes)


def read_json_lines(request: ReadRequest) -> RawTable:
    text, notes = _text(request, "JSON Lines")
    records: list[Any] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise DataFormatError(f"line {number} is not valid JSON: {exc.msg} (column {exc.colno})") from exc
    return _table(records, "JSON Lines", request.table, notes)


def read_yaml(request: ReadRequest) -> RawTable:
    text, notes = _text(request, "YAML")
    try:
        document = load_yaml(text, request.limits.max_yaml_nodes)  # plain data; no alias bombs, no cycles
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid syntax"
        raise DataFormatError(f"this file is not valid YAML: {problem}{where}") from exc
    return _table(document, "YAML", request.table, notes)


def read_toml(request: ReadRequest) -> RawTable:
    text, notes = _text(request, "TOML")
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataFormatError(f"this file is not valid TOML: {exc}") from exc
    return _table(document, "TOML", request.table, notes)


def _text(request: ReadRequest, label: str) -> tuple[str, list[str]]:
    decoded = decode_text(request.path.read_bytes(), label)
    if not decoded.text.strip():
        raise DataFormatError("the file is empty")
    return decoded.text, [decoded.note] if decoded.note else []


def _table(document: Any, label: str, table: str | None, notes: list[str]) -> RawTable:
    if isinstance(document, list):
        if table is not None:
            raise InvalidInputError(f"this {label} file holds a single list of records, not named tables: omit `table`")
        return RawTable(frame_from_records(_records(document, label)), notes)
    if isinstance(document, Mapping):
        return _table_in_mapping(document, label, table, notes)
    raise DataFormatError(f"this {label} file is not a table: expected {_EXAMPLE}")


def _table_in_mapping(document: Mapping[str, Any], label: str, table: str | None, notes: list[str]) -> RawTable:
    lists = {str(key): value for key, value in document.items() if _is_record_list(value)}
    if table is not None:
        if table not in lists:
            raise InvalidInputError(f"this {label} file has no list of records named '{table}'; {_choices(lists)}")
        return RawTable(frame_from_records(lists[table]), [*notes, f"read the records under '{table}'"])
    if len(lists) == 1:
        ((key, records),) = lists.items()
        return RawTable(frame_from_records(records), [*notes, f"read the records under '{key}'"])
    if len(lists) > 1:
        raise InvalidInputError(f"this {label} file holds several lists of records: {_choices(lists)}")
    if _is_column_mapping(document):
        return RawTable(pl.DataFrame([series_from_values(str(k), v) for k, v in document.items()]), notes)
    raise DataFormatError(f"this {label} file is not a table: expected {_EXAMPLE}")


def _records(items: list[Any], label: str) -> list[Mapping[str, Any]]:
    if not items:
        raise DataFormatError(f"the {label} list is empty: the file has no rows")
    records: list[Mapping[str, Any]] = []
    for position, item in enumerate(items, start=1):
        if not isinstance(item, Mapping):
            raise DataFormatError(
                f"this {label} file is not a table of records: item {position} is {_kind(item)}, "
                f"not an object with named fields; expected {_EXAMPLE}"
            )
        records.append(item)
    return records


def _is_record_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(item, Mapping) for item in value)


def _is_column_mapping(document: Mapping[str, Any]) -> bool:
    """`{"a": [1, 2], "b": [3, 4]}`: what pandas writes with orient="list"."""
    values = list(document.values())
    if not values or not all(isinstance(value, list) for value in values):
        return False
    return len({len(value) for value in values}) == 1 and len(values[0]) > 0


def _choices(lists: Mapping[str, Any]) -> str:
    if not lists:
        return "it has none"
    return f"choose one of {quote_names(list(lists))} with `table`"


_KINDS: dict[type, str] = {str: "text", int: "a number", float: "a number", bool: "true/false", list: "a list"}


def _kind(item: Any) -> str:
    return "null" if item is None else _KINDS.get(type(item), "a plain value")
