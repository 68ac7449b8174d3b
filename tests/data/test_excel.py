"""Excel workbooks: sheet choice, errors that list the sheets, header cleaning."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
import xlsxwriter
import xlwt

from flowml.core.errors import DataFormatError, InvalidInputError
from flowml.data.formats import list_excel_sheets, read_table, read_table_with_notes


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
    workbook.close()
    return path


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    return _workbook(
        tmp_path / "upload",
        {
            "Train": [["a", "b"], [1, "x"], [2, "y"]],
            "Test": [["a", "b"], [3, "z"]],
            "Header only": [["a", "b"]],
            "Empty": [],
        },
    )


def test_lists_sheets_in_order(workbook: Path) -> None:
    assert list_excel_sheets(workbook) == ["Train", "Test", "Header only", "Empty"]


def test_first_sheet_by_default_with_a_note(workbook: Path) -> None:
    df, notes = read_table_with_notes(workbook, extension=".xlsx")
    assert df.rows() == [(1, "x"), (2, "y")]
    assert notes == ["read the first sheet 'Train'; the workbook also has 'Test', 'Header only', 'Empty'"]


def test_chosen_sheet(workbook: Path) -> None:
    assert read_table(workbook, extension=".xlsx", sheet="Test").rows() == [(3, "z")]


def test_unknown_sheet_names_the_sheets(workbook: Path) -> None:
    with pytest.raises(InvalidInputError, match="no sheet 'Validation'; its sheets are 'Train', 'Test'"):
        read_table(workbook, extension=".xlsx", sheet="Validation")


def test_header_only_and_empty_sheets(workbook: Path) -> None:
    with pytest.raises(DataFormatError, match="has a header but no rows"):
        read_table(workbook, extension=".xlsx", sheet="Header only")
    with pytest.raises(DataFormatError, match="the sheet 'Empty' is empty"):
        read_table(workbook, extension=".xlsx", sheet="Empty")


def test_repeated_blank_and_numeric_headers(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "upload", {"s": [["a", "a", None, " b ", 2020], [1, 2, 3, 4, 5], ["x", None, None, None, 6]]}
    )
    df, notes = read_table_with_notes(path, extension=".xlsx")

    assert df.columns == ["a", "a_2", "column_3", "b", "2020"]
    assert df.get_column("a").to_list() == ["1", "x"]  # a text cell makes the column text
    assert df.get_column("2020").to_list() == [5, 6]
    assert "column 3 had no name; it is called 'column_3'" in notes


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="the child's memory cap needs Linux /proc")
def test_workbook_that_crashes_the_parser_fails_cleanly(tmp_path: Path) -> None:
    # A legacy .xls whose header claims ~4 billion FAT sectors: calamine tries to allocate 16 GiB and aborts its
    # process. It runs in a child, so this process survives and the user gets a plain message.
    path = tmp_path / "upload"
    workbook = xlwt.Workbook()
    sheet = workbook.add_sheet("data")
    sheet.write(0, 0, "a")
    sheet.write(0, 1, "b")
    workbook.save(str(path))
    data = bytearray(path.read_bytes())
    struct.pack_into("<I", data, 0x2C, 0xFFFFFFF0)  # CFB header: number of FAT sectors
    path.write_bytes(bytes(data))

    with pytest.raises(DataFormatError, match="the reader crashed on it, so the file is probably damaged"):
        read_table(path, extension=".xls")
