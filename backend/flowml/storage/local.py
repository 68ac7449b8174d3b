"""ArtifactStore on the local filesystem: one file per object under a root folder (the embedded mode)."""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from flowml.core.errors import NotFoundError, StorageError
from flowml.storage._files import atomic_path
from flowml.storage.base import (
    RESERVED_SEGMENT_PREFIX,
    ArtifactStore,
    validate_deletable_prefix,
    validate_key,
    validate_prefix,
)

__all__ = ["LocalArtifactStore"]

_COPY_CHUNK = 1024 * 1024
# Raised when a key names a folder, or when one of its parents is a file: either way there is no object.
_ABSENT = (FileNotFoundError, IsADirectoryError, NotADirectoryError)


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


class LocalArtifactStore(ArtifactStore):
    """Objects are files under `root`, at the path their key names.

    Every write goes to a temporary file in the target's folder, is fsynced, then renamed over the target with
    `os.replace`, so a crash or a concurrent reader never sees half an object. The rename is atomic on POSIX and on
    Windows (same volume), which also makes concurrent writers of one key safe: the last rename wins. Keys are
    resolved and must stay inside `root` even through symlinks. `root` is created on first write or `health()`.
    """

    def __init__(self, root: Path) -> None:
        self._root = Path(root).expanduser().resolve()

    @property
    def root(self) -> Path:
        return self._root

    def describe(self) -> str:
        return f"local:{self._root}"

    def _path(self, key: str) -> Path:
        validate_key(key)
        path = (self._root / key).resolve()
        if not path.is_relative_to(self._root):
            raise ValueError(f"storage key {key!r} resolves outside the store root {self._root}")
        return path

    @contextlib.contextmanager
    def _failing_as(self, action: str, *, absent_key: str | None = None) -> Iterator[None]:
        """Turn OSError into StorageError; with `absent_key`, a missing file becomes NotFoundError instead."""
        try:
            yield
        except _ABSENT as exc:
            if absent_key is not None:
                raise NotFoundError(f"no stored object {absent_key!r} in {self.describe()}") from exc
            raise StorageError(f"local artifact store {self._root}: cannot {action}: {_reason(exc)}") from exc
        except OSError as exc:
            raise StorageError(f"local artifact store {self._root}: cannot {action}: {_reason(exc)}") from exc

    def put_bytes(self, key: str, data: bytes) -> None:
        path = self._path(key)
        with self._failing_as(f"write {key!r}"), atomic_path(path, durable=True) as tmp:
            tmp.write_bytes(data)

    def _copy(self, source: Path, dest: Path, *, durable: bool, read: str, write: str, absent_key: str | None) -> None:
        """Stream `source` into `dest` through a temporary file; errors name the side (read/write) that failed."""
        with contextlib.ExitStack() as stack:
            with self._failing_as(read, absent_key=absent_key):
                reader = stack.enter_context(source.open("rb"))
            with self._failing_as(write), atomic_path(dest, durable=durable) as tmp, tmp.open("wb") as writer:
                shutil.copyfileobj(reader, writer, _COPY_CHUNK)

    def put_file(self, key: str, path: Path) -> None:
        target = self._path(key)
        source = Path(path)
        self._copy(source, target, durable=True, read=f"read {str(source)!r}", write=f"write {key!r}", absent_key=None)

    def get_bytes(self, key: str) -> bytes:
        path = self._path(key)
        with self._failing_as(f"read {key!r}", absent_key=key):
            return path.read_bytes()

    def get_file(self, key: str, dest: Path) -> Path:
        source = self._path(key)
        dest = Path(dest)
        self._copy(source, dest, durable=False, read=f"read {key!r}", write=f"write {str(dest)!r}", absent_key=key)
        return dest

    def _stat(self, key: str) -> os.stat_result | None:
        path = self._path(key)
        with self._failing_as(f"inspect {key!r}"):
            try:
                result = path.stat()
            except (FileNotFoundError, NotADirectoryError):
                return None
        return result if stat.S_ISREG(result.st_mode) else None

    def exists(self, key: str) -> bool:
        return self._stat(key) is not None

    def size(self, key: str) -> int:
        result = self._stat(key)
        if result is None:
            raise NotFoundError(f"no stored object {key!r} in {self.describe()}")
        return result.st_size

    def delete(self, key: str) -> None:
        path = self._path(key)
        with self._failing_as(f"delete {key!r}"), contextlib.suppress(*_ABSENT):
            path.unlink()

    def _walk(self, folder: str) -> Iterator[tuple[Path, list[str], list[str]]]:
        """os.walk of the folder, bottom-up; folders vanishing under a concurrent delete are skipped."""

        def on_error(exc: OSError) -> None:
            if not isinstance(exc, _ABSENT):
                raise exc

        base = self._path(folder) if folder else self._root
        with self._failing_as(f"list {folder or 'the store'!r}"):
            for dirpath, dirnames, filenames in os.walk(base, topdown=False, onerror=on_error):
                yield Path(dirpath), dirnames, filenames

    def list(self, prefix: str = "") -> list[str]:
        folder = validate_prefix(prefix)
        keys = [
            (directory / name).relative_to(self._root).as_posix()
            for directory, _, filenames in self._walk(folder)
            for name in filenames
            if not name.startswith(RESERVED_SEGMENT_PREFIX)
        ]
        return sorted(keys)

    def delete_prefix(self, prefix: str) -> int:
        folder = validate_deletable_prefix(prefix)
        removed = 0
        with self._failing_as(f"delete folder {folder!r}"):
            for directory, dirnames, filenames in self._walk(folder):
                for name in filenames:
                    # Temporary files belong to writes still in flight; their writers clean them up.
                    if name.startswith(RESERVED_SEGMENT_PREFIX):
                        continue
                    with contextlib.suppress(FileNotFoundError):
                        (directory / name).unlink()
                        removed += 1
                for name in dirnames:
                    # Fails harmlessly when a concurrent write has put something there meanwhile.
                    with contextlib.suppress(OSError):
                        (directory / name).rmdir()
            with contextlib.suppress(OSError):
                self._path(folder).rmdir()
        return removed

    def health(self) -> None:
        try:
            self._root.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self._root, prefix=f"{RESERVED_SEGMENT_PREFIX}-health-") as probe:
                probe.write(b"ok")
                probe.flush()
        except OSError as exc:
            raise StorageError(
                f"local artifact store {self._root} is not usable: {_reason(exc)}; "
                "check that DATA_DIR points to a writable folder with free space"
            ) from exc
