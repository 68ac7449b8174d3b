"""Decompression-bomb checks for zip containers (.xlsx), run before any parser opens them.

Two passes. The zip's directory declares each part's compressed and inflated size: that alone refuses the classic
bomb (a sheet compressed 1000:1) and anything that would inflate past the limit, at the cost of reading a few KB.
But the directory can lie, and calamine trusts the compressed stream, not the declared size (a sheet declared as
4 KB that inflates to 40 MB is read in full). So the second pass inflates every part once, counting the bytes as
they come out, and stops as soon as a part gives more than it declared or the total passes the limit. Inflating is
fast (hundreds of MB/s) and holds one MiB at a time, so this costs a fraction of what parsing the XML would.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO

from flowml.core.errors import DataFormatError, UploadTooLargeError
from flowml.data.limits import (
    MAX_ARCHIVE_MEMBERS,
    RATIO_FLOOR_BYTES,
    ReadLimits,
    megabytes,
    too_large_once_decompressed,
)

_CHUNK = 1 << 20
_END_RECORD = b"PK\x05\x06"
_END_RECORD_SIZE = 22
_MAX_COMMENT = 0xFFFF
_LOCAL_HEADER = struct.Struct("<IHHHHHIIIHH")
_LOCAL_SIGNATURE = 0x04034B50
# Bytes of central directory we accept: a generous kilobyte per member (46 fixed bytes, name, extra fields).
_MAX_DIRECTORY_BYTES = MAX_ARCHIVE_MEMBERS * 1024
_ENCRYPTED = 0x1


def check_zip_archive(path: Path, limits: ReadLimits, label: str) -> None:
    """Raise unless the zip at `path` inflates to at most `limits.max_decompressed_bytes`, no part is compressed
    more than `limits.max_compression_ratio`:1, and every part holds exactly what the directory declares.

    `label` names the file in messages ("Excel workbook"). Too large once inflated is UploadTooLargeError (413);
    damaged or lying structure is DataFormatError (422).
    """
    try:
        with path.open("rb") as handle:
            _check_directory_size(handle, label)
            with zipfile.ZipFile(handle) as archive:
                members = archive.infolist()
            _check_declared(members, limits, label)
            budget = limits.max_decompressed_bytes
            for info in members:
                budget -= _inflate_counting(handle, info, budget, limits, label)
    except (zipfile.BadZipFile, zlib.error, struct.error, EOFError, NotImplementedError) as exc:
        raise DataFormatError(f"this {label} is damaged: its zip container cannot be read ({exc})") from exc


def _check_directory_size(handle: BinaryIO, label: str) -> None:
    """Refuse a directory with absurdly many entries before zipfile builds an object for each of them."""
    handle.seek(0, 2)
    length = handle.tell()
    handle.seek(max(0, length - _END_RECORD_SIZE - _MAX_COMMENT))
    tail = handle.read()
    at = tail.rfind(_END_RECORD)
    if at < 0 or len(tail) - at < _END_RECORD_SIZE:
        raise DataFormatError(f"this {label} is damaged or truncated: the end of its zip directory is missing")
    # Entry count (2 bytes; 0xFFFF means "see the ZIP64 record") and directory size (4 bytes, exact below 4 GB).
    (entries,) = struct.unpack_from("<H", tail, at + 10)
    (directory_bytes,) = struct.unpack_from("<I", tail, at + 12)
    if (entries != 0xFFFF and entries > MAX_ARCHIVE_MEMBERS) or directory_bytes > _MAX_DIRECTORY_BYTES:
        raise DataFormatError(
            f"this {label} has too many parts: its zip directory lists more than {MAX_ARCHIVE_MEMBERS:,}; "
            "a real workbook has a few dozen"
        )


def _check_declared(members: list[zipfile.ZipInfo], limits: ReadLimits, label: str) -> None:
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise DataFormatError(f"this {label} has {len(members):,} parts; the limit is {MAX_ARCHIVE_MEMBERS:,}")
    declared = 0
    for info in members:
        if info.flag_bits & _ENCRYPTED:
            raise DataFormatError(f"this {label} is encrypted; save it again without a password")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise DataFormatError(
                f"this {label} uses zip compression method {info.compress_type}, which spreadsheet programs never "
                "write; save it again from a spreadsheet program"
            )
        declared += info.file_size
        _check_ratio(info.filename, info.file_size, info.compress_size, limits, label)
    if declared > limits.max_decompressed_bytes:
        raise too_large_once_decompressed(label, f"it expands to {megabytes(declared)}", limits)


def _check_ratio(name: str, inflated: int, compressed: int, limits: ReadLimits, label: str) -> None:
    if inflated < RATIO_FLOOR_BYTES:
        return
    ratio = inflated / max(compressed, 1)
    if ratio > limits.max_compression_ratio:
        raise UploadTooLargeError(
            f"this {label} looks like a decompression bomb: its part '{name}' is compressed {ratio:,.0f}:1 "
            f"({megabytes(compressed)} that expand to {megabytes(inflated)}); real files stay below "
            f"{limits.max_compression_ratio:g}:1 (MAX_COMPRESSION_RATIO)"
        )


def _inflate_counting(handle: BinaryIO, info: zipfile.ZipInfo, budget: int, limits: ReadLimits, label: str) -> int:
    """Inflate one part, one MiB at a time, and return its true size; raise as soon as it outgrows its declared
    size or the remaining `budget`."""
    handle.seek(info.header_offset)
    header = handle.read(_LOCAL_HEADER.size)
    fields = _LOCAL_HEADER.unpack(header)
    if fields[0] != _LOCAL_SIGNATURE:
        raise DataFormatError(f"this {label} is damaged: the zip header of its part '{info.filename}' is missing")
    handle.seek(info.header_offset + _LOCAL_HEADER.size + fields[9] + fields[10])
    if info.compress_type == zipfile.ZIP_STORED:
        produced = len(handle.read(min(info.compress_size, info.file_size + 1)))
        _check_produced(info, produced, budget, limits, label)
        return _check_complete(info, produced, True, label)
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    produced = 0
    left = info.compress_size
    while left > 0 and not inflater.eof:
        pending = handle.read(min(_CHUNK, left))
        if not pending:
            break
        left -= len(pending)
        while pending and not inflater.eof:
            # max_length keeps each step to one MiB of output: a bomb never sits in memory whole.
            produced += len(inflater.decompress(pending, _CHUNK))
            pending = inflater.unconsumed_tail
            _check_produced(info, produced, budget, limits, label)
    return _check_complete(info, produced, inflater.eof, label)


def _check_produced(info: zipfile.ZipInfo, produced: int, budget: int, limits: ReadLimits, label: str) -> None:
    if produced > info.file_size:
        raise DataFormatError(
            f"this {label} is damaged or crafted: its part '{info.filename}' declares {info.file_size:,} bytes but "
            f"expands to more ({produced:,} so far); FlowML does not read archives whose sizes lie"
        )
    if produced > budget:
        raise too_large_once_decompressed(label, "it expands to more than that", limits)


def _check_complete(info: zipfile.ZipInfo, produced: int, finished: bool, label: str) -> int:
    if not finished or produced != info.file_size:
        raise DataFormatError(
            f"this {label} is damaged or truncated: its part '{info.filename}' declares {info.file_size:,} bytes "
            f"but holds {produced:,}"
        )
    return produced
