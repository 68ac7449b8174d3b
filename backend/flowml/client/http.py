"""The HTTP layer under `Client` (and so under the CLI's server commands): one connection pool to the server,
the credential with every request, and every failure turned into a typed `ServerError` (client/errors.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx

from flowml.client.errors import (
    SERVER_ENV,
    NotAFlowMLServerError,
    ServerError,
    ServerUnreachableError,
    error_from,
)

# Connecting should be quick; reading and writing may not be: uploads, model packages and batch predictions of big
# tables take a while, and the server answers a batch prediction only when every row is done.
TIMEOUT = httpx.Timeout(connect=10.0, read=600.0, write=600.0, pool=10.0)
CHUNK_BYTES = 1 << 20

# A file to send: a path (streamed from disk) or a name and its bytes (a DataFrame written in memory).
Upload = Path | tuple[str, bytes]


def normalize_server(server: str) -> str:
    """The base URL without a trailing slash; a bare host:port gets http:// (what `flowml up` serves)."""
    url = server.strip()
    if "://" not in url:
        url = f"http://{url}"
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        parsed = None
    if parsed is None or parsed.scheme not in {"http", "https"} or not parsed.host:
        raise ServerError(f"--server / {SERVER_ENV} must be a URL such as http://192.168.1.10:8000, not '{server}'")
    return url.rstrip("/")


def segment(value: str) -> str:
    """An id as one URL path segment: a stray '/' or '?' cannot reach another endpoint."""
    return quote(value, safe="")


class HttpSession:
    """One HTTP connection pool to the server, sending `credential` (an API key or an access token) as a bearer;
    without one (signing in), no Authorization header."""

    def __init__(
        self, server: str, credential: str | None, *, user_agent: str, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.server = normalize_server(server)
        self.credential = credential or ""
        headers = {"User-Agent": user_agent}
        if credential:
            headers["Authorization"] = f"Bearer {credential}"
        self._http = httpx.Client(
            base_url=self.server,
            headers=headers,
            timeout=TIMEOUT,
            transport=transport,
        )

    def __enter__(self) -> HttpSession:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self._json(self.send("GET", path, params=params))

    def post(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        return self._json(self.send("POST", path, json=body))

    def delete(self, path: str) -> None:
        self.send("DELETE", path)

    def upload(self, path: str, file: Upload, fields: dict[str, str] | None = None) -> dict[str, Any]:
        """POST `file` as the multipart field `file`; a path is streamed from disk rather than read whole."""
        with ExitStack() as stack:
            return self._json(self.send("POST", path, files=_files(file, stack), data=fields or {}))

    def download(
        self, path: str, output: Path, upload: Upload | None = None, params: dict[str, Any] | None = None
    ) -> httpx.Headers:
        """Save the answer to GET `path` (or to POSTing `upload` to it) in `output`; returns the answer's headers.

        The body goes to a temporary file beside `output` first, so a failed or interrupted transfer never leaves a
        truncated file that looks like a finished one."""
        partial = output.with_name(f".{output.name}.part")
        try:
            with ExitStack() as stack:
                files = _files(upload, stack) if upload is not None else None
                method = "GET" if upload is None else "POST"
                response = stack.enter_context(self._stream(method, path, files=files, params=params))
                with partial.open("wb") as out:
                    for chunk in response.iter_bytes(CHUNK_BYTES):
                        out.write(chunk)
                headers = response.headers
            partial.replace(output)
        finally:
            partial.unlink(missing_ok=True)
        return headers

    def send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """The answer, read whole, once its status says it succeeded; otherwise the typed ServerError."""
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise ServerUnreachableError(self._unreachable(exc)) from None
        if response.is_error:
            raise error_from(response)
        return response

    @contextmanager
    def _stream(self, method: str, path: str, **kwargs: Any) -> Iterator[httpx.Response]:
        """A streamed answer whose status was already checked; a connection lost mid-body is a ServerError too."""
        try:
            with self._http.stream(method, path, **kwargs) as response:
                if response.is_error:
                    response.read()  # the error's JSON body, to quote its detail
                    raise error_from(response)
                yield response
        except httpx.TransportError as exc:
            raise ServerUnreachableError(self._unreachable(exc)) from None

    def _json(self, response: httpx.Response) -> dict[str, Any]:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            # Most likely the URL points at something that is not a FlowML server (a proxy's page, say).
            raise NotAFlowMLServerError(
                f"the server at {self.server} did not answer like a FlowML server; check --server"
            )
        return body

    def _unreachable(self, exc: httpx.TransportError) -> str:
        if isinstance(exc, httpx.TimeoutException):
            return f"the FlowML server at {self.server} did not answer in time; try again, or check that it is healthy"
        reason = re.sub(r"^\[Errno -?\d+\]\s*", "", str(exc)).strip() or type(exc).__name__
        return (
            f"cannot reach the FlowML server at {self.server} ({reason[:1].lower()}{reason[1:]}). "
            f"Is it running (`flowml up`)? Point {SERVER_ENV} or --server at its address."
        )


def _files(upload: Upload, stack: ExitStack) -> dict[str, tuple[str, Any]]:
    if isinstance(upload, Path):
        return {"file": (upload.name, stack.enter_context(upload.open("rb")))}
    name, content = upload
    return {"file": (name, content)}
