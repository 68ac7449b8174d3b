"""Parquet and Arrow IPC (.feather, .arrow): binary columnar formats, checked by their magic bytes first."""

from __future__ import annotations

import polars as pl
import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.parquet as pq
from polars.exceptions import PolarsError

from flowml.core.errors import DataFormatError, UploadTooLargeError
from flowml.data.content import mislabelled, read_head, read_tail
from flowml.data.limits import ReadLimits, megabytes
from flowml.data.readers.base import RawTable, ReadRequest, check_column_count, short_reason

_PARQUET_MAGIC = b"PAR1"
_IPC_FILE_MAGIC = b"ARROW1"
_FEATHER_V1_MAGIC = b"FEA1"
_IPC_STREAM_MARK = b"\xff\xff\xff\xff"  # continuation marker that opens every message of an IPC stream


def read_parquet(request: ReadRequest) -> RawTable:
    head = read_head(request.path)
    if not head.startswith(_PARQUET_MAGIC):
        raise mislabelled("Parquet", head)
    if read_tail(request.path, len(_PARQUET_MAGIC)) != _PARQUET_MAGIC:
        # The footer holds the schema; without it nothing can be read, typically an interrupted upload or copy.
        raise DataFormatError("this Parquet file is truncated or damaged: its footer is missing")
    try:
        _check_parquet_footer(request, request.limits)
        return RawTable(pl.read_parquet(request.path))
    except (PolarsError, pa.ArrowException) as exc:
        raise DataFormatError(
            f"could not read this Parquet file (damaged?): {short_reason(exc, request.path)}"
        ) from exc


def _check_parquet_footer(request: ReadRequest, limits: ReadLimits) -> None:
    """Width and in-memory size as the footer declares them, before any page is decompressed.

    Parquet compresses repetitive columns enormously (legitimately), so only the total is capped, not the ratio.
    """
    metadata = pq.read_metadata(request.path)
    check_column_count(metadata.num_columns, limits)
    inflated = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
    if inflated > limits.max_decompressed_bytes:
        raise UploadTooLargeError(
            f"this Parquet file is too large once decompressed: it expands to {megabytes(inflated)}; the limit is "
            f"{megabytes(limits.max_decompressed_bytes)} (MAX_DECOMPRESSED_SIZE_MB)"
        )


def read_ipc(request: ReadRequest) -> RawTable:
    """Feather v2 / Arrow IPC file, Arrow IPC stream, or legacy Feather v1."""
    head = read_head(request.path)
    try:
        if head.startswith(_IPC_FILE_MAGIC):
            if read_tail(request.path, len(_IPC_FILE_MAGIC)) != _IPC_FILE_MAGIC:
                raise DataFormatError("this Arrow/Feather file is truncated or damaged: its footer is missing")
            # From bytes, never a memory map of the file: the upload's temporary file may be deleted (or, on Windows,
            # need deleting) while the frame is still in use.
            return RawTable(pl.read_ipc(request.path.read_bytes()))
        if head.startswith(_IPC_STREAM_MARK):
            return RawTable(pl.read_ipc_stream(request.path))
        if head.startswith(_FEATHER_V1_MAGIC):
            frame = pl.from_arrow(feather.read_table(request.path))
            if not isinstance(frame, pl.DataFrame):
                raise DataFormatError("this Feather file does not hold a table")
            return RawTable(frame, ["the file is in the legacy Feather v1 format"])
    except (PolarsError, pa.ArrowException, OSError) as exc:
        raise DataFormatError(
            f"could not read this Arrow/Feather file (damaged?): {short_reason(exc, request.path)}"
        ) from exc
    raise mislabelled("an Arrow/Feather file", head)
