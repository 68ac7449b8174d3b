"""What can go wrong when talking to a FlowML server, as typed exceptions whose message is meant for the user.

Every failure is a `ServerError` (a FlowMLError, so the CLI prints it as one line with exit code 2); its subclass says
which kind, so a script can catch exactly the case it handles (an unknown id, a rejected key, a file too large, a
column the server refused) without parsing messages. `status` is the HTTP status the server answered, None when it
did not answer at all.
"""

from __future__ import annotations

from typing import Any

import httpx

from flowml.core.errors import FlowMLError

API_KEY_ENV = "FLOWML_API_KEY"
SERVER_ENV = "FLOWML_SERVER"
# The first element of a validation error's location says where the field was (body, query, path, ...); users
# know the field by its name alone.
_LOCATION_KINDS = {"body", "query", "path", "header", "form", "file"}


class ServerError(FlowMLError):
    """A request to the FlowML server failed; the message says why, in the user's words."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class ServerUnreachableError(ServerError):
    """No answer: nothing listens at the URL, the network is down, or the server did not answer in time."""


class NotAFlowMLServerError(ServerError):
    """Something answered, but not like a FlowML server (a proxy's page, another program on that port)."""


class BadRequestError(ServerError):
    """400, 415 or 422: the request was refused as it stands (a column that is not in the table, a metric that does
    not fit the task, a file in a format FlowML does not read); the message is the server's reason."""


class UnauthorizedError(ServerError):
    """401: the API key or token is missing, unknown, revoked or expired."""


class PermissionDeniedError(ServerError):
    """403: signed in, but this user may not do that."""


class UnknownIdError(ServerError):
    """404: the id names nothing this user can see."""


class StateConflictError(ServerError):
    """409: the action does not fit the resource's state (cancel a finished job, say)."""


class PayloadTooLargeError(ServerError):
    """413: the upload is over the server's MAX_UPLOAD_SIZE_MB (or would be, decompressed)."""


class RateLimitedError(ServerError):
    """429: a per-user limit is reached (predictions per minute, jobs waiting); the message names it."""


class ServerFailedError(ServerError):
    """5xx: the server itself failed; trying again later may work."""


class JobFailedError(ServerError):
    """The job ended without a model: it failed or was cancelled. `job` is its last state."""

    def __init__(self, message: str, job: Any) -> None:
        super().__init__(message)
        self.job = job


_BY_STATUS: dict[int, type[ServerError]] = {
    400: BadRequestError,
    401: UnauthorizedError,
    403: PermissionDeniedError,
    404: UnknownIdError,
    409: StateConflictError,
    413: PayloadTooLargeError,
    415: BadRequestError,
    422: BadRequestError,
    429: RateLimitedError,
}


def error_from(response: httpx.Response) -> ServerError:
    """The typed exception for an error answer, carrying error_message() and the status."""
    status = response.status_code
    kind = ServerFailedError if status >= 500 else _BY_STATUS.get(status, ServerError)
    return kind(error_message(response), status=status)


def error_message(response: httpx.Response) -> str:
    """The server's `detail` in words; 401 says the key was rejected, 5xx that the server itself failed."""
    detail = _detail(response)
    if response.status_code == 401:
        return f"the API key was rejected: {detail or 'the server did not say why'} (check {API_KEY_ENV})"
    if response.status_code >= 500:
        status = f"{response.status_code} {response.reason_phrase}".strip()
        return f"the server failed ({status}){': ' + detail if detail else ''}"
    return detail or f"the server answered {response.status_code} {response.reason_phrase}".strip()


def _detail(response: httpx.Response) -> str:
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        return ""
    if isinstance(detail, str):
        return detail
    if isinstance(detail, list):  # FastAPI's validation errors: [{"loc": [...], "msg": "..."}, ...]
        return "; ".join(_validation_problem(item) for item in detail if isinstance(item, dict))
    return ""


def _validation_problem(item: dict[str, Any]) -> str:
    location = [str(part) for part in item.get("loc", [])]
    if location and location[0] in _LOCATION_KINDS:
        location = location[1:]
    message = str(item.get("msg", "invalid value"))
    return f"{'.'.join(location)}: {message}" if location else message
