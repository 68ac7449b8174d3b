"""Make every table FlowML reads look the same: clean, unique column names and only scalar dtypes.

Downstream code (inference, profiling, preprocessing, the model card) assumes one column per name and flat values;
each format breaks that in its own way (CSV headers repeat or are blank, JSON nests objects, SQLite has BLOBs), so the
fix-ups live here once, and each returns notes the user sees.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from typing import Any

import polars as pl

# Joins a nested field to its parent's name: {"a": {"x": 1}} becomes column "a.x".
SEPARATOR = "."


def clean_column_names(raw: Sequence[object]) -> tuple[list[str], list[str]]:
    """Strip names and collapse their inner whitespace, write them in composed Unicode (NFC), drop invisible
    direction and control characters, name blank ones `column_N` (1-based position) and suffix repeats `_2`, `_3`, ...

    Returns the new names and one note per change. Renaming (rather than rejecting) keeps a real-world export usable;
    the note tells the user which column became which. NFC first, so "café" typed on two systems (one code point é,
    or e + combining accent) is one name, and two such columns are a visible repeat instead of twins that differ
    only in their bytes.
    """
    notes: list[str] = []
    stripped = [_clean_name(name, position, notes) for position, name in enumerate(raw, start=1)]
    taken = {name for name in stripped if name}
    names: list[str] = []
    seen: set[str] = set()
    for position, name in enumerate(stripped, start=1):
        if not name:
            new = _unique(f"column_{position}", taken | seen)
            notes.append(f"column {position} had no name; it is called '{new}'")
        elif name in seen:
            new = _unique(name, taken | seen)
            notes.append(f"column {position} repeats the name '{name}'; it is called '{new}'")
        else:
            new = name
        seen.add(new)
        names.append(new)
    return names, notes


def _clean_name(raw: object, position: int, notes: list[str]) -> str:
    if raw is None:
        return ""
    # Line breaks and tabs inside a name (a wrapped spreadsheet header) become single spaces.
    name = " ".join(str(raw).split())
    composed = unicodedata.normalize("NFC", name)
    if composed != name:
        notes.append(f"column {position}'s name was in decomposed Unicode; it is written composed (NFC): '{composed}'")
    visible = "".join(char for char in composed if not _is_hidden_control(char))
    if visible != composed:
        notes.append(f"column {position}'s name held invisible control characters; they were removed: '{visible}'")
    return " ".join(visible.split())


def _is_hidden_control(char: str) -> bool:
    """Control characters, and the bidirectional embeddings, overrides and isolates that reorder how a name (and
    the text after it) is displayed: "\u202egnp.exe" shows as "exe.png". Letters of right-to-left scripts, emoji and
    their joiners, and combining marks are all kept."""
    return unicodedata.category(char) == "Cc" or char in _BIDI_CONTROLS


_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _unique(base: str, used: set[str]) -> str:
    if base not in used:
        return base
    suffix = 2
    while f"{base}_{suffix}" in used:
        suffix += 1
    return f"{base}_{suffix}"


def normalize_frame(df: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
    """Clean names, flatten structs, stringify lists/objects, and settle dtypes that nothing downstream handles."""
    notes: list[str] = []
    columns = _flatten_structs(df.get_columns(), notes)
    names, renamed = clean_column_names([series.name for series in columns])
    notes.extend(renamed)
    scalar = [_scalar(series, notes).alias(name) for series, name in zip(columns, names, strict=True)]
    return pl.DataFrame(scalar), notes


def _flatten_structs(columns: list[pl.Series], notes: list[str]) -> list[pl.Series]:
    """Replace each struct column `a` by columns `a.x`, `a.y`, ... recursively (JSON objects inside records)."""
    flat: list[pl.Series] = []
    for series in columns:
        if not isinstance(series.dtype, pl.Struct):
            flat.append(series)
            continue
        fields = [
            field.alias(f"{series.name}{SEPARATOR}{field.name}") for field in series.struct.unnest().get_columns()
        ]
        if fields:  # an empty object {} carries no data
            notes.append(f"nested column '{series.name}' was split into {', '.join(f.name for f in fields)}")
        flat.extend(_flatten_structs(fields, notes))
    return flat


def _scalar(series: pl.Series, notes: list[str]) -> pl.Series:
    """One column with a dtype that inference, profiling and Parquet round-trips all understand."""
    dtype = series.dtype
    if isinstance(dtype, pl.List | pl.Array) or dtype == pl.Object:
        notes.append(f"column '{series.name}' holds lists or objects; they are kept as JSON text")
        return pl.Series(series.name, [_json_text(value) for value in series.to_list()], dtype=pl.String)
    if dtype == pl.Binary:
        notes.append(f"column '{series.name}' holds binary data; it is kept as hexadecimal text")
        return series.bin.encode("hex")
    if dtype == pl.Null or isinstance(dtype, pl.Categorical | pl.Enum):
        return series.cast(pl.String)
    if isinstance(dtype, pl.Decimal):
        return series.cast(pl.Float64)
    if isinstance(dtype, pl.Duration):
        notes.append(f"column '{series.name}' holds durations; they are kept as seconds")
        return series.dt.total_microseconds().cast(pl.Float64) / 1_000_000
    if dtype.is_float():
        # NaN and null both mean "missing" to a user; one representation keeps missing counts honest.
        return series.fill_nan(None)
    return series


def _json_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, pl.Series):
        value = value.to_list()
    return json.dumps(value, default=str, ensure_ascii=False)
