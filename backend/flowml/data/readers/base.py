"""What every reader takes and returns, and the helpers they share for wrapping library errors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from flowml.core.errors import DataFormatError
from flowml.data.limits import ReadLimits

_MAX_REASON = 200


@dataclass(frozen=True)
class ReadRequest:
    """The file and the user's choices; `extension` is separate because stored uploads have no file name."""

    path: Path
    extension: str
    table: str | None = None
    sheet: str | None = None
    limits: ReadLimits = field(default_factory=ReadLimits)


@dataclass
class RawTable:
    """A reader's output before normalisation, with notes for the user (fallback encoding, chosen sheet, ...)."""

    df: pl.DataFrame
    notes: list[str] = field(default_factory=list)


Reader = Callable[[ReadRequest], RawTable]


def short_reason(exc: BaseException, path: Path | None = None) -> str:
    """The first line of a library's message, without our server's file path, short enough to show a user."""
    text = str(exc).strip() or type(exc).__name__
    if path is not None:
        text = text.replace(str(path), "the file")
    first = text.splitlines()[0].strip()
    return first if len(first) <= _MAX_REASON else first[: _MAX_REASON - 3] + "..."


def quote_names(names: list[str]) -> str:
    """`a, b, c` for messages that list choices (tables, sheets)."""
    return ", ".join(f"'{name}'" for name in names)


def check_column_count(count: int, limits: ReadLimits) -> None:
    """Refuse a table wider than `limits.max_columns`, before the expensive part of reading it where possible."""
    if count > limits.max_columns:
        raise DataFormatError(
            f"the table has {count:,} columns; FlowML accepts at most {limits.max_columns:,} (MAX_UPLOAD_COLUMNS). "
            "Keep the columns you need, or check that the file's delimiter is right"
        )
