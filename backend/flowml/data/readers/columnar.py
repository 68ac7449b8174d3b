"""Parquet and Arrow IPC (.feather, .arrow): binary columnar formats, checked by their magic bytes first.

A few KB of Parquet or compressed Arrow can decode to gigabytes (constant columns shrink about 100,000:1), so each
reader estimates the decoded size from the file's own metadata and refuses it past MAX_DECOMPRESSED_SIZE_MB before
decoding anything, then checks the table it got (string values repeated from one dictionary entry are only known
then). The readers run inside the memory-capped child process started by `columnar_sandbox`; call the
`*_in_process` functions directly only for files you trust.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.parquet as pq
from polars.exceptions import PolarsError

from flowml.core.errors import DataFormatError
from flowml.data.content import mislabelled, read_head, read_tail
from flowml.data.limits import ReadLimits, check_decoded_size
from flowml.data.readers.base import RawTable, ReadRequest, check_column_count, short_reason
from flowml.data.readers.flatbuf import FlatBufferError
from flowml.data.readers.ipc_size import ipc_file_decoded_size, ipc_stream_decoded_size
from flowml.data.readers.parquet_size import parquet_decoded_size

PARQUET_LABEL = "Parquet file"
IPC_LABEL = "Arrow/Feather file"
_PARQUET_MAGIC = b"PAR1"
_IPC_FILE_MAGIC = b"ARROW1"
_FEATHER_V1_MAGIC = b"FEA1"
_IPC_STREAM_MARK = b"\xff\xff\xff\xff"  # continuation marker that opens every message of an IPC stream
_IPC_SIGNATURES = (_IPC_FILE_MAGIC, _IPC_STREAM_MARK, _FEATHER_V1_MAGIC)
# What a damaged file makes the libraries raise; anything else is left to formats.py's last line of defence.
_LIBRARY_ERRORS = (PolarsError, pa.ArrowException, OSError, FlatBufferError)


def check_parquet_signature(path: Path) -> None:
    """The magic number at both ends: cheap refusals that need no parser."""
    head = read_head(path)
    if not head.startswith(_PARQUET_MAGIC):
        raise mislabelled("Parquet", head)
    if read_tail(path, len(_PARQUET_MAGIC)) != _PARQUET_MAGIC:
        # The footer holds the schema; without it nothing can be read, typically an interrupted upload or copy.
        raise DataFormatError("this Parquet file is truncated or damaged: its footer is missing")


def check_ipc_signature(path: Path) -> None:
    """An IPC file, an IPC stream or a Feather v1 file, and for an IPC file its footer's magic number too."""
    head = read_head(path)
    if not head.startswith(_IPC_SIGNATURES):
        raise mislabelled("an Arrow/Feather file", head)
    if head.startswith(_IPC_FILE_MAGIC) and read_tail(path, len(_IPC_FILE_MAGIC)) != _IPC_FILE_MAGIC:
        raise DataFormatError("this Arrow/Feather file is truncated or damaged: its footer is missing")


def read_parquet_in_process(request: ReadRequest) -> RawTable:
    check_parquet_signature(request.path)
    try:
        # Width and decoded size as the footer declares them, before any page is decompressed.
        metadata = pq.read_metadata(request.path)
        check_column_count(metadata.num_columns, request.limits)
        check_decoded_size(parquet_decoded_size(metadata), request.limits, PARQUET_LABEL)
        df = pl.read_parquet(request.path)
    except _LIBRARY_ERRORS as exc:
        raise DataFormatError(
            f"could not read this Parquet file (damaged?): {short_reason(exc, request.path)}"
        ) from exc
    return RawTable(_within_limit(df, request.limits, PARQUET_LABEL))


def read_ipc_in_process(request: ReadRequest) -> RawTable:
    """Feather v2 / Arrow IPC file, Arrow IPC stream, or legacy Feather v1."""
    check_ipc_signature(request.path)
    head = read_head(request.path)
    try:
        if head.startswith(_FEATHER_V1_MAGIC):
            return _read_feather_v1(request)
        # From bytes, never a memory map of the file: the upload's temporary file may be deleted (or, on Windows,
        # need deleting) while the frame is still in use.
        data = request.path.read_bytes()
        if head.startswith(_IPC_FILE_MAGIC):
            check_decoded_size(ipc_file_decoded_size(data), request.limits, IPC_LABEL)
            df = pl.read_ipc(data)
        else:
            check_decoded_size(ipc_stream_decoded_size(data), request.limits, IPC_LABEL)
            df = pl.read_ipc_stream(data)
    except _LIBRARY_ERRORS as exc:
        raise DataFormatError(
            f"could not read this Arrow/Feather file (damaged?): {short_reason(exc, request.path)}"
        ) from exc
    return RawTable(_within_limit(df, request.limits, IPC_LABEL))


def _read_feather_v1(request: ReadRequest) -> RawTable:
    # Feather v1 cannot compress: the Arrow table is the file's own bytes, checked before polars copies them.
    table = feather.read_table(request.path)
    check_decoded_size(table.nbytes, request.limits, IPC_LABEL)
    frame = pl.from_arrow(table)
    if not isinstance(frame, pl.DataFrame):
        raise DataFormatError("this Feather file does not hold a table")
    return RawTable(_within_limit(frame, request.limits, IPC_LABEL), ["the file is in the legacy Feather v1 format"])


def _within_limit(df: pl.DataFrame, limits: ReadLimits, label: str) -> pl.DataFrame:
    """The table as read, if it fits: one short string dictionary can stand for gigabytes of repeated text."""
    check_decoded_size(int(df.estimated_size()), limits, label)
    return df
