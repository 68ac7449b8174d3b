"""Read, check, type and summarise an uploaded file in one call: what the upload service and CLI use."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from flowml.data.formats import read_table_with_notes
from flowml.data.limits import ReadLimits
from flowml.data.profile import profile_columns
from flowml.data.schema import ColumnKind, coerce_column_types, infer_column_kinds


@dataclass
class IngestedTable:
    """A validated table with typed columns, its per-column profile and what the user should know about the read.

    The target suggestion needs the engine's decision on each column, so the upload service makes it
    (services/target_checks.py), not this layer."""

    df: pl.DataFrame
    kinds: dict[str, ColumnKind]
    notes: list[str] = field(default_factory=list)
    profile: list[dict[str, Any]] = field(default_factory=list)

    @property
    def n_rows(self) -> int:
        return self.df.height

    @property
    def n_cols(self) -> int:
        return self.df.width


def inspect_file(
    path: Path,
    *,
    extension: str,
    table: str | None = None,
    sheet: str | None = None,
    limits: ReadLimits | None = None,
) -> IngestedTable:
    """Read `path` as `extension`, infer column kinds, parse date/number text, and profile.

    `limits` caps what the file may make the reader do (the server passes its settings'; default: data/limits.py).
    """
    df, notes = read_table_with_notes(path, extension=extension, table=table, sheet=sheet, limits=limits)
    return inspect_frame(df, notes)


def inspect_frame(df: pl.DataFrame, notes: list[str] | None = None) -> IngestedTable:
    """What `inspect_file` makes of a table already read (clean column names): a DataFrame handed to
    `flowml.AutoML` is typed exactly as the same table uploaded as a file."""
    notes = list(notes or [])
    kinds = infer_column_kinds(df)
    typed = coerce_column_types(df, kinds)
    notes.extend(_coercion_notes(df, typed))
    return IngestedTable(typed, kinds, notes, profile_columns(typed, kinds))


def _coercion_notes(before: pl.DataFrame, after: pl.DataFrame) -> list[str]:
    notes: list[str] = []
    for name in before.columns:
        old, new = before.get_column(name), after.get_column(name)
        if old.dtype == new.dtype:
            continue
        lost = new.null_count() - old.null_count()
        detail = f"; {lost} value(s) that did not parse are now missing" if lost else ""
        notes.append(f"column '{name}' was read as {new.dtype} from text{detail}")
    return notes
