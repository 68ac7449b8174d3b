"""Talk to a running FlowML server over HTTP with an API key, for the commands that act on a server.

Every failure ends as a `ServerError` whose message is meant for the user: the server's own `detail`, or why the
server could not be asked at all. The CLI prints it as one line with exit code 2 (cli/errors.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from flowml import __version__
from flowml.cli.remote import API_KEY_ENV, SERVER_ENV
from flowml.core.errors import FlowMLError

# Connecting should be quick; reading and writing may not be: uploads, model packages and batch predictions of big
# tables take a while, and the server answers a batch prediction only when every row is done.
TIMEOUT = httpx.Timeout(connect=10.0, read=600.0, write=600.0, pool=10.0)
CHUNK_BYTES = 1 << 20
# The first element of a validation error's location says where the field was (body, query, path, ...); users
# know the field by its name alone.
_LOCATION_KINDS = {"body", "query", "path", "header", "form", "file"}


class ServerError(FlowMLError):
    """A request to the FlowML server failed; the message says why, in the user's words."""


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


class ServerClient:
    """One HTTP connection pool to the server, sending the API key with every request."""

    def __init__(self, server: str, api_key: str, transport: httpx.BaseTransport | None = None) -> None:
        self.server = normalize_server(server)
        self._http = httpx.Client(
            base_url=self.server,
            headers={"Authorization": f"Bearer {api_key}", "User-Agent": f"flowml-cli/{__version__}"},
            timeout=TIMEOUT,
            transport=transport,
        )

    def __enter__(self) -> ServerClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def get(self, path: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        return self._json(self._send("GET", path, params=params))

    def post(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        return self._json(self._send("POST", path, json=body))

    def delete(self, path: str) -> None:
        self._send("DELETE", path)

    def upload(self, path: str, file: Path, fields: dict[str, str] | None = None) -> dict[str, Any]:
        """POST `file` as the multipart field `file`; httpx streams it from disk rather than reading it whole."""
        with file.open("rb") as handle:
            return self._json(self._send("POST", path, files={"file": (file.name, handle)}, data=fields or {}))

    def download(self, path: str, output: Path, upload: Path | None = None) -> httpx.Headers:
        """Save the answer to GET `path` (or to POSTing `upload` to it) in `output`; returns the answer's headers.

        The body goes to a temporary file beside `output` first, so a failed or interrupted transfer never leaves a
        truncated file that looks like a finished one."""
        partial = output.with_name(f".{output.name}.part")
        try:
            with ExitStack() as stack:
                files = None
                if upload is not None:
                    files = {"file": (upload.name, stack.enter_context(upload.open("rb")))}
                response = stack.enter_context(self._stream("POST" if upload else "GET", path, files=files))
                with partial.open("wb") as out:
                    for chunk in response.iter_bytes(CHUNK_BYTES):
                        out.write(chunk)
                headers = response.headers
            partial.replace(output)
        finally:
            partial.unlink(missing_ok=True)
        return headers

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise ServerError(self._unreachable(exc)) from None
        if response.is_error:
            raise ServerError(error_message(response))
        return response

    @contextmanager
    def _stream(self, method: str, path: str, **kwargs: Any) -> Iterator[httpx.Response]:
        """A streamed answer whose status was already checked; a connection lost mid-body is a ServerError too."""
        try:
            with self._http.stream(method, path, **kwargs) as response:
                if response.is_error:
                    response.read()  # the error's JSON body, to quote its detail
                    raise ServerError(error_message(response))
                yield response
        except httpx.TransportError as exc:
            raise ServerError(self._unreachable(exc)) from None

    def _json(self, response: httpx.Response) -> dict[str, Any]:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            # Most likely FLOWML_SERVER points at something that is not a FlowML server (a proxy's page, say).
            raise ServerError(f"the server at {self.server} did not answer like a FlowML server; check --server")
        return body

    def _unreachable(self, exc: httpx.TransportError) -> str:
        if isinstance(exc, httpx.TimeoutException):
            return f"the FlowML server at {self.server} did not answer in time; try again, or check that it is healthy"
        reason = re.sub(r"^\[Errno -?\d+\]\s*", "", str(exc)).strip() or type(exc).__name__
        return (
            f"cannot reach the FlowML server at {self.server} ({reason[:1].lower()}{reason[1:]}). "
            f"Is it running (`flowml up`)? Point {SERVER_ENV} or --server at its address."
        )


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
