"""Excel workbooks (.xlsx, .xls) through polars' calamine engine (fastexcel): sheet choice and header cleaning.

These functions run inside the reader sandbox's child process (see excel_sandbox.py and sandbox.py for why); call
them directly only for files you trust.
"""

from __future__ import annotations

from pathlib import Path

import fastexcel
import polars as pl
from polars.exceptions import PolarsError

from flowml.core.errors import DataFormatError, InvalidInputError
from flowml.data.columns import clean_column_names
from flowml.data.content import mislabelled, read_head
from flowml.data.readers.base import RawTable, ReadRequest, quote_names, short_reason

_EXCEL = "an Excel workbook"
# .xlsx is a ZIP container, .xls an OLE2 compound file; calamine detects which from the bytes.
ZIP_SIGNATURE = b"PK\x03\x04"
_SIGNATURES = (ZIP_SIGNATURE, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


def check_signature(path: Path) -> None:
    """Refuse files that are not a ZIP (.xlsx) or OLE2 (.xls) container before any parser sees them."""
    head = read_head(path)
    if not head.startswith(_SIGNATURES):
        raise mislabelled(_EXCEL, head)


def list_sheets_in_process(path: Path) -> list[str]:
    """The workbook's sheet names in workbook order."""
    return list(_open(path).sheet_names)


def read_sheet_in_process(request: ReadRequest) -> RawTable:
    workbook = _open(request.path)
    sheets = list(workbook.sheet_names)
    name, notes = _choose_sheet(sheets, request.sheet)
    try:
        header = workbook.load_sheet(name, header_row=None, n_rows=1, dtypes="string").to_polars()
    except fastexcel.FastExcelError as exc:
        raise DataFormatError(f"could not read sheet '{name}': {short_reason(exc, request.path)}") from exc
    if header.height == 0:
        raise DataFormatError(f"the sheet '{name}' is empty")
    # Read the header ourselves: fastexcel would rename repeats to `a_1` and blanks to `__UNNAMED__2`, which we
    # could not tell apart from real names; our cleaning matches every other format's.
    names, renamed = clean_column_names(list(header.row(0)))
    try:
        df = pl.read_excel(
            request.path,
            engine="calamine",
            sheet_name=name,
            has_header=False,
            read_options={"header_row": None, "skip_rows": 1, "column_names": names},
            infer_schema_length=None,  # sample every row: a text cell far down must not break the read
            drop_empty_cols=False,  # keep positions aligned with the header we read
            raise_if_empty=False,
        )
    except (fastexcel.FastExcelError, PolarsError, ValueError) as exc:
        raise DataFormatError(f"could not read sheet '{name}': {short_reason(exc, request.path)}") from exc
    return RawTable(df, notes + renamed)


def _open(path: Path) -> fastexcel.ExcelReader:
    check_signature(path)
    try:
        return fastexcel.read_excel(path)
    except fastexcel.FastExcelError as exc:
        raise DataFormatError(
            f"could not open this Excel workbook (is it damaged or not really Excel?): {short_reason(exc, path)}"
        ) from exc


def _choose_sheet(sheets: list[str], requested: str | None) -> tuple[str, list[str]]:
    if not sheets:
        raise DataFormatError("the workbook has no sheets")
    if requested is None:
        others = sheets[1:]
        notes = [f"read the first sheet '{sheets[0]}'; the workbook also has {quote_names(others)}"] if others else []
        return sheets[0], notes
    if requested not in sheets:
        raise InvalidInputError(f"this workbook has no sheet '{requested}'; its sheets are {quote_names(sheets)}")
    return requested, []
