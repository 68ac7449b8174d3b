"""Malformed and hostile upload files, generated at test time: no binary is committed to the repository.

Each builder writes one file into the given folder and returns its path; the file name carries the extension the
upload is sent with, because that is what picks the reader. The bombs are small on disk and large once inflated;
every one is built by streaming, so no builder ever holds more than a few MB in memory.
"""

from __future__ import annotations

import gzip
import io
import json
import sqlite3
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.ipc as ipc
import pyarrow.parquet as pq
import xlsxwriter

Builder = Callable[[Path], Path]

SHEET_PATH = "xl/worksheets/sheet1.xml"
# How much the sheet of the xlsx bomb inflates to, and the real size behind the lying archive's small declared one.
BOMB_INFLATED_MIB = 300
LIAR_REAL_MIB = 40
LIAR_DECLARED_BYTES = 4096
WIDE_COLUMNS = 10_000
# The columnar bombs: two constant int64 columns of BOMB_ROWS rows, 3,052 MiB once decoded (past the default 2,048 MB
# of MAX_DECOMPRESSED_SIZE_MB), in well under 1 MB on disk. Built from chunks of BOMB_CHUNK_ROWS (8 MB each).
BOMB_ROWS = 200_000_000
BOMB_CHUNK_ROWS = 1_000_000
BOMB_DECODED_MIB = round(BOMB_ROWS * 2 * 8 / 2**20)
# A Latin-1 file with one long line of plain ASCII, which a backtracking regex once scanned in quadratic time.
LONG_LINE_BYTES = 1_000_000

# NFC and NFD spellings of the same visible name: "café" as one code point é, and as e + combining acute accent.
CAFE_NFC = unicodedata.normalize("NFC", "café")
CAFE_NFD = unicodedata.normalize("NFD", "café")


def _write(folder: Path, name: str, content: bytes | str) -> Path:
    path = folder / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def _small_frame(rows: int = 200) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": list(range(rows)),
            "amount": [i * 1.5 for i in range(rows)],
            "label": ["yes" if i % 3 else "no" for i in range(rows)],
        }
    )


def _parquet_bytes(compression: str) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(_small_frame(5000).to_arrow(), buffer, compression=compression)
    return buffer.getvalue()


# --- Parquet and Arrow IPC ----------------------------------------------------------------------------------------


def truncated_parquet(folder: Path) -> Path:
    """A real Parquet file cut in half: the footer with the schema is gone."""
    data = _parquet_bytes("zstd")
    return _write(folder, "truncated.parquet", data[: len(data) // 2])


def parquet_garbage_pages(folder: Path) -> Path:
    """Valid magic and footer, but every column chunk's bytes (page headers and data) overwritten with garbage."""
    data = bytearray(_parquet_bytes("zstd"))
    metadata = pq.read_metadata(io.BytesIO(bytes(data)))
    for group in range(metadata.num_row_groups):
        row_group = metadata.row_group(group)
        for column in range(row_group.num_columns):
            chunk = row_group.column(column)
            start = chunk.dictionary_page_offset or chunk.data_page_offset
            for offset in range(start, start + chunk.total_compressed_size):
                data[offset] = (offset * 131 + 7) % 256
    return _write(folder, "garbage_pages.parquet", bytes(data))


def _constant_chunk() -> pa.Table:
    zeros = pa.array(np.zeros(BOMB_CHUNK_ROWS, dtype=np.int64))
    return pa.table({"a": zeros, "b": zeros})


def parquet_row_bomb(folder: Path) -> Path:
    """BOMB_ROWS constant rows in about 700 KB: dictionary and run-length encoding store each 1M-row page in bytes.

    The footer's own size field (`total_byte_size`) counts encoded pages, so it declares under 1 MB.
    """
    path = folder / "rows.parquet"
    chunk = _constant_chunk()
    with pq.ParquetWriter(path, chunk.schema, compression="none", write_statistics=False) as writer:
        for _ in range(BOMB_ROWS // BOMB_CHUNK_ROWS):
            writer.write_table(chunk, row_group_size=BOMB_CHUNK_ROWS)
    return path


def _ipc_bomb(path: Path, new_writer: Callable[..., ipc.RecordBatchFileWriter | ipc.RecordBatchStreamWriter]) -> Path:
    chunk = _constant_chunk()
    # zstd: LZ4 frames cannot pass about 255:1, so an LZ4 bomb this large would exceed the corpus's upload limit.
    with new_writer(path, chunk.schema, options=ipc.IpcWriteOptions(compression="zstd")) as writer:
        for _ in range(BOMB_ROWS // BOMB_CHUNK_ROWS):
            writer.write_table(chunk)
    return path


def ipc_file_bomb(folder: Path) -> Path:
    """An Arrow IPC (Feather v2) file of BOMB_ROWS constant rows, each buffer zstd-compressed: about 150 KB."""
    return _ipc_bomb(folder / "rows.arrow", ipc.new_file)


def ipc_stream_bomb(folder: Path) -> Path:
    """The same rows as an Arrow IPC stream, which has no footer to read sizes from."""
    return _ipc_bomb(folder / "rows_stream.arrow", ipc.new_stream)


# --- CSV ----------------------------------------------------------------------------------------------------------


def ragged_csv(folder: Path) -> Path:
    """Line 4 has one field more than the header: a delimiter inside an unquoted value."""
    return _write(folder, "ragged.csv", "city,price,rooms\nParis,100,2\nLyon,80,3\nNice,1,200,4\nLille,70,1\n")


def short_rows_csv(folder: Path) -> Path:
    """Lines that stop early (trailing empty fields dropped by some exporters): readable, missing values."""
    return _write(folder, "short_rows.csv", "a,b,c\n1,2,3\n4,5\n7,8,9\n")


def mixed_encoding_csv(folder: Path) -> Path:
    """UTF-8 rows, then a row written by another program in Latin-1: no one encoding reads every line right."""
    utf8 = "name,city,score\nJosé,Zürich,1\nAnaïs,Besançon,2\n".encode()
    latin1 = "Françoise,Genève,3\n".encode("latin-1")
    return _write(folder, "mixed_encoding.csv", utf8 + latin1)


def latin1_long_line_csv(folder: Path) -> Path:
    """A Latin-1 row, then a 1 MB row with no byte outside ASCII: readable as Windows-1252, in linear time."""
    content = b"name,value\ncaf\xe9,1\n" + b"x" * LONG_LINE_BYTES + b",2\n"
    return _write(folder, "long_line.csv", content)


def utf16_csv(folder: Path) -> Path:
    """UTF-16 with a byte order mark, as Excel's "Unicode text" export writes it."""
    text = "name,city,score\r\nJosé,Zürich,1\r\nAnaïs,Besançon,2\r\n"
    return _write(folder, "utf16.csv", text.encode("utf-16"))


def binary_named_csv(folder: Path) -> Path:
    """Deterministic binary bytes (every byte value, no known magic number) under a .csv name."""
    return _write(folder, "binary.csv", bytes((i * 97 + 13) % 256 for i in range(8192)))


def empty_csv(folder: Path) -> Path:
    return _write(folder, "empty.csv", b"")


def header_only_csv(folder: Path) -> Path:
    return _write(folder, "header_only.csv", "age,income,label\n")


def wide_csv(folder: Path) -> Path:
    """10,000 columns and two rows."""
    header = ",".join(f"c{i}" for i in range(WIDE_COLUMNS))
    row = ",".join("1" for _ in range(WIDE_COLUMNS))
    return _write(folder, "wide.csv", f"{header}\n{row}\n{row}\n")


def unicode_names_csv(folder: Path) -> Path:
    """Emoji, right-to-left script, combining marks, and a right-to-left override hidden in a name."""
    names = ["🎯 target", "السعر", "שם", "n̈ame", "\u202egnp.exe", "ok"]
    rows = ["1,2,3,4,5,a", "0,3,4,5,6,b", "1,4,5,6,7,c"]
    return _write(folder, "unicode_names.csv", ",".join(names) + "\n" + "\n".join(rows) + "\n")


def nfc_nfd_csv(folder: Path) -> Path:
    """Two columns whose names look identical: "café" in composed (NFC) and decomposed (NFD) form."""
    return _write(folder, "nfc_nfd.csv", f"{CAFE_NFC},{CAFE_NFD},y\n1,2,3\n4,5,6\n")


def duplicate_names_csv(folder: Path) -> Path:
    return _write(folder, "duplicates.csv", "x,x,y,x\n1,2,3,4\n5,6,7,8\n")


def gzip_csv(folder: Path) -> Path:
    return _write(folder, "data.csv.gz", gzip.compress(b"a,b\n1,2\n3,4\n"))


def zip_archive(folder: Path) -> Path:
    path = folder / "data.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.csv", "a,b\n1,2\n3,4\n")
    return path


# --- Excel ------------------------------------------------------------------------------------------------------


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("data")
    for r, row in enumerate(rows):
        sheet.write_row(r, 0, row)
    workbook.close()
    return path


def header_only_xlsx(folder: Path) -> Path:
    return _xlsx(folder / "header_only.xlsx", [["age", "income", "label"]])


def _deflate_padded_sheet(padding_mib: int) -> tuple[bytes, int, int]:
    """A valid sheet (a header and one row) with `padding_mib` MiB of blanks between the rows, which XML allows.

    Returns (raw deflate stream, CRC-32, inflated size). A full flush after each MiB makes every padding block
    compress to the same bytes, so the stream is built by repetition in milliseconds instead of deflating it all.
    """
    head = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="B1" t="inlineStr"><is><t>b</t></is></c>'
        b"</row>"
    )
    tail = b'<row r="2"><c r="A2"><v>1</v></c><c r="B2"><v>2</v></c></row></sheetData></worksheet>'
    blank = b" " * 2**20
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(blank) + compressor.flush(zlib.Z_FULL_FLUSH)
    stream += block * padding_mib + compressor.compress(tail) + compressor.flush()
    crc = zlib.crc32(head)
    for _ in range(padding_mib):
        crc = zlib.crc32(blank, crc)
    crc = zlib.crc32(tail, crc)
    return stream, crc, len(head) + padding_mib * len(blank) + len(tail)


def _zip_with_sheet(template: Path, dest: Path, padding_mib: int, declared_size: int | None = None) -> Path:
    """Copy a real workbook's parts into a hand-written zip whose first sheet is the padded one.

    Written by hand because zipfile cannot store an already-deflated stream, nor a size other than the true one.
    `declared_size` replaces the sheet's inflated size in both its local header and the central directory.
    """
    with zipfile.ZipFile(template) as original:
        parts = {info.filename: original.read(info) for info in original.infolist()}
    entries: list[tuple[bytes, bytes, int, int, int]] = []  # name, deflated, crc, size, declared size
    for name, content in parts.items():
        if name == SHEET_PATH:
            stream, crc, size = _deflate_padded_sheet(padding_mib)
        else:
            compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
            stream, crc, size = compressor.compress(content) + compressor.flush(), zlib.crc32(content), len(content)
        declared = declared_size if (name == SHEET_PATH and declared_size is not None) else size
        entries.append((name.encode(), stream, crc, size, declared))
    body, directory = bytearray(), bytearray()
    for encoded, stream, crc, _size, declared in entries:
        offset = len(body)
        # Local header: version 20, no flags, deflate (8), a fixed DOS time and date.
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(stream), declared, len(encoded), 0)
        body += encoded + stream
        directory += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0,
            8,
            0,
            0x21,
            crc,
            len(stream),
            declared,
            len(encoded),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        directory += encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), len(body), 0)
    dest.write_bytes(bytes(body + directory + end))
    return dest


def xlsx_bomb(folder: Path) -> Path:
    """A workbook of a few hundred KB whose sheet XML inflates to BOMB_INFLATED_MIB MiB (about 1000:1)."""
    template = _xlsx(folder / "template_bomb.xlsx", [["a", "b"], [1, 2]])
    path = _zip_with_sheet(template, folder / "bomb.xlsx", BOMB_INFLATED_MIB)
    template.unlink()
    return path


def xlsx_lying_sizes(folder: Path) -> Path:
    """A workbook whose zip directory says its sheet is LIAR_DECLARED_BYTES long; it inflates to LIAR_REAL_MIB MiB.

    The CRC is the true one, so only a reader that counts what it inflates notices.
    """
    template = _xlsx(folder / "template_liar.xlsx", [["a", "b"], [1, 2]])
    path = _zip_with_sheet(template, folder / "lying_sizes.xlsx", LIAR_REAL_MIB, declared_size=LIAR_DECLARED_BYTES)
    template.unlink()
    return path


# --- Documents and databases ------------------------------------------------------------------------------------


def json_not_records(folder: Path) -> Path:
    """Valid JSON, but a list of plain numbers: no named fields, so no columns."""
    return _write(folder, "numbers.json", json.dumps([1, 2, 3, 4]))


def fake_sqlite(folder: Path) -> Path:
    """Text under a .sqlite name."""
    return _write(folder, "fake.sqlite", "id,name\n1,a\n2,b\n")


def damaged_sqlite(folder: Path) -> Path:
    """A real SQLite database's magic number, then garbage where its pages should be."""
    path = folder / "real.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (a INTEGER, b TEXT)")
        connection.executemany("INSERT INTO t VALUES (?, ?)", [(i, str(i)) for i in range(500)])
    connection.close()
    data = bytearray(path.read_bytes())
    path.unlink()
    for offset in range(100, len(data)):
        data[offset] = (offset * 131 + 7) % 256
    return _write(folder, "damaged.db", bytes(data))


def yaml_billion_laughs(folder: Path) -> Path:
    """Nine levels of ten aliases each: a few hundred bytes that expand to 10**9 strings."""
    lines = ['a0: &a0 ["lol"]']
    for level in range(1, 10):
        previous = ", ".join(f"*a{level - 1}" for _ in range(10))
        lines.append(f"a{level}: &a{level} [{previous}]")
    lines.append("rows:\n  - {x: *a9, y: 1}\n  - {x: 2, y: 3}")
    return _write(folder, "laughs.yaml", "\n".join(lines) + "\n")


def yaml_merge_bomb(folder: Path) -> Path:
    """The same explosion through merge keys (`<<: [*m, *m, ...]`), which a loader resolves while constructing."""
    lines = ["m0: &m0 {k: 1}"]
    for level in range(1, 10):
        previous = ", ".join(f"*m{level - 1}" for _ in range(10))
        lines.append(f"m{level}: &m{level} {{<<: [{previous}]}}")
    lines.append("rows:\n  - {<<: *m9, y: 1}\n  - {k: 2, y: 3}")
    return _write(folder, "merge_laughs.yaml", "\n".join(lines) + "\n")


def yaml_recursive(folder: Path) -> Path:
    """An anchor that contains itself: a cycle, not a tree."""
    return _write(folder, "recursive.yaml", "rows: &r\n  - {a: 1, b: *r}\n")


def yaml_small_alias(folder: Path) -> Path:
    """Ordinary use of anchors: shared defaults merged into each record. Small, so readable."""
    return _write(
        folder,
        "defaults.yaml",
        "defaults: &d {country: FR, active: true}\n"
        "rows:\n  - {<<: *d, id: 1, score: 2.5}\n  - {<<: *d, id: 2, score: 3.0}\n",
    )


# Every hostile case by name, for tests that only need "refused, nothing stored".
CORPUS: dict[str, Builder] = {
    "truncated_parquet": truncated_parquet,
    "parquet_garbage_pages": parquet_garbage_pages,
    "ragged_csv": ragged_csv,
    "mixed_encoding_csv": mixed_encoding_csv,
    "binary_named_csv": binary_named_csv,
    "empty_csv": empty_csv,
    "header_only_csv": header_only_csv,
    "header_only_xlsx": header_only_xlsx,
    "wide_csv": wide_csv,
    "xlsx_bomb": xlsx_bomb,
    "xlsx_lying_sizes": xlsx_lying_sizes,
    "json_not_records": json_not_records,
    "fake_sqlite": fake_sqlite,
    "damaged_sqlite": damaged_sqlite,
    "yaml_billion_laughs": yaml_billion_laughs,
    "yaml_merge_bomb": yaml_merge_bomb,
    "yaml_recursive": yaml_recursive,
    "gzip_csv": gzip_csv,
    "zip_archive": zip_archive,
    "parquet_row_bomb": parquet_row_bomb,
    "ipc_file_bomb": ipc_file_bomb,
    "ipc_stream_bomb": ipc_stream_bomb,
}

# Awkward but legitimate files, which must be read, each with a documented result.
READABLE: dict[str, Builder] = {
    "short_rows_csv": short_rows_csv,
    "latin1_long_line_csv": latin1_long_line_csv,
    "utf16_csv": utf16_csv,
    "unicode_names_csv": unicode_names_csv,
    "nfc_nfd_csv": nfc_nfd_csv,
    "duplicate_names_csv": duplicate_names_csv,
    "yaml_small_alias": yaml_small_alias,
}
