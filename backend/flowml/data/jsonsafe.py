"""Turn polars/Python cell values into values `json.dumps(..., allow_nan=False)` accepts.

The API serialises profiles and previews straight to JSON, where NaN and infinity are not valid, and dates have no
native form: NaN/inf become None, temporal values ISO strings, durations seconds.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any


def to_json_value(value: Any) -> Any:
    """A JSON-safe copy of one cell value (recursing into lists and mappings)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dt.date | dt.time):  # datetime is a date subclass
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal):
        return to_json_value(float(value))
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list | tuple):
        return [to_json_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): to_json_value(item) for key, item in value.items()}
    return str(value)
