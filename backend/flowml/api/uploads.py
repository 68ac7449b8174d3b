"""Upload size enforcement while the body streams in, and spooling an upload to a file we name ourselves."""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path

from fastapi import UploadFile
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from flowml.core.errors import UploadTooLargeError

CHUNK = 1024 * 1024
# Multipart framing (boundaries, part headers, small form fields) on top of the file itself.
MULTIPART_OVERHEAD = 64 * 1024


def too_large_message(limit_bytes: int) -> str:
    return f"the upload is larger than the limit of {limit_bytes / 2**20:g} MB (MAX_UPLOAD_SIZE_MB)"


class _BodyTooLarge(Exception):
    pass


class UploadLimitMiddleware:
    """Stops reading a request body at the limit and answers 413, for every POST with a body.

    Starlette spools multipart files to disk before the route runs; counting here is what stops an oversized
    upload mid-stream instead of after it has filled the disk.
    """

    def __init__(self, app: ASGIApp, limit_bytes: int) -> None:
        self.app = app
        self.limit = limit_bytes + MULTIPART_OVERHEAD
        self.message = too_large_message(limit_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in {"POST", "PUT", "PATCH"}:
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._reject(send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _BodyTooLarge()
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _BodyTooLarge:
            if not started:
                await self._reject(send)

    async def _reject(self, send: Send) -> None:
        body = json.dumps({"detail": self.message}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"connection", b"close")],
            }
        )
        await send({"type": "http.response.body", "body": body})


async def spool_upload(upload: UploadFile, directory: Path, limit_bytes: int) -> Path:
    """Copy the upload to `directory` under a random name (never the user's), counting bytes against the limit."""
    path = directory / f"upload-{uuid.uuid4().hex}.part"
    await asyncio.to_thread(directory.mkdir, parents=True, exist_ok=True)
    handle = await asyncio.to_thread(path.open, "wb")
    written = 0
    try:
        while chunk := await upload.read(CHUNK):
            written += len(chunk)
            if written > limit_bytes:
                raise UploadTooLargeError(too_large_message(limit_bytes))
            await asyncio.to_thread(handle.write, chunk)
    except BaseException:
        handle.close()
        await asyncio.to_thread(path.unlink, missing_ok=True)
        raise
    handle.close()
    return path
