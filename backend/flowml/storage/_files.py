"""Atomic local writes, shared by the local store's puts and every store's `get_file`."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from flowml.storage.base import RESERVED_SEGMENT_PREFIX

# A concurrent `delete_prefix` may remove an empty folder between our mkdir and the temp file's creation.
_CREATE_ATTEMPTS = 3


def _make_temp(dest: Path) -> tuple[int, Path]:
    attempt = 1
    while True:
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd, name = tempfile.mkstemp(dir=dest.parent, prefix=f"{RESERVED_SEGMENT_PREFIX}-{dest.name[:64]}-")
        except FileNotFoundError:
            if attempt >= _CREATE_ATTEMPTS:
                raise
            attempt += 1
            continue
        return fd, Path(name)


@contextlib.contextmanager
def atomic_path(dest: Path, *, durable: bool = False) -> Iterator[Path]:
    """Yield a temporary path in `dest`'s folder; on normal exit it replaces `dest`, on error it is removed.

    The temporary file exists (empty) when yielded, so a writer may open it or hand its name to a downloader.
    `durable` fsyncs the file before the rename, so a power cut cannot leave `dest` pointing at unwritten blocks.
    """
    fd, tmp = _make_temp(dest)
    os.close(fd)
    try:
        yield tmp
        if durable:
            with tmp.open("rb+") as handle:
                os.fsync(handle.fileno())
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
