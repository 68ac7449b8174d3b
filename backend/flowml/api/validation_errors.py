"""422 answers that can always be sent: FastAPI's default handler echoes the refused input, and JSON cannot encode
NaN, Infinity or a lone UTF-16 surrogate, so a request carrying one turned its own error answer into a 500."""

from __future__ import annotations

import math
from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse


def json_safe(value: Any) -> Any:
    """The same structure with every non-finite float spelled as text and every string valid UTF-8."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # "nan", "inf": the user still sees what was refused
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {json_safe(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    return value


async def invalid_request(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)  # registered for that class only
    return JSONResponse({"detail": json_safe(jsonable_encoder(exc.errors()))}, status_code=422)
