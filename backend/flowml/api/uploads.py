"""Spooling an upload to a file we name ourselves, counting it against MAX_UPLOAD_SIZE_MB.

The body itself is capped while it streams in by api/request_bodies.py, which also checks the caller first.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from fastapi import UploadFile

from flowml.core.errors import UploadTooLargeError

CHUNK = 1024 * 1024
# Multipart framing (boundaries, part headers, small form fields) on top of the file itself.
MULTIPART_OVERHEAD = 64 * 1024


def too_large_message(limit_bytes: int) -> str:
    return f"the upload is larger than the limit of {limit_bytes / 2**20:g} MB (MAX_UPLOAD_SIZE_MB)"


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
