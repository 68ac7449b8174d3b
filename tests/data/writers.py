"""Write one small table in every supported format, so each reader is tested against the same contract.

The table has an integer id, a float, a string, a bool and a date, each with a missing value where the format can
express one (TOML has no null: the key is left out).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter
import xlwt
import yaml

COLUMNS = ["id", "score", "city", "active", "joined"]
ROWS: list[tuple[Any, ...]] = [
    (1, 1.5, "Paris", True, dt.date(2024, 1, 2)),
    (2, None, "Zürich", False, dt.date(2023, 12, 31)),
    (3, -2.25, None, True, dt.date(2024, 2, 29)),
    (4, 10.0, "São Paulo", False, None),
]

Writer = Callable[[Path], None]


def records() -> list[dict[str, Any]]:
    return [dict(zip(COLUMNS, row, strict=True)) for row in ROWS]


def frame() -> pl.DataFrame:
    return pl.DataFrame(ROWS, schema=COLUMNS, orient="row")


def _text_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def delimited(delimiter: str) -> Writer:
    def write(path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as handle:
            out = csv.writer(handle, delimiter=delimiter)
            out.writerow(COLUMNS)
            out.writerows([_text_cell(value) for value in row] for row in ROWS)

    return write


def write_xlsx(path: Path) -> None:
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("data")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, COLUMNS)
    for r, row in enumerate(ROWS, start=1):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
            elif value is not None:
                sheet.write(r, c, value)
    workbook.close()


def write_xls(path: Path) -> None:
    workbook = xlwt.Workbook()
    sheet = workbook.add_sheet("data")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for c, name in enumerate(COLUMNS):
        sheet.write(0, c, name)
    for r, row in enumerate(ROWS, start=1):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write(r, c, value, date_style)
            elif value is not None:
                sheet.write(r, c, value)
    workbook.save(str(path))


def write_parquet(path: Path) -> None:
    frame().write_parquet(path)


def write_ipc(path: Path) -> None:
    frame().write_ipc(path)


def write_json(path: Path) -> None:
    path.write_text(json.dumps(records(), default=str, ensure_ascii=False), encoding="utf-8")


def write_jsonl(path: Path) -> None:
    lines = [json.dumps(record, default=str, ensure_ascii=False) for record in records()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_yaml(path: Path) -> None:
    path.write_text(yaml.safe_dump(records(), allow_unicode=True, sort_keys=False), encoding="utf-8")


def write_toml(path: Path) -> None:
    lines: list[str] = []
    for record in records():
        lines.append("[[rows]]")
        for key, value in record.items():
            if value is not None:
                lines.append(f"{key} = {_toml_value(value)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return repr(value)


def write_sqlite(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE people (id INTEGER, score REAL, city TEXT, active BOOLEAN, joined DATE)")
        connection.executemany(
            "INSERT INTO people VALUES (?, ?, ?, ?, ?)",
            [tuple(v.isoformat() if isinstance(v, dt.date) else v for v in row) for row in ROWS],
        )
    connection.close()


# (extension, case name, writer): every supported extension at least once; delimited text with each delimiter.
WRITERS: list[tuple[str, str, Writer]] = [
    (".csv", "comma", delimited(",")),
    (".csv", "semicolon", delimited(";")),
    (".tsv", "tab", delimited("\t")),
    (".txt", "pipe", delimited("|")),
    (".txt", "semicolon", delimited(";")),
    (".xlsx", "xlsxwriter", write_xlsx),
    (".xls", "xlwt", write_xls),
    (".parquet", "polars", write_parquet),
    (".pq", "polars", write_parquet),
    (".feather", "polars", write_ipc),
    (".arrow", "polars", write_ipc),
    (".json", "records", write_json),
    (".jsonl", "lines", write_jsonl),
    (".ndjson", "lines", write_jsonl),
    (".yaml", "list", write_yaml),
    (".yml", "list", write_yaml),
    (".toml", "array-of-tables", write_toml),
    (".db", "stdlib", write_sqlite),
    (".sqlite", "stdlib", write_sqlite),
    (".sqlite3", "stdlib", write_sqlite),
]
