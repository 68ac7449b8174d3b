"""Files built to exhaust the reader: text that made a regex quadratic, and columnar files that decode to far more
than they weigh. Each is answered quickly with a message naming the limit; legitimate files still read exactly.

The limits here are lowered (ReadLimits) so the bombs stay a few MB in memory while building; the full-size ones
go through a real server in tests/security/test_upload_dos.py.
"""

from __future__ import annotations

import io
import struct
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.ipc as ipc
import pyarrow.parquet as pq
import pytest

from flowml.core.errors import DataFormatError, UploadTooLargeError
from flowml.data.content import decode_text
from flowml.data.formats import read_table
from flowml.data.limits import ReadLimits
from flowml.data.readers.ipc_size import ipc_file_decoded_size, ipc_stream_decoded_size
from flowml.data.readers.parquet_size import parquet_decoded_size

MB = 2**20
LONG = 4 * MB
# 4M constant int64 rows in two columns: 61 MB decoded, past this limit, from files of a few KB.
LIMITS = ReadLimits(max_decompressed_bytes=32 * MB)
BOMB_ROWS = 4_000_000
TOO_LARGE = r"too large once decompressed: it expands to about 61 MB in memory; the limit is 32 MB \(MAX_DECOMP"


# --- Text: linear-time encoding detection -------------------------------------------------------------------------

LATIN1 = "Windows-1252 (Latin-1)"
# layout -> (bytes, what decoding says: the encoding used, or the refusal)
LONG_LINES = {
    "plain line after a Latin-1 line": (b"a,b\n\xe9,1\n" + b"a" * LONG, LATIN1),
    "plain line before a Latin-1 line": (b"a" * LONG + b"\n\xe9,1\n", LATIN1),
    "one Latin-1 line": (b"\xe9" + b"a" * LONG, LATIN1),
    "UTF-8 line then a long Latin-1 line": (
        b"caf\xc3\xa9\n" + b"a" * LONG + b"\xe9",
        "line 1 is UTF-8 but line 2 is not",
    ),
}


def _decoding_outcome(data: bytes) -> str:
    try:
        return decode_text(data, "CSV").encoding
    except DataFormatError as exc:
        return exc.message


@pytest.mark.parametrize(("data", "outcome"), LONG_LINES.values(), ids=LONG_LINES.keys())
def test_encoding_detection_is_linear_on_a_4_mb_line(data: bytes, outcome: str) -> None:
    # A backtracking pattern took 1.5 s for 20 KB and 4x more per doubling: hours for these, holding the GIL.
    start = time.perf_counter()
    assert outcome in _decoding_outcome(data)
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize(
    ("data", "utf8_line", "other_line"),
    [
        (b"h\nx\xe9\ny\xc3\xa9\n", 3, 2),  # the UTF-8 line comes after
        (b"h\ny\xc3\xa9\nplain\nx\xe9\nz\xc3\xa9\n", 2, 4),  # before
        (b"h\n\xc3\xa9\xff\nplain\nok \xe2\x82\xac\n", 4, 2),  # a line with a valid pair but a stray byte is not UTF-8
        (b"a" * LONG + b"\nx\xe9\n" + b"b" * LONG + b"\ny\xc3\xa9", 4, 2),
    ],
)
def test_mixed_encodings_name_the_first_line_of_each(data: bytes, utf8_line: int, other_line: int) -> None:
    with pytest.raises(DataFormatError) as caught:
        decode_text(data, "CSV")
    assert f"line {utf8_line} is UTF-8 but line {other_line} is not" in caught.value.message


def test_a_latin1_file_whose_bytes_look_like_utf8_pairs_only_on_bad_lines_is_read() -> None:
    # Every line holds a UTF-8-looking pair and a stray byte: none is valid UTF-8, so Windows-1252 reads them all.
    decoded = decode_text(b"h\n" + b"x\xc3\xa9\xff\n" * 1000, "CSV")
    assert decoded.encoding == "Windows-1252 (Latin-1)"


# --- Columnar: decoded size from metadata, before decoding --------------------------------------------------------


def _constant_chunk(rows: int) -> pa.Table:
    zeros = pa.array(np.zeros(rows, dtype=np.int64))
    return pa.table({"a": zeros, "b": zeros})


def _parquet_bomb(path: Path) -> Path:
    chunk = _constant_chunk(BOMB_ROWS // 4)
    with pq.ParquetWriter(path, chunk.schema, compression="none", write_statistics=False) as writer:
        for _ in range(4):
            writer.write_table(chunk, row_group_size=chunk.num_rows)
    return path


def _ipc_bomb(kind: str, codec: str) -> Callable[[Path], Path]:
    def build(path: Path) -> Path:
        chunk = _constant_chunk(BOMB_ROWS // 4)
        new_writer = ipc.new_file if kind == "file" else ipc.new_stream
        with new_writer(path, chunk.schema, options=ipc.IpcWriteOptions(compression=codec)) as writer:
            for _ in range(4):
                writer.write_table(chunk)
        return path

    return build


BOMBS: dict[str, tuple[str, Callable[[Path], Path]]] = {
    "parquet": (".parquet", _parquet_bomb),
    "ipc file zstd": (".arrow", _ipc_bomb("file", "zstd")),
    "ipc file lz4": (".feather", _ipc_bomb("file", "lz4")),
    "ipc stream zstd": (".arrow", _ipc_bomb("stream", "zstd")),
    "ipc stream lz4": (".arrow", _ipc_bomb("stream", "lz4")),
}


@pytest.mark.parametrize(("extension", "build"), BOMBS.values(), ids=BOMBS.keys())
def test_columnar_bombs_are_refused_from_their_metadata(
    tmp_path: Path, extension: str, build: Callable[[Path], Path]
) -> None:
    path = build(tmp_path / "upload")
    assert path.stat().st_size < 2 * MB  # at least 30:1
    with pytest.raises(UploadTooLargeError, match=TOO_LARGE):
        read_table(path, extension=extension, limits=LIMITS)


@pytest.mark.filterwarnings("ignore:Feather V1 files are deprecated:DeprecationWarning")
def test_feather_v1_past_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "upload"
    feather.write_feather(_constant_chunk(BOMB_ROWS), str(path), version=1)
    with pytest.raises(UploadTooLargeError, match=TOO_LARGE):
        read_table(path, extension=".feather", limits=LIMITS)


def test_one_dictionary_string_repeated_is_refused_once_read(tmp_path: Path) -> None:
    # The footer cannot tell: the dictionary holds one 10 KB value, and 10,000 rows point at it (100 MB of text).
    # Without the Arrow schema in the file, the column reads back as plain text, not as a categorical.
    path = tmp_path / "upload"
    text = pa.DictionaryArray.from_arrays(pa.array(np.zeros(10_000, dtype=np.int32)), pa.array(["x" * 10_000]))
    pq.write_table(pa.table({"text": text, "n": list(range(10_000))}), path, store_schema=False)
    assert path.stat().st_size < 1 * MB
    with pytest.raises(UploadTooLargeError, match="Parquet file is too large once decompressed: it expands to about"):
        read_table(path, extension=".parquet", limits=LIMITS)


def _mixed_table(rows: int) -> pa.Table:
    return pa.table(
        {
            "id": pa.array(range(rows), pa.int64()),
            "score": pa.array([i / 7 for i in range(rows)]),
            "city": pa.array([["Paris", "Lyon", "Zürich"][i % 3] for i in range(rows)]),
            "flag": pa.array([i % 2 == 0 for i in range(rows)]),
            "tags": pa.array([[i, i + 1] for i in range(rows)]),
        }
    )


def test_the_parquet_estimate_covers_the_decoded_table_without_inflating_it(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pq.write_table(_mixed_table(50_000), path, compression="zstd")
    actual = pl.read_parquet(path).estimated_size()
    assert actual <= parquet_decoded_size(pq.read_metadata(path)) <= 4 * actual


@pytest.mark.parametrize("codec", [None, "lz4", "zstd"])
def test_the_ipc_size_is_what_the_buffers_decode_to(codec: str | None) -> None:
    table = _mixed_table(10_000)
    options = ipc.IpcWriteOptions(compression=codec)
    file, stream = io.BytesIO(), io.BytesIO()
    for sink, new_writer in ((file, ipc.new_file), (stream, ipc.new_stream)):
        with new_writer(sink, table.schema, options=options) as writer:
            writer.write_table(table)
    # Arrow pads each buffer to 8 bytes and may leave out an all-valid bitmap, hence a range.
    for size in (ipc_file_decoded_size(file.getvalue()), ipc_stream_decoded_size(stream.getvalue())):
        assert table.nbytes * 0.9 <= size <= table.nbytes * 1.2


@pytest.mark.parametrize(("kind", "extension"), [("file", ".arrow"), ("stream", ".arrow"), ("file", ".feather")])
def test_compressed_ipc_within_the_limit_reads_exactly(tmp_path: Path, kind: str, extension: str) -> None:
    frame = pl.DataFrame({"a": [1, 2, None], "b": ["x", None, "zürich"]})
    path = tmp_path / "upload"
    (frame.write_ipc if kind == "file" else frame.write_ipc_stream)(path, compression="zstd")
    assert read_table(path, extension=extension, limits=LIMITS).rows() == frame.rows()


# --- Crafted Arrow headers: refused, never trusted ----------------------------------------------------------------


def _small_zstd_file(rows: int) -> bytes:
    sink = io.BytesIO()
    table = pa.table({"a": pa.array(range(rows), pa.int64()), "b": pa.array(range(rows), pa.int64())})
    with ipc.new_file(sink, table.schema, options=ipc.IpcWriteOptions(compression="zstd")) as writer:
        writer.write_table(table)
    return sink.getvalue()


def test_a_buffer_that_lies_about_its_decoded_length_is_refused(tmp_path: Path) -> None:
    # Each compressed buffer starts with its decoded length; a reader that trusted 1 TiB here would abort.
    rows = 12_345
    data = bytearray(_small_zstd_file(rows))
    honest = struct.pack("<q", rows * 8)
    assert data.count(honest) == 2  # one per column
    data[data.index(honest) : data.index(honest) + 8] = struct.pack("<q", 1 << 40)
    path = tmp_path / "upload"
    path.write_bytes(bytes(data))
    with pytest.raises(UploadTooLargeError, match="it expands to about 1,048,576 MB in memory"):
        read_table(path, extension=".arrow", limits=LIMITS)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[:-40] + data[-10:], id="footer cut"),
        pytest.param(lambda data: data[:8] + b"\x00" * (len(data) - 18) + data[-10:], id="messages zeroed"),
        pytest.param(lambda data: data[:-10] + struct.pack("<i", 1 << 30) + data[-6:], id="footer length too large"),
    ],
)
def test_damaged_ipc_headers_are_a_damaged_file(tmp_path: Path, damage: Callable[[bytes], bytes]) -> None:
    path = tmp_path / "upload"
    path.write_bytes(damage(_small_zstd_file(100)))
    with pytest.raises(DataFormatError, match="could not read this Arrow/Feather file"):
        read_table(path, extension=".arrow", limits=LIMITS)


def test_a_stream_cut_inside_a_message_is_a_damaged_file(tmp_path: Path) -> None:
    sink = io.BytesIO()
    pl.DataFrame({"a": list(range(1000)), "b": [1.5] * 1000}).write_ipc_stream(sink)
    path = tmp_path / "upload"
    path.write_bytes(sink.getvalue()[:-500])
    with pytest.raises(DataFormatError, match="could not read this Arrow/Feather file"):
        read_table(path, extension=".arrow", limits=LIMITS)
