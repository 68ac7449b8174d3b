"""What each column *is* for modelling: numeric, categorical, boolean, datetime, text or id.

The rules, in order (first match wins), with thresholds as named constants below:
- bool dtype, or exactly the values {0, 1}, or strings that are one yes/no-style pair ({yes,no}, {true,false},
  {y,n}, {t,f}; any case) -> boolean. Strings are not converted: "Yes"/"No" stay the labels users see.
- temporal dtypes, or strings of which nearly all (>= 95% of a sample) parse with one date/datetime format
  -> datetime (`coerce_column_types` parses them).
- integers: every value distinct and either an id-like name (id, *_id, customerID, uuid, key, index) or a
  1-step ascending sequence of at least 20 rows -> id. At most 20 distinct values AND a name that says "code"
  (code, class, type, category, group, kind, level; e.g. pclass, MSSubClass) -> categorical. Every other integer
  stays numeric: counts, ratings and ordinal targets such as wine `quality` 3..9 carry order.
- floats -> numeric. Strings whose every value is a number (besides missing markers such as "NA"), without
  leading-zero codes like "007", follow the number rules above (and are parsed by `coerce_column_types`).
- strings: mostly unique (>= 50% distinct) and long (mean >= 30 chars) or wordy (mean >= 2 spaces) -> text; every
  value distinct with an id-like name, or single tokens in a table of at least 20 rows -> id; else categorical.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import polars as pl

from flowml.data.names import is_code_like_name, is_id_like_name

MAX_CODE_CARDINALITY = 20
MIN_ROWS_FOR_SHAPE_RULES = 20  # below this, "all distinct" says nothing about a column
DATETIME_MIN_SHARE = 0.95
TEXT_MIN_UNIQUE_SHARE = 0.5
TEXT_MIN_MEAN_LENGTH = 30
TEXT_MIN_MEAN_SPACES = 2
_SAMPLE = 1000

# Markers of "missing" inside otherwise numeric text columns (Excel and SQLite keep them as text).
MISSING_MARKERS = ("", "NA", "N/A", "n/a", "NaN", "nan", "NULL", "null", "None", "#N/A", "?", "-")

_BOOLEAN_PAIRS = ({"true", "false"}, {"yes", "no"}, {"y", "n"}, {"t", "f"})
_MAX_BOOLEAN_SPELLINGS = 8  # "Yes", "yes", "YES", " no", ...: more distinct raw values than this is not a flag
_LEADING_ZERO = r"^[+-]?0\d"
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y", "%m-%d-%Y")
_DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f%#z",
    "%Y-%m-%d %H:%M:%S%.f%#z",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
)


class ColumnKind(StrEnum):
    NUMERIC = "numeric"
    CATEGORICAL = "categorical"
    BOOLEAN = "boolean"
    DATETIME = "datetime"
    TEXT = "text"
    ID = "id"


@dataclass(frozen=True)
class DateFormat:
    """A strptime format that parses a text column, and whether it carries a time of day."""

    format: str
    has_time: bool

    @property
    def dtype(self) -> type[pl.Date] | type[pl.Datetime]:
        return pl.Datetime if self.has_time else pl.Date


def infer_column_kinds(df: pl.DataFrame) -> dict[str, ColumnKind]:
    """The kind of every column, in column order (rules in the module docstring)."""
    return {series.name: infer_kind(series) for series in df.get_columns()}


def infer_kind(series: pl.Series) -> ColumnKind:
    dtype = series.dtype
    if dtype == pl.Boolean:
        return ColumnKind.BOOLEAN
    if dtype.is_temporal() and not isinstance(dtype, pl.Duration):
        return ColumnKind.DATETIME
    if isinstance(dtype, pl.Duration):
        return ColumnKind.NUMERIC
    if dtype.is_numeric():
        return _numeric_kind(series)
    if dtype == pl.String:
        return _string_kind(series)
    return ColumnKind.CATEGORICAL


def coerce_column_types(df: pl.DataFrame, kinds: dict[str, ColumnKind]) -> pl.DataFrame:
    """Give text columns of dates or numbers their real dtype; every other column is unchanged.

    Values that do not parse (at most a few percent, by the inference rule) become missing.
    """
    updates: list[pl.Series] = []
    for name, kind in kinds.items():
        series = df.get_column(name)
        if series.dtype != pl.String:
            continue
        if kind is ColumnKind.DATETIME and (found := detect_date_format(series)) is not None:
            updates.append(_strip(series).str.strptime(found.dtype, found.format, strict=False))
        elif kind is not ColumnKind.TEXT and _is_numeric_text(series.drop_nulls()):
            updates.append(_parse_numbers(series))
    return df.with_columns(updates) if updates else df


def detect_date_format(series: pl.Series) -> DateFormat | None:
    """The first format (ISO first) that parses nearly all of a sample of the non-missing values."""
    sample = _strip(series.drop_nulls().head(_SAMPLE))
    if sample.len() == 0:
        return None
    plausible = sample.str.contains(r"\d") & sample.str.len_chars().is_between(6, 40)
    if _mean(plausible) < DATETIME_MIN_SHARE:
        return None
    best: tuple[float, DateFormat] | None = None
    candidates = [DateFormat(f, False) for f in _DATE_FORMATS] + [DateFormat(f, True) for f in _DATETIME_FORMATS]
    for candidate in candidates:
        parsed = sample.str.strptime(candidate.dtype, candidate.format, strict=False)
        share = 1 - parsed.null_count() / sample.len()
        if share >= DATETIME_MIN_SHARE and (best is None or share > best[0]):
            best = (share, candidate)
    return best[1] if best else None


def _numeric_kind(series: pl.Series) -> ColumnKind:
    values = series.drop_nulls()
    if values.len() == 0:
        return ColumnKind.NUMERIC
    distinct = values.n_unique()
    if distinct == 2 and ((values == 0) | (values == 1)).all():
        return ColumnKind.BOOLEAN
    if not series.dtype.is_integer():
        return ColumnKind.NUMERIC
    if distinct == values.len() and (is_id_like_name(series.name) or _is_row_sequence(values)):
        return ColumnKind.ID
    if distinct <= MAX_CODE_CARDINALITY and is_code_like_name(series.name):
        return ColumnKind.CATEGORICAL
    return ColumnKind.NUMERIC


def _is_row_sequence(values: pl.Series) -> bool:
    """1, 2, 3, ... (or 0, 1, 2, ...): a row number someone saved with the data."""
    if values.len() < MIN_ROWS_FOR_SHAPE_RULES:
        return False
    return bool((values.diff().drop_nulls() == 1).all())


def _string_kind(series: pl.Series) -> ColumnKind:
    values = series.drop_nulls()
    if values.len() == 0:
        return ColumnKind.CATEGORICAL
    distinct = values.n_unique()
    if distinct <= _MAX_BOOLEAN_SPELLINGS and _is_boolean_text(values):
        return ColumnKind.BOOLEAN
    if _is_numeric_text(values):
        return _numeric_kind(_parse_numbers(series))  # the same rules as real numbers: "0"/"1" is boolean, ...
    if detect_date_format(values) is not None:
        return ColumnKind.DATETIME
    unique_share = distinct / values.len()
    mean_spaces = _mean(values.str.count_matches(" ", literal=True))
    wordy = _mean(values.str.len_chars()) >= TEXT_MIN_MEAN_LENGTH or mean_spaces >= TEXT_MIN_MEAN_SPACES
    if unique_share >= TEXT_MIN_UNIQUE_SHARE and wordy:
        return ColumnKind.TEXT
    if distinct == values.len():
        single_tokens = mean_spaces < 1 and values.len() >= MIN_ROWS_FOR_SHAPE_RULES
        if is_id_like_name(series.name) or single_tokens:
            return ColumnKind.ID
    return ColumnKind.CATEGORICAL


def _is_boolean_text(values: pl.Series) -> bool:
    lowered = set(_strip(values).str.to_lowercase().unique().to_list())
    return any(lowered <= pair for pair in _BOOLEAN_PAIRS)


def _is_numeric_text(values: pl.Series) -> bool:
    stripped = _strip(values)
    present = stripped.filter(~stripped.is_in(MISSING_MARKERS))
    if present.len() == 0 or present.str.contains(_LEADING_ZERO).any():
        return False
    return present.cast(pl.Float64, strict=False).null_count() == 0


def _parse_numbers(series: pl.Series) -> pl.Series:
    stripped = _strip(series)
    numbers = pl.when(stripped.is_in(MISSING_MARKERS)).then(None).otherwise(stripped)
    parsed = pl.select(numbers.cast(pl.Float64, strict=False).alias(series.name)).to_series()
    whole = parsed.drop_nulls()
    # Whole numbers become Int64 like they would from a CSV; beyond 2**53 a float no longer holds every integer.
    if whole.len() and (whole == whole.round(0)).all() and float(whole.abs().max()) < 2**53:  # type: ignore[arg-type]
        return parsed.cast(pl.Int64)
    return parsed


def _strip(series: pl.Series) -> pl.Series:
    return series.str.strip_chars()


def _mean(series: pl.Series) -> float:
    mean = series.cast(pl.Float64).mean()
    return float(mean) if isinstance(mean, int | float) else 0.0
