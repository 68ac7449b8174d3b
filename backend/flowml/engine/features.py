"""Which columns feed the model, decided once per job from the training frame and the data layer's column kinds.

The plan is data (a FeaturePlan), not code: it travels to workers as JSON, goes into the model card, and is applied
identically at training and prediction time by `preprocessing.prepare_X`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

from flowml.core.errors import InvalidInputError
from flowml.engine.types import FeaturePlan

KINDS = ("numeric", "categorical", "boolean", "datetime", "text", "id")
# Kinds whose values are read as strings (`to_category_strings`): categories, booleans and free text.
CATEGORICAL_KINDS = frozenset({"categorical", "boolean", "text"})
# Of those, the kinds encoded from their vocabulary: recorded in the plan, unseen values reported when predicting.
VOCABULARY_KINDS = frozenset({"categorical", "boolean"})
TEXT_KIND = "text"  # in a plan: short natural text, turned into a few dense numbers by `preprocessing`
MAX_VOCABULARY = 1000  # categories recorded per column (card + unseen-value reports); the most frequent first
# A text column with at most this many distinct values (and mostly repeated ones) behaves like a category.
MAX_TEXT_CATEGORIES = 100
MAX_TEXT_UNIQUE_RATIO = 0.5
# Free text is used when it is short (names, titles, short comments): documents cost more to vectorize than they
# add to a tabular model, and would need a different model altogether.
MAX_TEXT_MEAN_CHARS = 500
# Fewer words than this per value on average, mostly unique: codes, e-mails, URLs (identifiers, not language).
MIN_TEXT_MEAN_WORDS = 1.5
TEXT_SHAPE_SAMPLE = 10_000  # values measured for the two rules above: a mean needs no more
# A categorical column whose every value is unique identifies rows; only trusted on enough rows to tell.
MIN_ROWS_FOR_ID_GUESS = 50

_CACHE_SIZE = 2  # a worker process runs many trials on one or two datasets
_frame_cache: OrderedDict[tuple[str, int, int], pd.DataFrame] = OrderedDict()
_cache_lock = threading.Lock()


REFERENCE_REASON = "reference grouping, used only to report agreement"


def plan_features(
    df: pd.DataFrame, target: str | None, column_kinds: Mapping[str, str], *, reference: str | None = None
) -> FeaturePlan:
    """Keep every usable column with its kind; drop the rest, each with the reason shown to the user.

    `target` None plans a clustering job: every usable column is a feature. There `reference` names a known
    grouping (a species, a segment) that must not shape the clusters: it is left out of the features and recorded
    as `plan.reference`, so the final fit can report how well the clusters agree with it.
    """
    _check_columns(df, target, column_kinds, reference)
    kept: dict[str, str] = {}
    dropped: dict[str, str] = {target: "prediction target"} if target is not None else {}
    if reference is not None:
        dropped[reference] = REFERENCE_REASON
    categories: dict[str, list[str]] = {}
    for column in df.columns:
        name = str(column)
        if name in (target, reference):
            continue
        kind = column_kinds[name]
        reason = _drop_reason(df[column], kind)
        if reason is None and kind == TEXT_KIND:
            kind, reason = _text_use(df[column].dropna())
        if reason is not None:
            dropped[name] = reason
            continue
        kept[name] = kind
        if kind in VOCABULARY_KINDS:
            categories[name] = vocabulary(df[column])
    if not kept:
        raise InvalidInputError(f"no usable feature columns; dropped: {dropped}")
    return FeaturePlan(target=target, column_kinds=kept, dropped=dropped, categories=categories, reference=reference)


def _check_columns(
    df: pd.DataFrame, target: str | None, column_kinds: Mapping[str, str], reference: str | None
) -> None:
    """Refuse a plan request that names columns the data lacks, kinds we do not know, or columns without a kind."""
    if target is not None and target not in df.columns:
        raise InvalidInputError(f"target column {target!r} is not in the data")
    if reference is not None:
        if target is not None:
            # A supervised model learns the target; a second "known grouping" has no meaning there.
            raise InvalidInputError("a reference column is only for clustering (a job without a target column)")
        if reference not in df.columns:
            raise InvalidInputError(f"reference column {reference!r} is not in the data")
    unknown = {col: kind for col, kind in column_kinds.items() if kind not in KINDS}
    if unknown:
        raise InvalidInputError(f"unknown column kind(s) {unknown}; allowed: {', '.join(KINDS)}")
    missing_kind = [str(c) for c in df.columns if c not in (target, reference) and c not in column_kinds]
    if missing_kind:
        raise InvalidInputError(f"no column kind given for: {', '.join(missing_kind)}")


def _drop_reason(series: pd.Series, kind: str) -> str | None:
    if kind == "id":
        return "identifier (a different value on every row)"
    non_null = series.dropna()
    if non_null.empty:
        return "all values missing"
    n_unique = int(series.nunique(dropna=False))
    if n_unique <= 1:
        return "constant (a single value on every row)"
    if kind == "categorical" and len(non_null) >= MIN_ROWS_FOR_ID_GUESS and non_null.is_unique:
        return "identifier (a different value on every row)"
    return None


def _text_use(non_null: pd.Series) -> tuple[str, str | None]:
    """How a text column feeds the model: (kind in the plan, drop reason or None).

    A few repeated values are a category; short wordy values are text; long documents and mostly unique single
    tokens are dropped with the reason shown to the user.
    """
    n_distinct = int(non_null.nunique())
    unique_ratio = n_distinct / len(non_null)
    if n_distinct <= MAX_TEXT_CATEGORIES and unique_ratio <= MAX_TEXT_UNIQUE_RATIO:
        return "categorical", None
    sample = non_null.sample(n=TEXT_SHAPE_SAMPLE, random_state=0) if len(non_null) > TEXT_SHAPE_SAMPLE else non_null
    text = to_category_strings(sample).astype(str)
    mean_chars = float(text.str.len().mean())
    if mean_chars > MAX_TEXT_MEAN_CHARS:
        return TEXT_KIND, f"long text (mean {mean_chars:.0f} characters; only short text is used)"
    if float(text.str.count(r"\S+").mean()) < MIN_TEXT_MEAN_WORDS:
        if unique_ratio > MAX_TEXT_UNIQUE_RATIO:
            return TEXT_KIND, "identifier-like text (mostly unique single words)"
        return "categorical", None  # many repeated single words: a category with many values
    return TEXT_KIND, None


def vocabulary(series: pd.Series) -> list[str]:
    """The column's categories as strings, most frequent first, at most MAX_VOCABULARY."""
    counts = to_category_strings(series).value_counts(dropna=True)
    return [str(v) for v in counts.index[:MAX_VOCABULARY]]


def to_category_strings(series: pd.Series) -> pd.Series:
    """One spelling per category, the same in training and prediction: object dtype, str values, NaN if missing.

    Numbers that are whole print without '.0' (a CSV integer column with gaps reads as float, and the same
    column without gaps at prediction time as int: both must say "3"); booleans print as True/False.
    """
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(object)
    missing = series.isna().to_numpy()
    if isinstance(series.dtype, pd.StringDtype):  # fast path for the common case: text is already its spelling
        out = series.to_numpy(dtype=object, na_value=np.nan)
        return pd.Series(out, index=series.index, name=series.name, dtype=object)
    if pd.api.types.is_float_dtype(series):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        whole = np.isfinite(values) & (values == np.round(values))
        text = [str(int(v)) if w else str(v) for v, w in zip(values, whole, strict=True)]
    else:
        text = [_spell(v) for v in series.to_numpy(dtype=object)]
    out = np.asarray(text, dtype=object)
    out[missing] = np.nan
    return pd.Series(out, index=series.index, name=series.name, dtype=object)


def _spell(value: object) -> str:
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def load_frame(path: str | Path) -> pd.DataFrame:
    """The job's Parquet file as pandas, read once per process and file version.

    Cached by (path, mtime, size) because a worker runs many trials on the same file. Returns a shallow copy: with
    pandas' copy-on-write a caller that adds or edits columns cannot change what the next trial sees.
    """
    stat = Path(path).stat()
    key = (str(Path(path).resolve()), stat.st_mtime_ns, stat.st_size)
    with _cache_lock:
        cached = _frame_cache.get(key)
        if cached is not None:
            _frame_cache.move_to_end(key)
            return cached.copy(deep=False)
    frame = pl.read_parquet(path).to_pandas()
    with _cache_lock:
        _frame_cache[key] = frame
        while len(_frame_cache) > _CACHE_SIZE:
            _frame_cache.popitem(last=False)
    return frame.copy(deep=False)


# Spellings of yes and no that the data layer reads as one flag (data/schema.py's boolean pairs, plus 1/0).
_TRUE_SPELLINGS = frozenset({"true", "yes", "y", "t", "1"})
_FALSE_SPELLINGS = frozenset({"false", "no", "n", "f", "0"})


def match_flag_spellings(df: pd.DataFrame, plan: FeaturePlan) -> pd.DataFrame:
    """Give each boolean column's values the spelling its training data used: `true` or "yes" sent for a column
    trained on "Yes"/"No" is "Yes", `false` for one trained on 0/1 is "0".

    A flag is one fact however it is written, and a JSON client naturally sends `true`; without this it would be
    a value never seen in training, encoded as unknown. Values already spelled as in training, missing ones and
    anything that is not a yes/no word are left as they are (unseen values are still reported by the model).
    """
    updates: dict[str, pd.Series] = {}
    for name, kind in plan.column_kinds.items():
        if kind != "boolean" or name not in df.columns:
            continue
        vocabulary = plan.categories.get(name, [])
        spelling = _flag_spelling(vocabulary)
        if spelling is None:
            continue
        text = to_category_strings(df[name])
        known = text.isin(vocabulary) | text.isna()
        if known.all():
            continue
        lowered = text.where(~known).str.strip().str.lower()
        mapped = lowered.map(spelling)  # words that are no yes/no spelling map to NaN: left as sent
        updates[name] = text.where(known | mapped.isna(), mapped)
    return df.assign(**updates) if updates else df


def _flag_spelling(vocabulary: list[str]) -> dict[str, str] | None:
    """Every yes/no word mapped to the training spelling with the same meaning (the most frequent one); None when
    the vocabulary is not one yes-like and one no-like spelling family."""
    yes = next((v for v in vocabulary if v.strip().lower() in _TRUE_SPELLINGS), None)
    no = next((v for v in vocabulary if v.strip().lower() in _FALSE_SPELLINGS), None)
    if yes is None or no is None:
        return None
    return {**dict.fromkeys(_TRUE_SPELLINGS, yes), **dict.fromkeys(_FALSE_SPELLINGS, no)}
