"""Look at a file's bytes before trusting its extension: magic numbers, emptiness, text encodings.

Uploads arrive with whatever extension the user's file had, so a `.parquet` may really be CSV text and a `.csv` may
be a workbook. Checking the first bytes lets us say "is the extension right?" instead of surfacing a parser's
internal error.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from flowml.core.errors import DataFormatError

HEAD_BYTES = 8192

# Leading bytes of the binary formats users most often upload under the wrong name.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PAR1", "a Parquet file"),
    (b"ARROW1", "an Arrow/Feather file"),
    (b"FEA1", "a Feather (v1) file"),
    (b"\xff\xff\xff\xff", "an Arrow IPC stream"),
    (b"SQLite format 3\x00", "a SQLite database"),
    (b"PK\x03\x04", "a ZIP archive (an .xlsx workbook is one)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Excel (.xls) workbook"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"%PDF", "a PDF document"),
)

# Single bytes or byte pairs, never a pattern around `[^\n]*`: scanning for those from every position of a long
# line is quadratic, and `re` holds the GIL while it scans (one 1 MB line froze the whole server).
# Any byte outside ASCII: lines without one read the same in every encoding we try.
_NON_ASCII_BYTE = re.compile(rb"[\x80-\xff]")
# A UTF-8 lead byte followed by a continuation byte: every non-ASCII line that is valid UTF-8 holds one.
_UTF8_PAIR = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")

# Byte values that never occur in real text files (tab, newline, carriage return and form feed are fine).
_CONTROL_BYTES = frozenset(range(32)) - {9, 10, 12, 13}


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str

    @property
    def note(self) -> str | None:
        """What the user should know about how the bytes were decoded, if anything unusual happened."""
        if self.encoding in {"utf-8", "utf-8-sig"}:
            return None
        return f"the file is not UTF-8; it was read as {self.encoding}"


def read_head(path: Path, size: int = HEAD_BYTES) -> bytes:
    with path.open("rb") as handle:
        return handle.read(size)


def read_tail(path: Path, size: int) -> bytes:
    with path.open("rb") as handle:
        handle.seek(0, 2)
        length = handle.tell()
        handle.seek(max(0, length - size))
        return handle.read()


def ensure_not_empty(path: Path) -> None:
    """Raise the one message every format shares for a zero-byte or whitespace-only file."""
    head = read_head(path)
    # Only whitespace in the whole file; a larger file that merely starts with blank lines is left to its reader.
    if not head.strip() and path.stat().st_size <= len(head):
        raise DataFormatError("the file is empty")


def describe_binary(head: bytes) -> str | None:
    """Name the binary format `head` starts with, e.g. "a Parquet file", or None when no signature matches."""
    for signature, description in _SIGNATURES:
        if head.startswith(signature):
            return description
    return None


def looks_binary(sample: bytes) -> bool:
    """True when `sample` holds NUL or other control bytes that text never contains."""
    if not sample:
        return False
    control = sum(1 for byte in sample if byte in _CONTROL_BYTES)
    return b"\x00" in sample or control / len(sample) > 0.01


def mislabelled(expected: str, head: bytes) -> DataFormatError:
    """The error for a file whose bytes are not the format its extension promised."""
    actual = describe_binary(head)
    if actual is None and not looks_binary(head[:HEAD_BYTES]):
        actual = "text (perhaps CSV or JSON)"
    hint = f"; it looks like {actual}" if actual else ""
    return DataFormatError(f"this file does not look like {expected}{hint}; is the extension right?")


def decode_text(data: bytes, label: str) -> DecodedText:
    """Decode a text file: UTF-8 (with or without BOM) or UTF-16 with BOM, else Windows-1252, else Latin-1.

    Legacy exports from Excel and older databases are often Windows-1252/Latin-1; reading them with a fallback keeps
    accents intact instead of failing the upload.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return DecodedText(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError as exc:
            raise DataFormatError(f"this {label} file has a UTF-16 mark but is not valid UTF-16") from exc
    described = describe_binary(data[:64])
    if described is not None or looks_binary(data[:HEAD_BYTES]):
        what = f"it looks like {described}" if described else "it looks like binary data"
        raise DataFormatError(f"this file is not {label} text: {what}; is the extension right?")
    if data.startswith(codecs.BOM_UTF8):
        data, bom = data[len(codecs.BOM_UTF8) :], True
    else:
        bom = False
    try:
        return DecodedText(data.decode("utf-8"), "utf-8-sig" if bom else "utf-8")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    mixed = _mixed_encodings(data, first_bad, label)
    if mixed is not None:
        raise mixed
    try:
        return DecodedText(data.decode("cp1252"), "Windows-1252 (Latin-1)")
    except UnicodeDecodeError:
        # cp1252 leaves five byte values undefined; Latin-1 maps every byte, so this cannot fail.
        return DecodedText(data.decode("latin-1"), "Latin-1 (ISO-8859-1)")


def _mixed_encodings(data: bytes, first_bad: int, label: str) -> DataFormatError | None:
    """The error for text whose lines are partly UTF-8 and partly not, or None when no line is valid UTF-8 text.

    Such a file (rows appended by two programs) has no one right encoding: read as Windows-1252, its UTF-8 rows turn
    into mojibake ("JosÃ©") that would be stored and trained on without anyone noticing. Naming a line of each is
    what lets the user fix it. `first_bad` is where UTF-8 decoding failed: its line is the first non-UTF-8 one, since
    a UTF-8 sequence never spans a newline. Linear in the file's size: each line is looked at once at most.
    """
    other_start, other_end = _line_bounds(data, first_bad)
    # Every non-ASCII byte before the first non-UTF-8 line belongs to a valid UTF-8 line.
    before = _NON_ASCII_BYTE.search(data, 0, other_start)
    utf8_line = before.start() if before is not None else _first_utf8_line(data, other_end)
    if utf8_line is None:
        return None
    return DataFormatError(
        f"this {label} file mixes text encodings: line {_line_number(data, utf8_line)} is UTF-8 but line "
        f"{_line_number(data, first_bad)} is not (it looks like Latin-1 or Windows-1252); save the whole "
        "file again in one encoding, preferably UTF-8"
    )


def _first_utf8_line(data: bytes, start: int) -> int | None:
    """The offset of the first line from `start` on that holds non-ASCII text and is valid UTF-8, if any."""
    position = start
    while (pair := _UTF8_PAIR.search(data, position)) is not None:
        line_start, line_end = _line_bounds(data, pair.start())
        try:
            data[line_start:line_end].decode("utf-8")
        except UnicodeDecodeError:
            position = line_end  # the rest of this line cannot change the verdict
        else:
            return line_start
    return None


def _line_bounds(data: bytes, offset: int) -> tuple[int, int]:
    """Start and end (exclusive, before the newline) of the line holding `offset`."""
    end = data.find(b"\n", offset)
    return data.rfind(b"\n", 0, offset) + 1, len(data) if end == -1 else end


def _line_number(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1
