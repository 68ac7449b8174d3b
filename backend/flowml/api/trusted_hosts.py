"""Answer only requests addressed to this server by a name it knows: the defence against DNS rebinding.

A web page on evil.example can make its own name resolve to 127.0.0.1 and then call a FlowML on the visitor's
machine as if same-origin; the one thing it cannot change is the Host header, which still says evil.example.

Starlette's TrustedHostMiddleware parses ports and bracketed IPv6 correctly, but answers in plain text without
saying which setting to change, and knows 127.0.0.1 but not the rest of 127.0.0.0/8. This one answers 400 in the
API's JSON shape naming ALLOWED_HOSTS, and takes every loopback name or address (Settings.host_patterns says
which others).
"""

from __future__ import annotations

import ipaddress
import re

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocketClose

from flowml.api.routes.responses import error_response
from flowml.core.errors import FlowMLError
from flowml.core.settings import is_loopback_host

# RFC 3986's host: a bracketed IPv6 literal, or a registered name / IPv4 address; then an optional port. Anything
# else (user info, paths, spaces) is not a Host header a browser sends, and is refused.
_HOST = re.compile(r"(?:\[(?P<ipv6>[0-9a-f:.]+)\]|(?P<name>[a-z0-9._-]+))(?::[0-9]{1,5})?", re.IGNORECASE)
# WebSocket close code for a policy violation (RFC 6455); its reason must fit in 123 bytes.
_POLICY_VIOLATION = 1008
_WS_REASON = "Host header not allowed (ALLOWED_HOSTS)"


def host_name(header: str) -> str | None:
    """The host a Host header names, lowercased, without port, brackets or trailing dot; None when malformed."""
    match = _HOST.fullmatch(header)
    if match is None:
        return None
    if match["ipv6"] is not None:
        try:
            return str(ipaddress.IPv6Address(match["ipv6"]))
        except ValueError:
            return None
    return match["name"].lower().rstrip(".")


def normal_pattern(pattern: str) -> str:
    """A pattern as host_name would give it: "FlowML.example.com:8443" and "[::1]" match what browsers send."""
    return host_name(pattern) or host_name(f"[{pattern}]") or pattern.lower()


def host_allowed(name: str, patterns: frozenset[str]) -> bool:
    """Loopback names and addresses always; otherwise an exact pattern or a "*.example.com" suffix."""
    if is_loopback_host(name) or name in patterns:
        return True
    return any(pattern.startswith("*.") and name.endswith(pattern[1:]) for pattern in patterns)


def refusal_message(header: str | None) -> str:
    what = f"the Host header {header[:100]!r}" if header else "a request without a Host header"
    return (
        f"this server does not answer {what}: add the name clients use to ALLOWED_HOSTS (comma-separated), "
        "or open it at localhost"
    )


class TrustedHostMiddleware:
    """ASGI middleware for HTTP and WebSocket requests; `patterns` None answers every host."""

    def __init__(self, app: ASGIApp, *, patterns: frozenset[str] | None) -> None:
        self.app = app
        self.patterns = None if patterns is None else frozenset(normal_pattern(pattern) for pattern in patterns)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.patterns is None or scope["type"] not in {"http", "websocket"}:
            await self.app(scope, receive, send)
            return
        header = Headers(scope=scope).get("host")
        name = host_name(header) if header else None
        if name is not None and host_allowed(name, self.patterns):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await WebSocketClose(code=_POLICY_VIOLATION, reason=_WS_REASON)(scope, receive, send)
            return
        await error_response(FlowMLError(refusal_message(header)))(scope, receive, send)
