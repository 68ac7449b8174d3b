"""The error answers routes document in OpenAPI, so a client knows every status it may get and the body with it.

Every user error is a FlowMLError that `error_response` turns into `{"detail": message}` with the error's status
code. FastAPI's own request validation answers 422 with `{"detail": [field errors]}` (api/validation_errors.py), and
400 for a body it cannot decode, so a 422 documents both shapes. The dashboard's generated client is typed from
these (tests/security/test_api_fuzz.py checks every answer against them).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from flowml.core.errors import FlowMLError


class ErrorDetail(BaseModel):
    """A user error: what went wrong, in words meant for the person who sent the request."""

    detail: str = Field(description="The message to show, naming the value or id at fault")


class FieldError(BaseModel):
    """One failed check of FastAPI's request validation."""

    loc: list[str | int] = Field(description="Where: body, query, path or header, then the field's path")
    msg: str = Field(description="What is wrong, naming the limit or the allowed values; never the value sent")
    type: str = Field(description="Pydantic's error type, e.g. string_too_long, missing, json_invalid")


class RequestError(BaseModel):
    """422: either a FlowML message (the content is not acceptable) or FastAPI's list of fields that failed."""

    detail: str | list[FieldError]


_DESCRIPTIONS: dict[int, str] = {
    400: "The body could not be decoded: JSON that is not UTF-8 text, or broken multipart data",
    401: "No credentials, or ones that are unknown, expired or revoked; sign in again",
    403: "Signed in, but only an admin may do this",
    404: "An id that names nothing",
    409: "The action does not fit the current state",
    413: "The body is larger than MAX_UPLOAD_SIZE_MB (uploads) or MAX_REQUEST_BODY_KB (everything else)",
    415: "The file's extension is not one FlowML reads",
    422: "The request, or the content it names, is not acceptable; detail says which field or value",
    429: "Too many requests from this client; Retry-After says when to try again",
    500: "The model package does not match the SHA-256 recorded for it",
    503: "The artifact store could not be read or written",
}


def error_response(exc: FlowMLError) -> JSONResponse:
    """The answer to a user error, wherever it is raised: route, dependency, or middleware before routing."""
    # RFC 6750: a 401 names the scheme to authenticate with.
    headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
    return JSONResponse({"detail": exc.message}, status_code=exc.status_code, headers=headers)


def signed_in(*codes: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a router whose every route needs a signed-in user (and, with 403, an admin)."""
    return error_responses(401, *codes)


def error_responses(*codes: int, notes: Mapping[int, str] | None = None) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route that may answer these codes; `notes` replaces the generic description of a code."""
    unknown = set(codes) - set(_DESCRIPTIONS)
    if unknown:  # a typo here would silently document nothing useful
        raise ValueError(f"no description for status codes {sorted(unknown)}")
    described = {**_DESCRIPTIONS, **(notes or {})}
    return {
        code: {"model": RequestError if code == 422 else ErrorDetail, "description": described[code]}
        for code in sorted(codes)
    }
