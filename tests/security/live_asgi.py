"""An ASGI app on a real uvicorn server on a free loopback port, and a raw HTTP/1.1 client that keeps sending a body
until the server answers: what a TestClient cannot show (it hands the app the whole body at once)."""

from __future__ import annotations

import json
import select
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import uvicorn
from starlette.types import ASGIApp, Message, Receive, Scope, Send

START_TIMEOUT = 60.0
CHUNK = 64 * 1024


class BodyCounter:
    """Wraps an app and counts the request body bytes it pulled from the server (every middleware included)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.read = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def counting() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                self.read += len(message.get("body", b""))
            return message

        await self.app(scope, counting, send)


@contextmanager
def serve(app: ASGIApp) -> Iterator[int]:
    """Run `app` (its lifespan too) in a uvicorn thread on 127.0.0.1; yields the port."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, name="live-asgi", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise AssertionError("the server did not start")
        time.sleep(0.05)
    try:
        yield server.servers[0].sockets[0].getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(timeout=60)


@dataclass(frozen=True)
class RawAnswer:
    status: int
    headers: dict[str, str]
    body: bytes
    sent: int  # body bytes the client had handed to the network when the answer started to arrive
    seconds: float

    def json(self) -> Any:
        return json.loads(self.body)


def multipart_file(size: int, boundary: str = "flowml-test") -> tuple[bytes, str]:
    """A well-formed multipart body of `size` bytes holding one file part named `file`, and its Content-Type."""
    start = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
        "Content-Type: text/csv\r\n\r\na\n"
    ).encode()
    end = f"\r\n--{boundary}--\r\n".encode()
    return start + b"1" * (size - len(start) - len(end)) + end, f"multipart/form-data; boundary={boundary}"


def send_until_answered(
    port: int, method: str, path: str, headers: dict[str, str], body: bytes, timeout: float = 30.0
) -> RawAnswer:
    """Send the request head, then the body for as long as the server has not answered.

    A server that reads the whole body first answers after all of it went out; one that refuses early answers while
    the client is still sending, and `sent` says how far it got.
    """
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    request = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: {len(body)}\r\n{head}\r\n"
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        # A small send buffer, so `sent` is close to what reached the server rather than what the kernel queued.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, CHUNK)
        sock.sendall(request.encode())
        sent, received = _pump(sock, body, started + timeout)
    status, answer_headers, body = _parse(received)
    return RawAnswer(status, answer_headers, body, sent, time.monotonic() - started)


def _pump(sock: socket.socket, body: bytes, deadline: float) -> tuple[int, bytes]:
    """Write the body while reading; stop writing at the first byte of the answer, and read until it is whole."""
    sock.setblocking(False)
    sent, received, sent_at_answer = 0, b"", None
    while time.monotonic() < deadline:
        writing = [sock] if sent < len(body) and sent_at_answer is None else []
        readable, writable, _ = select.select([sock], writing, [], 0.2)
        if readable:
            try:
                data = sock.recv(CHUNK)
            except ConnectionResetError:
                break
            if not data:
                break
            sent_at_answer = sent if sent_at_answer is None else sent_at_answer
            received += data
            if _complete(received):
                break
        elif writable:
            try:
                sent += sock.send(body[sent : sent + CHUNK])
            except BlockingIOError:
                continue
            except (BrokenPipeError, ConnectionResetError):  # closed by the server: read what it answered
                sent_at_answer = sent
    return (sent if sent_at_answer is None else sent_at_answer), received


def _complete(received: bytes) -> bool:
    head, separator, body = received.partition(b"\r\n\r\n")
    if not separator:
        return False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value)
    return False


def _parse(received: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = received.partition(b"\r\n\r\n")
    if not head:
        raise AssertionError("the server closed the connection without an answer")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
    if headers.get("transfer-encoding") == "chunked":
        body = _dechunk(body)
    return int(status_line.split()[1]), headers, body


def _dechunk(data: bytes) -> bytes:
    out = b""
    while data:
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out, data = out + data[:size], data[size + 2 :]
    return out
