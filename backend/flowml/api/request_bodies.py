"""Request bodies: how large each may be, and whose credentials are checked before a large one is read.

Every body is counted while it streams: past MAX_UPLOAD_SIZE_MB on the routes in LARGE_BODY_ROUTES, past
MAX_REQUEST_BODY_KB everywhere else, the answer is 413 (a larger Content-Length is refused before a byte is read).

FastAPI parses a form (an `UploadFile` parameter) before it runs any dependency, so `current_user` alone lets anyone
stream a whole upload to the server before hearing 401. For the large-body routes this middleware runs the route's
own credential check first, and an unknown caller gets the same 401 without the body being read.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import lru_cache

from fastapi import Request
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from flowml.api.auth import request_user
from flowml.api.routes.responses import error_response
from flowml.api.routes.worker_data import request_join_token
from flowml.api.uploads import MULTIPART_OVERHEAD, too_large_message
from flowml.core.errors import FlowMLError

# The route's own credential check, callable before routing: raises a FlowMLError (401) for an unknown caller.
Authenticator = Callable[[Request], Awaitable[object]]
# The server stops reading and closes the connection: otherwise it would read and discard the rest of the body to
# keep the connection open, which is the very work a refusal is meant to save.
_CLOSE = {"Connection": "close"}


@dataclass(frozen=True)
class LargeBodyRoute:
    method: str
    path: str  # as the router declares it, {parameters} included
    authenticate: Authenticator

    def matches(self, method: str, path: str) -> bool:
        return method == self.method and _pattern(self.path).match(path) is not None


@lru_cache
def _pattern(path: str) -> re.Pattern[str]:
    return compile_path(path)[0]


# The only routes that take bodies up to MAX_UPLOAD_SIZE_MB (tests/security/test_request_bodies.py checks that these
# are exactly the routes whose OpenAPI body is a file).
LARGE_BODY_ROUTES: tuple[LargeBodyRoute, ...] = (
    LargeBodyRoute("POST", "/api/datasets/upload", request_user),
    LargeBodyRoute("POST", "/api/results/model/{model_id}/predict/batch", request_user),
    LargeBodyRoute("PUT", "/api/workers/oof/{job_id}/{trial_number}", request_join_token),
)


def large_body_route(method: str, path: str) -> LargeBodyRoute | None:
    return next((route for route in LARGE_BODY_ROUTES if route.matches(method, path)), None)


class BodyTooLargeError(HTTPException):
    """An HTTPException so FastAPI passes it on as the 413 it is, instead of calling the body unparseable (400)."""

    def __init__(self, message: str) -> None:
        super().__init__(status_code=413, detail=message, headers=_CLOSE)


@dataclass(frozen=True)
class _Limit:
    bytes: int
    message: str


def body_too_large_message(limit_bytes: int) -> str:
    return (
        f"the request body is larger than the limit of {limit_bytes / 1024:g} kB (MAX_REQUEST_BODY_KB); "
        "send tables as a file to an upload endpoint"
    )


class RequestBodyLimits:
    """ASGI middleware: authenticates large-body routes before their body, and caps every body while it streams."""

    def __init__(self, app: ASGIApp, *, body_limit_bytes: int, upload_limit_bytes: int) -> None:
        self.app = app
        self.small = _Limit(body_limit_bytes, body_too_large_message(body_limit_bytes))
        # Multipart framing (boundaries, part headers, small form fields) comes on top of the file itself.
        self.large = _Limit(upload_limit_bytes + MULTIPART_OVERHEAD, too_large_message(upload_limit_bytes))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        route = large_body_route(scope["method"], _route_path(scope))
        if route is not None:
            refusal = await _check_caller(route, Request(scope))
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        limit = self.small if route is None else self.large
        declared = _content_length(scope)
        if declared is not None and declared > limit.bytes:
            await _too_large(limit)(scope, receive, send)
            return
        await _LimitedBody(self.app, limit)(scope, receive, send)


class _LimitedBody:
    """One request: counts its body as the app reads it, and answers 413 if the app let the refusal through."""

    def __init__(self, app: ASGIApp, limit: _Limit) -> None:
        self.app = app
        self.limit = limit
        self.received = 0
        self.started = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def counting_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                self.received += len(message.get("body", b""))
                if self.received > self.limit.bytes:
                    raise BodyTooLargeError(self.limit.message)
            return message

        async def tracking_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLargeError:
            if self.started:
                raise
            await _too_large(self.limit)(scope, receive, send)


class _TooLarge(FlowMLError):
    status_code = 413


async def _check_caller(route: LargeBodyRoute, request: Request) -> Response | None:
    """None when the route's credential check passes, else the answer the route itself would give."""
    try:
        await route.authenticate(request)
    except FlowMLError as exc:
        return _closing(error_response(exc))
    return None


def _too_large(limit: _Limit) -> Response:
    return _closing(error_response(_TooLarge(limit.message)))


def _closing(response: Response) -> Response:
    response.headers.update(_CLOSE)
    return response


def _route_path(scope: Scope) -> str:
    """The path the routes match against: without the prefix a proxy mounts the app under (root_path)."""
    path: str = scope["path"]
    root = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def _content_length(scope: Scope) -> int | None:
    declared = Headers(scope=scope).get("content-length")
    return int(declared) if declared is not None and declared.isdigit() else None
