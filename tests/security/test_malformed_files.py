"""Every malformed or hostile upload gets a 4xx that names the problem, and leaves nothing behind.

Each file of tests/security/corpus.py goes through the real API (one app for the module, as in tests/api). A refused
file must answer its status with a message in plain words, keep /health ok, and change nothing: the dataset count,
the artifact store's objects, and every file under DATA_DIR (the upload spool included) are compared before and
after. Awkward but legitimate files are accepted, each with the exact result docs/api.md promises.
"""

from __future__ import annotations

import unicodedata
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from fastapi import FastAPI
from fastapi.testclient import TestClient

from flowml.api.app import create_app
from flowml.core.errors import DataFormatError, UploadTooLargeError
from flowml.core.settings import Settings
from flowml.data.archive import check_zip_archive
from flowml.data.limits import RATIO_FLOOR_BYTES, ReadLimits
from tests.conftest import drop_test_database, make_test_database_url, signed_in_client
from tests.security import corpus

pytestmark = pytest.mark.db

# What the columnar bombs' refusals say: the estimated size, the limit and the setting that sets it.
DECODED_BOMB = [f"about {corpus.BOMB_DECODED_MIB:,} mb", "the limit is 2,048 mb (max_decompressed_size_mb)"]
# case -> (status, words the message must contain, compared in lower case)
REFUSED: dict[str, tuple[int, list[str]]] = {
    "truncated_parquet": (422, ["parquet", "truncated", "footer is missing"]),
    "parquet_garbage_pages": (422, ["could not read this parquet file", "damaged"]),
    "ragged_csv": (422, ["line 4 has 4 fields but the header has 3", "ragged"]),
    "mixed_encoding_csv": (422, ["mixes text encodings", "line 2 is utf-8", "line 4 is not", "latin-1"]),
    "binary_named_csv": (422, ["not csv text", "binary", "extension"]),
    "empty_csv": (422, ["the file is empty"]),
    "header_only_csv": (422, ["header but no rows"]),
    "header_only_xlsx": (422, ["header but no rows"]),
    "wide_csv": (422, ["10,000 columns", "at most 2,000", "max_upload_columns"]),
    "xlsx_bomb": (413, ["decompression bomb", "xl/worksheets/sheet1.xml", "1,009:1", "max_compression_ratio"]),
    "xlsx_lying_sizes": (422, ["xl/worksheets/sheet1.xml", "declares 4,096 bytes", "sizes lie"]),
    "json_not_records": (422, ["not a table of records", "item 1 is a number"]),
    "fake_sqlite": (422, ["does not look like a sqlite database", "extension"]),
    "damaged_sqlite": (422, ["sqlite database", "damaged"]),
    "yaml_billion_laughs": (413, ["expands to more than 5,000,000 values", "aliases", "billion laughs"]),
    "yaml_merge_bomb": (413, ["expands to more than 5,000,000 values", "aliases", "billion laughs"]),
    "yaml_recursive": (422, ["contains itself", "alias"]),
    "gzip_csv": (415, ["'.gz' files are not supported", ".csv"]),
    "zip_archive": (415, ["'.zip' files are not supported", ".csv"]),
    "parquet_row_bomb": (413, ["parquet file is too large once decompressed", *DECODED_BOMB]),
    "ipc_file_bomb": (413, ["arrow/feather file is too large once decompressed", *DECODED_BOMB]),
    "ipc_stream_bomb": (413, ["arrow/feather file is too large once decompressed", *DECODED_BOMB]),
}


def make_client(app: FastAPI) -> TestClient:
    return signed_in_client(app)  # type: ignore[no-any-return]


def make_settings(data_dir: Path, database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "DATA_DIR": data_dir,
        "DATABASE_URL": database_url,
        "LOCAL_WORKERS": 1,
        "MAX_UPLOAD_SIZE_MB": 2,
        "ENVIRONMENT": "test",
        **overrides,
    }
    return Settings(_env_file=None, **values)


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    data_dir = tmp_path_factory.mktemp("flowml-malformed")
    url, dbname = make_test_database_url(data_dir)
    yield make_settings(data_dir, url)
    drop_test_database(dbname)


@pytest.fixture(scope="module")
def client(settings: Settings) -> Iterator[TestClient]:
    # No worker pool: uploads never use it, and the module stays fast.
    with make_client(create_app(settings, with_pool=False)) as test_client:
        yield test_client


def upload(client: TestClient, path: Path, **form: str) -> Any:
    with path.open("rb") as handle:
        return client.post("/api/datasets/upload", files={"file": (path.name, handle)}, data=form)


def snapshot(client: TestClient, data_dir: Path) -> dict[str, Any]:
    """Everything an upload could leave behind: dataset rows, store objects, and files under DATA_DIR by size.

    Log files may grow (a refusal is logged), so only their names count.
    """
    datasets = client.get("/api/datasets")
    assert datasets.status_code == 200, datasets.text
    logs = data_dir / "logs"
    files = {
        str(path.relative_to(data_dir)): None if logs in path.parents else path.stat().st_size
        for path in sorted(data_dir.rglob("*"))
        if path.is_file()
    }
    return {
        "datasets": datasets.json()["count"],
        "objects": sorted(client.app.state.ctx.store.list("")),  # type: ignore[attr-defined]
        "files": files,
    }


def assert_healthy(client: TestClient) -> None:
    health = client.get("/health")
    assert health.status_code == 200, health.text
    assert health.json()["status"] == "ok"


@pytest.mark.parametrize("case", list(REFUSED))
def test_refused_with_a_clear_message_and_nothing_stored(
    client: TestClient, settings: Settings, tmp_path: Path, case: str
) -> None:
    path = corpus.CORPUS[case](tmp_path)
    status, words = REFUSED[case]
    before = snapshot(client, settings.DATA_DIR)

    response = upload(client, path)

    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, str)
    for word in words:
        assert word in detail.lower(), f"{word!r} not in {detail!r}"
    assert str(tmp_path) not in detail and str(settings.DATA_DIR) not in detail  # no server paths leak
    assert_healthy(client)
    assert snapshot(client, settings.DATA_DIR) == before
    assert not list(settings.upload_dir.iterdir())  # the spool is empty again


def test_every_corpus_case_is_covered() -> None:
    assert set(REFUSED) == set(corpus.CORPUS)


def _accept(client: TestClient, settings: Settings, path: Path) -> dict[str, Any]:
    before = snapshot(client, settings.DATA_DIR)
    response = upload(client, path)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    assert snapshot(client, settings.DATA_DIR)["datasets"] == before["datasets"] + 1
    assert not list(settings.upload_dir.iterdir())
    return body


def _preview(client: TestClient, dataset_id: str) -> list[dict[str, Any]]:
    response = client.get(f"/api/datasets/{dataset_id}/preview")
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()["rows"]
    return rows


def _names(body: dict[str, Any]) -> list[str]:
    return [column["name"] for column in body["columns"]]


def test_short_rows_are_padded_with_missing_values(client: TestClient, settings: Settings, tmp_path: Path) -> None:
    body = _accept(client, settings, corpus.short_rows_csv(tmp_path))
    assert _names(body) == ["a", "b", "c"]
    assert [row["c"] for row in _preview(client, body["id"])] == [3, None, 9]


def test_utf16_csv_with_bom_is_read_with_a_note(client: TestClient, settings: Settings, tmp_path: Path) -> None:
    body = _accept(client, settings, corpus.utf16_csv(tmp_path))
    assert _names(body) == ["name", "city", "score"]
    assert "the file is not UTF-8; it was read as utf-16" in body["notes"]
    rows = _preview(client, body["id"])
    assert [(row["name"], row["city"]) for row in rows] == [("José", "Zürich"), ("Anaïs", "Besançon")]


def test_a_latin1_file_with_a_long_plain_line_is_read(client: TestClient, settings: Settings, tmp_path: Path) -> None:
    body = _accept(client, settings, corpus.latin1_long_line_csv(tmp_path))
    assert "the file is not UTF-8; it was read as Windows-1252 (Latin-1)" in body["notes"]
    rows = _preview(client, body["id"])
    assert [(row["name"][:4], row["value"]) for row in rows] == [("café", 1), ("xxxx", 2)]
    assert len(rows[1]["name"]) == corpus.LONG_LINE_BYTES


def test_unicode_names_are_kept_and_direction_controls_removed(
    client: TestClient, settings: Settings, tmp_path: Path
) -> None:
    body = _accept(client, settings, corpus.unicode_names_csv(tmp_path))
    # Emoji, Arabic and Hebrew, and a combining mark with no composed form all stay as written; the right-to-left
    # override, which would make the name display as "exe.png", is removed with a note.
    assert _names(body) == ["🎯 target", "السعر", "שם", "n̈ame", "gnp.exe", "ok"]
    assert "column 5's name held invisible control characters; they were removed: 'gnp.exe'" in body["notes"]
    assert _preview(client, body["id"])[0]["🎯 target"] == 1


def test_nfc_and_nfd_twins_become_one_name_and_a_visible_repeat(
    client: TestClient, settings: Settings, tmp_path: Path
) -> None:
    body = _accept(client, settings, corpus.nfc_nfd_csv(tmp_path))
    names = _names(body)
    assert names == [corpus.CAFE_NFC, f"{corpus.CAFE_NFC}_2", "y"]
    assert all(unicodedata.is_normalized("NFC", name) for name in names)
    assert body["notes"] == [
        f"column 2's name was in decomposed Unicode; it is written composed (NFC): '{corpus.CAFE_NFC}'",
        f"column 2 repeats the name '{corpus.CAFE_NFC}'; it is called '{corpus.CAFE_NFC}_2'",
    ]


def test_duplicate_names_are_renamed_in_order_with_notes(
    client: TestClient, settings: Settings, tmp_path: Path
) -> None:
    body = _accept(client, settings, corpus.duplicate_names_csv(tmp_path))
    assert _names(body) == ["x", "x_2", "y", "x_3"]
    assert body["notes"] == [
        "column 2 repeats the name 'x'; it is called 'x_2'",
        "column 4 repeats the name 'x'; it is called 'x_3'",
    ]
    assert _preview(client, body["id"])[0] == {"x": 1, "x_2": 2, "y": 3, "x_3": 4}


def test_small_yaml_anchors_are_expanded(client: TestClient, settings: Settings, tmp_path: Path) -> None:
    body = _accept(client, settings, corpus.yaml_small_alias(tmp_path))
    assert _names(body) == ["country", "active", "id", "score"]
    assert [(row["country"], row["id"]) for row in _preview(client, body["id"])] == [("FR", 1), ("FR", 2)]


def test_the_server_still_takes_a_good_upload_after_the_corpus(
    client: TestClient, settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "good.csv"
    path.write_text("age,income,label\n30,1000,yes\n40,2000,no\n50,3000,yes\n", encoding="utf-8")
    body = _accept(client, settings, path)
    assert body["n_rows"] == 3
    assert client.delete(f"/api/datasets/{body['id']}").status_code == 204


# --- The limits themselves: settings reach the upload path, and real workbooks are not mistaken for bombs --------


def test_column_limit_comes_from_the_settings(tmp_path: Path) -> None:
    data_dir = tmp_path / "narrow"
    data_dir.mkdir()
    url, dbname = make_test_database_url(data_dir)
    try:
        settings = make_settings(data_dir, url, MAX_UPLOAD_COLUMNS=3)
        with make_client(create_app(settings, with_pool=False)) as narrow:
            path = tmp_path / "four.csv"
            path.write_text("a,b,c,d\n1,2,3,4\n", encoding="utf-8")
            response = upload(narrow, path)
            assert response.status_code == 422, response.text
            assert "the table has 4 columns; FlowML accepts at most 3 (MAX_UPLOAD_COLUMNS)" in response.json()["detail"]
            assert narrow.get("/api/datasets").json()["count"] == 0
    finally:
        drop_test_database(dbname)


def _real_workbook(path: Path, rows: int) -> Path:
    """A workbook as users make them: numbers, repeated categories, text; written by xlsxwriter."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("data")
    sheet.write_row(0, 0, ["id", "amount", "city", "comment"])
    for r in range(1, rows + 1):
        sheet.write_row(r, 0, [r, (r * 37) % 1000 / 10, ["Paris", "Lyon", "Nice"][r % 3], "ok" if r % 7 else ""])
    workbook.close()
    return path


@pytest.fixture(scope="module")
def real_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Enough rows for the sheet to pass RATIO_FLOOR_BYTES, so its compression ratio is judged.
    return _real_workbook(tmp_path_factory.mktemp("workbook") / "real.xlsx", 12_000)


def test_a_real_workbook_passes_the_bomb_checks(real_workbook: Path) -> None:
    with zipfile.ZipFile(real_workbook) as archive:
        assert archive.getinfo(corpus.SHEET_PATH).file_size > RATIO_FLOOR_BYTES
    check_zip_archive(real_workbook, ReadLimits(), "Excel workbook")


def test_declared_total_over_the_limit_is_refused(real_workbook: Path) -> None:
    with pytest.raises(UploadTooLargeError, match=r"too large once decompressed: it expands to \d+ MB"):
        check_zip_archive(real_workbook, ReadLimits(max_decompressed_bytes=100_000), "Excel workbook")


def test_a_lower_ratio_limit_applies(real_workbook: Path) -> None:
    with pytest.raises(UploadTooLargeError, match="looks like a decompression bomb"):
        check_zip_archive(real_workbook, ReadLimits(max_compression_ratio=2), "Excel workbook")


def test_corrupt_zip_directory_is_a_damaged_file(tmp_path: Path) -> None:
    data = _real_workbook(tmp_path / "real.xlsx", 10).read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: len(data) - 10])  # the end of the directory is cut off
    with pytest.raises(DataFormatError, match="damaged or truncated: the end of its zip directory is missing"):
        check_zip_archive(path, ReadLimits(), "Excel workbook")
