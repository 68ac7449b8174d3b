"""Security headers on every HTTP response: no MIME sniffing, no referrer, no framing, a Content-Security-Policy.

The dashboard (frontend/dist) is a Vite build: module scripts and one stylesheet from /assets, an SVG favicon, fetch
and a WebSocket to the same origin. So its policy allows 'self' (plus inline styles, see DASHBOARD_CSP); 'self' also
covers ws:// and wss:// to the same host in current browsers (CSP level 3), so there is no ws:/wss: wildcard that
would let a script talk to any host. tests/security/test_hardening.py loads it in Chromium, live job page and
dialogs included, and fails on any CSP violation.

/docs is FastAPI's Swagger UI, which loads its script and stylesheet from cdn.jsdelivr.net and starts with one
inline script. It gets its own policy: that CDN, and the SHA-256 of each inline script in the page actually sent,
so the page works while no other inline script could run. Without internet access /docs stays blank; the API itself
does not depend on it. docs/security.md records the choice.

/redoc (api/redoc.py) is ReDoc, from the same CDN, without the Google Fonts FastAPI's page loads. It gets REDOC_CSP:
the CDN's origin for its one script and no inline script; inline styles, because ReDoc styles itself with
styled-components, which writes <style> elements at runtime (no fixed hash could match); and blob: workers, because
its search index runs in a Web Worker the bundle creates from a blob: URL.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

SWAGGER_CDN = "https://cdn.jsdelivr.net"
DOCS_CDN = SWAGGER_CDN  # ReDoc's script comes from the same CDN
SWAGGER_FAVICON_HOST = "https://fastapi.tiangolo.com"

# Scripts from 'self' only: no inline script, no eval. Styles also allow 'unsafe-inline', because Radix UI injects
# <style> elements at runtime (the scroll lock of every dialog, Select's viewport), and the scroll lock's content
# depends on the browser's scrollbar width, so no fixed hash could match it. Inline CSS cannot run code.
DASHBOARD_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)

REDOC_CSP = (
    f"default-src 'self'; script-src 'self' {DOCS_CDN}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; worker-src blob:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

# Powerful browser features the dashboard never uses, switched off for it and anything injected into it.
# Only features every current browser knows, so none logs "unrecognized feature" on each page.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

STATIC_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    # Old browsers read X-Frame-Options; new ones read frame-ancestors in the CSP. Both say: never in a frame.
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", PERMISSIONS_POLICY.encode()),
)

_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)


def docs_csp(html: bytes) -> str:
    """The policy for a Swagger UI page: its CDN, and exactly the inline scripts this page contains."""
    hashes = " ".join(f"'sha256-{_sha256(body)}'" for body in _INLINE_SCRIPT.findall(html))
    return (
        f"default-src 'self'; script-src 'self' {SWAGGER_CDN} {hashes}; style-src 'self' {SWAGGER_CDN}; "
        f"img-src 'self' data: {SWAGGER_FAVICON_HOST}; font-src 'self' data:; connect-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )


def _sha256(body: bytes) -> str:
    return base64.b64encode(hashlib.sha256(body).digest()).decode()


class SecurityHeadersMiddleware:
    """Adds the headers to every HTTP response, including errors, 404s and static files.

    Pure ASGI (not BaseHTTPMiddleware) so streamed responses stream and background tasks keep working. Only the
    small Swagger UI pages in `docs_paths` are buffered, to hash their inline script. `page_policies` gives other
    exact paths a fixed policy of their own (ReDoc's); every other response gets DASHBOARD_CSP.
    """

    def __init__(
        self, app: ASGIApp, docs_paths: Iterable[str] = (), page_policies: Mapping[str, str] | None = None
    ) -> None:
        self.app = app
        self.docs_paths = frozenset(docs_paths)
        self.page_policies = dict(page_policies or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope.get("path") in self.docs_paths:
            await self._docs(scope, receive, send)
            return

        csp = self.page_policies.get(scope.get("path", ""), DASHBOARD_CSP)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = _merged(message.get("headers", []), csp)
            await send(message)

        await self.app(scope, receive, with_headers)

    async def _docs(self, scope: Scope, receive: Receive, send: Send) -> None:
        start: Message | None = None
        chunks: list[bytes] = []

        async def buffered(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                assert start is not None  # ASGI sends the start before any body
                body = b"".join(chunks)
                start["headers"] = _merged(start.get("headers", []), docs_csp(body))
                await send(start)
                await send({"type": "http.response.body", "body": body})
                return
            await send(message)

        await self.app(scope, receive, buffered)


def _merged(headers: Iterable[tuple[bytes, bytes]], csp: str) -> list[tuple[bytes, bytes]]:
    """The response's own headers plus ours; a route that set one of them itself keeps its value."""
    merged = list(headers)
    present = {name.lower() for name, _ in merged}
    for name, value in (*STATIC_HEADERS, (b"content-security-policy", csp.encode())):
        if name not in present:
            merged.append((name, value))
    return merged
