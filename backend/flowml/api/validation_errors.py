"""422 answers that say where and what, never echo what was sent, and can always be encoded.

FastAPI's default handler returns each error's `input` (and `ctx`, which may hold it too): a 4 MB field came back
as an 8 MB answer, and a secret sent in the wrong field was shown again. Each error keeps only `loc`, `msg` and
`type`; pydantic's messages already name the limit or the allowed values ("String should have at most 64
characters"). A custom validator's message or a user's dict key may still carry text from the request, so both are
clipped, and made valid UTF-8 (a lone UTF-16 surrogate would otherwise turn the 422 into a 500).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

MAX_MESSAGE_CHARS = 500
MAX_LOC_PART_CHARS = 100


def clipped(text: str, limit: int) -> str:
    """`text` as valid UTF-8, cut to `limit` characters with a mark that it was cut."""
    safe = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return safe if len(safe) <= limit else f"{safe[:limit]}... ({len(safe):,} characters)"


def field_error(error: Mapping[str, Any]) -> dict[str, Any]:
    """One pydantic error as the API answers it: where, what, and its type."""
    loc = [part if isinstance(part, int) else clipped(str(part), MAX_LOC_PART_CHARS) for part in error["loc"]]
    return {"loc": loc, "msg": clipped(str(error["msg"]), MAX_MESSAGE_CHARS), "type": str(error["type"])}


async def invalid_request(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)  # registered for that class only
    return JSONResponse({"detail": [field_error(error) for error in exc.errors()]}, status_code=422)
