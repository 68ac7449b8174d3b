"""How the server commands show what the API returns: tables, times, sizes and scores, the same way everywhere."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from rich import box
from rich.table import Table
from rich.text import Text

# Ids are what the next command takes: never cut or wrapped, however narrow the terminal.
ID_WIDTH = 32
# Columns that hold numbers, in whichever table they appear.
NUMERIC = {
    "ROWS",
    "COLS",
    "SIZE",
    "PROGRESS",
    "TRIALS",
    "BEST",
    "CV SCORE",
    "SCORE",
    "STD",
    "FIT S/FOLD",
    "FIT S",
    "RANK",
    "CLUSTERS",
    "NOISE",
}
SIZE_UNITS = ("B", "KB", "MB", "GB", "TB")


def table(*columns: str, title: str | None = None, id_first: bool = True) -> Table:
    """A borderless table; with id_first, the first column holds ids and is never cut."""
    grid = Table(title=title, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for index, name in enumerate(columns):
        if index == 0 and id_first:
            grid.add_column(name, no_wrap=True, min_width=ID_WIDTH)
        else:
            grid.add_column(name, justify="right" if name in NUMERIC else "left")
    return grid


def add_row(grid: Table, *values: str) -> None:
    # As Text, not markup: names come from users, and '[...]' in a dataset name must print as typed.
    grid.add_row(*(Text(value) for value in values))


def when(value: Any) -> str:
    """An API timestamp (ISO 8601) as 'YYYY-MM-DD HH:MM' in UTC, or '-' when there is none."""
    if not value:
        return "-"
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:  # the API writes UTC; a naive time can only be that
        moment = moment.replace(tzinfo=UTC)
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M}"


def size(n_bytes: Any) -> str:
    value, unit = float(n_bytes or 0), 0
    while value >= 1024 and unit < len(SIZE_UNITS) - 1:
        value, unit = value / 1024, unit + 1
    return f"{value:.0f} B" if unit == 0 else f"{value:.1f} {SIZE_UNITS[unit]}"


def score(value: Any) -> str:
    return "-" if value is None else f"{float(value):.5f}"


def text(value: Any) -> str:
    return "-" if value is None or value == "" else str(value)
