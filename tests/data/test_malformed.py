"""Broken, mislabelled and awkward files: each fails with a message that names the problem, or reads correctly."""

from __future__ import annotations

import codecs
import io
import json
import zipfile
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.feather as feather
import pytest

from flowml.core.errors import DataFormatError, InvalidInputError
from flowml.data.formats import read_table, read_table_with_notes


def _file(tmp_path: Path, content: bytes | str, name: str = "upload") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def _garbage(size: int = 4096) -> bytes:
    # Deterministic "random" bytes: a fixed pattern with every byte value, no magic number at the start.
    return bytes((i * 97 + 13) % 256 for i in range(size))


# --- CSV --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("content", ["", "\n\n  \n"])
def test_empty_or_blank_csv(tmp_path: Path, content: str) -> None:
    with pytest.raises(DataFormatError, match="the file is empty"):
        read_table(_file(tmp_path, content), extension=".csv")


def test_header_only_csv(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="has a header but no rows"):
        read_table(_file(tmp_path, "age,income\n"), extension=".csv")


def test_one_column_csv(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="at least two columns: features and a target"):
        read_table(_file(tmp_path, "age\n1\n2\n3\n"), extension=".csv")


def test_one_column_is_enough_for_data_to_predict_on(tmp_path: Path) -> None:
    df = read_table(_file(tmp_path, "age\n1\n2\n"), extension=".csv", min_columns=1)
    assert df.get_column("age").to_list() == [1, 2]


def test_ragged_rows_name_the_line(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError) as caught:
        read_table(_file(tmp_path, "a,b\n1,2\n3,4,5\n6,7\n"), extension=".csv")
    assert "line 3 has 3 fields but the header has 2" in caught.value.message
    assert "ragged" in caught.value.message


def test_short_rows_are_padded_with_missing_values(tmp_path: Path) -> None:
    # Like pandas: a row that stops early (trailing empty fields dropped by some exporters) reads as missing values.
    df = read_table(_file(tmp_path, "a,b,c\n1,2,3\n4,5\n"), extension=".csv")
    assert df.rows() == [(1, 2, 3), (4, 5, None)]


def test_latin1_csv_keeps_its_accents(tmp_path: Path) -> None:
    text = "nom,ville,prix\nJosé,Zürich,1\nFrançoise,Besançon,2\n"
    df, notes = read_table_with_notes(_file(tmp_path, text.encode("latin-1")), extension=".csv")

    assert df.get_column("nom").to_list() == ["José", "Françoise"]
    assert df.get_column("ville").to_list() == ["Zürich", "Besançon"]
    assert any("not UTF-8" in note for note in notes)


def test_windows_1252_csv_keeps_the_euro_sign(tmp_path: Path) -> None:
    df = read_table(_file(tmp_path, "item;prix\ncafé;3 €\nthé;2 €\n".encode("cp1252")), extension=".csv")
    assert df.get_column("prix").to_list() == ["3 €", "2 €"]


def test_utf8_bom_is_not_part_of_the_first_name(tmp_path: Path) -> None:
    df = read_table(_file(tmp_path, codecs.BOM_UTF8 + b"a,b\n1,2\n"), extension=".csv")
    assert df.columns == ["a", "b"]


def test_utf16_csv_with_bom(tmp_path: Path) -> None:
    df = read_table(_file(tmp_path, "a\tb\n1\tx\n".encode("utf-16")), extension=".tsv")
    assert df.rows() == [(1, "x")]


def test_binary_garbage_named_csv(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="not CSV text: it looks like binary data; is the extension right"):
        read_table(_file(tmp_path, _garbage()), extension=".csv")


def test_parquet_named_csv(tmp_path: Path) -> None:
    path = tmp_path / "upload"
    pl.DataFrame({"a": [1], "b": [2]}).write_parquet(path)
    with pytest.raises(DataFormatError, match="looks like a Parquet file; is the extension right"):
        read_table(path, extension=".csv")


def test_duplicate_and_blank_names_are_renamed_with_notes(tmp_path: Path) -> None:
    df, notes = read_table_with_notes(_file(tmp_path, "a,a,, b ,a\n1,2,3,4,5\n"), extension=".csv")

    assert df.columns == ["a", "a_2", "column_3", "b", "a_3"]
    assert df.row(0) == (1, 2, 3, 4, 5)
    assert "column 2 repeats the name 'a'; it is called 'a_2'" in notes
    assert "column 3 had no name; it is called 'column_3'" in notes


def test_renaming_avoids_names_already_taken(tmp_path: Path) -> None:
    df = read_table(_file(tmp_path, "a,a,a_2,column_4,\n1,2,3,4,5\n"), extension=".csv")
    assert df.columns == ["a", "a_3", "a_2", "column_4", "column_5"]


def test_unicode_column_names_are_kept(tmp_path: Path) -> None:
    df = read_table(_file(tmp_path, "température,prix €,名前,Ωmega\n21.5,3,太郎,x\n"), extension=".csv")
    assert df.columns == ["température", "prix €", "名前", "Ωmega"]
    assert df.row(0) == (21.5, 3, "太郎", "x")


def test_semicolon_csv_with_decimal_commas(tmp_path: Path) -> None:
    df, notes = read_table_with_notes(_file(tmp_path, "poids;taille;nom\n1,5;180;a\n2;175;b\n"), extension=".csv")

    assert df.schema["poids"] == pl.Float64
    assert df.get_column("poids").to_list() == [1.5, 2.0]
    assert any("decimal commas" in note for note in notes)


def test_quoted_delimiters_do_not_fool_the_sniffer(tmp_path: Path) -> None:
    text = 'name,age\n"Braund, Mr. Owen; Harris",22\n"Allen | Mr",35\n'
    df = read_table(_file(tmp_path, text), extension=".txt")
    assert df.columns == ["name", "age"]
    assert df.get_column("age").to_list() == [22, 35]


@pytest.mark.parametrize(
    ("content", "columns"),
    [
        (b"a,b\r\n1,2\r\n", ["a", "b"]),  # Windows line endings
        (b"a,b\r1,2\r", ["a", "b"]),  # classic Mac line endings
        (b"\n\na,b\n1,2\n", ["a", "b"]),  # blank lines before the header
        (b'"unit\nprice",b\n1,2\n', ["unit price", "b"]),  # a wrapped spreadsheet header
    ],
)
def test_awkward_but_readable_csv(tmp_path: Path, content: bytes, columns: list[str]) -> None:
    df = read_table(_file(tmp_path, content), extension=".csv")
    assert df.columns == columns
    assert df.rows() == [(1, 2)]


def test_common_missing_markers_read_as_missing(tmp_path: Path) -> None:
    df = read_table(_file(tmp_path, "a,b\n1,NA\n2,?\n3,\n4,5\n"), extension=".csv")
    assert df.get_column("b").to_list() == [None, None, None, 5]


def test_text_value_after_many_numeric_rows_turns_the_column_to_text(tmp_path: Path) -> None:
    text = "a,b\n" + "1,2\n" * 12_000 + "oops,3\n"
    df = read_table(_file(tmp_path, text), extension=".csv")
    assert df.schema["a"] == pl.String
    assert df.height == 12_001


def test_all_null_column_is_kept(tmp_path: Path) -> None:
    df = read_table(_file(tmp_path, "a,empty,b\n1,,x\n2,,y\n"), extension=".csv")
    assert df.columns == ["a", "empty", "b"]
    assert df.get_column("empty").null_count() == 2


# --- Binary formats ---------------------------------------------------------------------------------------------


def test_truncated_parquet(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    pl.DataFrame({"a": list(range(1000)), "b": ["x"] * 1000}).write_parquet(buffer)
    data = buffer.getvalue()
    with pytest.raises(DataFormatError, match="truncated or damaged"):
        read_table(_file(tmp_path, data[: len(data) // 2]), extension=".parquet")


def test_csv_text_named_parquet(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError) as caught:
        read_table(_file(tmp_path, "a,b\n1,2\n"), extension=".parquet")
    assert "does not look like Parquet" in caught.value.message
    assert "is the extension right?" in caught.value.message
    assert "text" in caught.value.message


def test_random_bytes_named_xlsx(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="does not look like an Excel workbook; is the extension right"):
        read_table(_file(tmp_path, _garbage()), extension=".xlsx")


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "upload"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(DataFormatError, match="could not open this Excel workbook") as caught:
        read_table(path, extension=".xlsx")
    assert str(path) not in caught.value.message  # never leak the server's storage path


def test_csv_named_feather(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="does not look like an Arrow/Feather file"):
        read_table(_file(tmp_path, "a,b\n1,2\n"), extension=".feather")


def test_truncated_feather(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    pl.DataFrame({"a": list(range(100)), "b": [1.5] * 100}).write_ipc(buffer)
    with pytest.raises(DataFormatError, match="truncated or damaged"):
        read_table(_file(tmp_path, buffer.getvalue()[:-40]), extension=".arrow")


def test_arrow_ipc_stream(tmp_path: Path) -> None:
    path = tmp_path / "upload"
    pl.DataFrame({"a": [1, 2], "b": ["x", "y"]}).write_ipc_stream(path)
    assert read_table(path, extension=".arrow").rows() == [(1, "x"), (2, "y")]


@pytest.mark.filterwarnings("ignore:Feather V1:DeprecationWarning")
def test_legacy_feather_v1(tmp_path: Path) -> None:
    path = tmp_path / "upload"
    feather.write_feather(pa.table({"a": [1, 2], "b": ["x", "y"]}), str(path), version=1)
    df, notes = read_table_with_notes(path, extension=".feather")
    assert df.rows() == [(1, "x"), (2, "y")]
    assert "the file is in the legacy Feather v1 format" in notes


def test_parquet_nan_becomes_missing_and_names_are_stripped(tmp_path: Path) -> None:
    path = tmp_path / "upload"
    pl.DataFrame({" a ": [1.0, float("nan"), 3.0], "b": [1, 2, 3]}).write_parquet(path)
    df = read_table(path, extension=".parquet")
    assert df.columns == ["a", "b"]
    assert df.get_column("a").to_list() == [1.0, None, 3.0]


def test_parquet_nested_and_categorical_columns_become_scalar(tmp_path: Path) -> None:
    path = tmp_path / "upload"
    pl.DataFrame(
        {
            "point": [{"x": 1, "y": 2}, {"x": 3, "y": None}],
            "tags": [["a", "b"], []],
            "color": pl.Series(["red", "blue"], dtype=pl.Categorical),
            "blob": [b"\x00\x01", None],
        }
    ).write_parquet(path)
    df, notes = read_table_with_notes(path, extension=".parquet")

    assert df.columns == ["point.x", "point.y", "tags", "color", "blob"]
    assert df.get_column("tags").to_list() == ['["a", "b"]', "[]"]
    assert df.schema["color"] == pl.String
    assert df.get_column("blob").to_list() == ["0001", None]
    assert any("split into point.x, point.y" in note for note in notes)


# --- JSON, YAML, TOML -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ('{"a": 1, "b": 2}', "not a table"),
        ("[1, 2, 3]", "item 1 is a number, not an object"),
        ('[{"a": 1}, "x"]', "item 2 is text"),
        ("42", "not a table"),
        ("[]", "the JSON list is empty"),
        ('[{"a": 1,}]', "not valid JSON"),
    ],
)
def test_json_that_is_not_records(tmp_path: Path, content: str, words: str) -> None:
    with pytest.raises(DataFormatError, match=words):
        read_table(_file(tmp_path, content), extension=".json")


def test_json_invalid_names_line_and_column(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match=r"line 2, column"):
        read_table(_file(tmp_path, '[{"a": 1, "b": 2},\n {"a": 2 "b": 3}]'), extension=".json")


def test_json_object_holding_one_list_of_records(tmp_path: Path) -> None:
    content = {"meta": {"source": "x"}, "data": [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}]}
    df, notes = read_table_with_notes(_file(tmp_path, json.dumps(content)), extension=".json")
    assert df.rows() == [(1, "x"), (2, "y")]
    assert "read the records under 'data'" in notes


def test_json_column_lists(tmp_path: Path) -> None:
    df = read_table(_file(tmp_path, '{"a": [1, 2], "b": ["x", null]}'), extension=".json")
    assert df.rows() == [(1, "x"), (2, None)]


def test_json_several_lists_need_a_table_choice(tmp_path: Path) -> None:
    path = _file(tmp_path, json.dumps({"train": [{"a": 1, "b": 2}], "test": [{"a": 3, "b": 4}]}))
    with pytest.raises(InvalidInputError, match="choose one of 'train', 'test' with `table`"):
        read_table(path, extension=".json")
    assert read_table(path, extension=".json", table="test").rows() == [(3, 4)]
    with pytest.raises(InvalidInputError, match="no list of records named 'valid'"):
        read_table(path, extension=".json", table="valid")


def test_json_mixed_types_and_nesting_are_kept_as_scalars(tmp_path: Path) -> None:
    records = [
        {"a": 1, "b": {"x": 1, "y": [1, 2]}, "c": 1},
        {"a": "two", "b": {"x": 2, "y": []}, "c": 2.5},
        {"a": None, "b": None},
    ]
    df = read_table(_file(tmp_path, json.dumps(records)), extension=".json")

    assert df.columns == ["a", "b.x", "b.y", "c"]
    assert df.get_column("a").to_list() == ["1", "two", None]
    assert df.get_column("b.y").to_list() == ["[1, 2]", "[]", None]
    assert df.get_column("c").to_list() == [1.0, 2.5, None]


def test_jsonl_bad_line_is_named(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="line 2 is not valid JSON"):
        read_table(_file(tmp_path, '{"a": 1, "b": 2}\n{"a": 2, "b"\n'), extension=".jsonl")


def test_yaml_scalar_and_invalid(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="not a table"):
        read_table(_file(tmp_path, "just a string\n"), extension=".yaml")
    with pytest.raises(DataFormatError, match=r"not valid YAML: .*\(line \d+, column \d+\)"):
        read_table(_file(tmp_path, "- a: 1\n  b: [unclosed\n", name="bad"), extension=".yaml")


def test_yaml_mapping_with_one_list(tmp_path: Path) -> None:
    content = "rows:\n  - a: 1\n    b: x\n  - a: 2\n    b: y\n"
    assert read_table(_file(tmp_path, content), extension=".yml").rows() == [(1, "x"), (2, "y")]


def test_toml_without_array_of_tables(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="not a table"):
        read_table(_file(tmp_path, 'title = "x"\n[owner]\nname = "y"\n'), extension=".toml")
    with pytest.raises(DataFormatError, match="not valid TOML"):
        read_table(_file(tmp_path, "[[rows]\na = 1\n", name="bad"), extension=".toml")


# --- Choices that do not apply ----------------------------------------------------------------------------------


def test_sheet_with_csv_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="`sheet` applies to Excel workbooks"):
        read_table(_file(tmp_path, "a,b\n1,2\n"), extension=".csv", sheet="Sheet1")


def test_table_with_parquet_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="`table` applies to SQLite"):
        read_table(_file(tmp_path, "a,b\n1,2\n"), extension=".parquet", table="t")
