"""The artifact store contract and the key rules every implementation shares.

An artifact store holds immutable-ish blobs (Parquet datasets addressed by SHA-256, model package files) under
string keys. FlowML builds every key itself (`datasets/<sha256>.parquet`, `models/<model_id>/model.joblib`);
no key is ever derived from a user's file name, and `validate_key` rejects anything that could escape a folder.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path

__all__ = [
    "MAX_KEY_BYTES",
    "RESERVED_SEGMENT_PREFIX",
    "ArtifactStore",
    "validate_deletable_prefix",
    "validate_key",
    "validate_prefix",
]

# S3 limits keys to 1024 bytes of UTF-8; the same limit everywhere keeps keys portable between stores.
MAX_KEY_BYTES = 1024
# Temporary files written next to their target start with this; no key segment may, so they never show as objects.
RESERVED_SEGMENT_PREFIX = ".flowml-tmp"


def validate_key(key: str) -> str:
    """Return `key` unchanged if it is a well-formed object key, else raise ValueError saying why.

    A key is a non-empty, relative, `/`-separated path: no empty, `.` or `..` segments (so no leading, trailing or
    doubled `/`), no backslash, no control character, at most MAX_KEY_BYTES of UTF-8, and no segment starting with
    RESERVED_SEGMENT_PREFIX.
    """
    if not isinstance(key, str):
        raise ValueError(f"storage key must be a string, got {type(key).__name__}")
    if not key:
        raise ValueError("storage key must not be empty")
    try:
        encoded = key.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"storage key is not valid Unicode text: {key!r}") from None
    if len(encoded) > MAX_KEY_BYTES:
        raise ValueError(f"storage key is longer than {MAX_KEY_BYTES} bytes: {key[:60]!r}...")
    if "\\" in key:
        raise ValueError(f"storage key must use '/' as separator, not '\\': {key!r}")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in key):
        raise ValueError(f"storage key must not contain control characters: {key!r}")
    if key.startswith("/"):
        raise ValueError(f"storage key must be relative, not absolute: {key!r}")
    for segment in key.split("/"):
        if segment in ("", ".", ".."):
            raise ValueError(f"storage key has an empty, '.' or '..' segment: {key!r}")
        if segment.startswith(RESERVED_SEGMENT_PREFIX):
            raise ValueError(f"storage key segment must not start with {RESERVED_SEGMENT_PREFIX!r}: {key!r}")
    return key


def validate_prefix(prefix: str) -> str:
    """Normalise a folder prefix: "" (the whole store) or a valid key; one trailing `/` is accepted and dropped."""
    if prefix == "":
        return ""
    if isinstance(prefix, str):
        prefix = prefix.removesuffix("/")
    return validate_key(prefix)


def validate_deletable_prefix(prefix: str) -> str:
    """Like `validate_prefix`, but "" is refused: wiping the whole store is never what a caller means."""
    folder = validate_prefix(prefix)
    if not folder:
        raise ValueError("delete_prefix needs a non-empty prefix; refusing to delete every object in the store")
    return folder


class ArtifactStore(ABC):
    """Where FlowML keeps its artifacts: a flat map from key to bytes, with folder-like prefixes.

    Contract every implementation honours (tests/storage/test_store_contract.py checks it for each one):

    * Thread safety: one instance is shared by the whole process and may be called from several threads at once
      (the API runs these synchronous methods in a thread pool). Concurrent writes to the same key leave one of the
      written values whole, never a mix.
    * Atomicity: a reader never sees a half-written object; `put_*` either replaces the object entirely or fails and
      leaves the previous value. `get_file` writes to a temporary file in the destination's folder and renames it,
      so `dest` is either absent/unchanged or complete.
    * Keys: built by FlowML only, `/`-separated, checked by `validate_key`; an invalid key raises ValueError before
      any I/O. A key is an object or a folder, never both (`a` and `a/b` must not coexist).
    * Prefixes (`list`, `delete_prefix`) are folders, not string prefixes: `models/1` matches `models/1/model.joblib`
      but not `models/10/model.joblib`. A trailing `/` is optional. Results are keys relative to the store, sorted.
    * Errors: a missing object raises NotFoundError; any failure of the backend (network, permissions, full disk,
      missing bucket) raises StorageError with a message an operator can act on. Nothing else escapes.
    * Ownership: the store owns its objects; paths passed to `put_file`/`get_file` stay the caller's.
    * Call order: none. Every method may be called at any time, in any order; constructors do no I/O, so a store
      can be built for an unreachable backend and `health()` reports the problem.
    * All methods are synchronous and blocking; async callers run them in a worker thread.
    """

    @abstractmethod
    def put_bytes(self, key: str, data: bytes) -> None:
        """Store `data` under `key`, replacing any previous object."""

    @abstractmethod
    def put_file(self, key: str, path: Path) -> None:
        """Store the content of the local file `path` under `key`, streaming it (never read whole into memory)."""

    @abstractmethod
    def get_bytes(self, key: str) -> bytes:
        """Return the object's content; NotFoundError if there is none."""

    @abstractmethod
    def get_file(self, key: str, dest: Path) -> Path:
        """Stream the object to `dest` (its folder is created if needed) atomically and return `dest`.

        NotFoundError if there is no object; `dest` is then left as it was.
        """

    @abstractmethod
    def exists(self, key: str) -> bool:
        """Whether an object is stored under `key` (a folder is not an object)."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove the object; removing a missing object is not an error."""

    @abstractmethod
    def delete_prefix(self, prefix: str) -> int:
        """Remove every object in the folder `prefix` and return how many were removed.

        An empty prefix raises ValueError: wiping the whole store is never what a caller means.
        """

    @abstractmethod
    def list(self, prefix: str = "") -> list[str]:
        """The sorted keys of every object in the folder `prefix` ("" lists the whole store)."""

    @abstractmethod
    def size(self, key: str) -> int:
        """The object's size in bytes; NotFoundError if there is none."""

    @abstractmethod
    def health(self) -> None:
        """Return if the store can be used now; else raise StorageError saying what is wrong and how to fix it."""

    def download_url(self, key: str, expires_seconds: int) -> str | None:
        """A URL anyone holding it may GET the object from until it expires, or None when the store has none.

        Workers use it to read a dataset straight from the bucket instead of through the master; a store on the
        master's own disk has no such URL, so the default is None and workers fall back to the master.
        """
        validate_key(key)
        return None

    @abstractmethod
    def describe(self) -> str:
        """A one-line, secret-free description for logs and the UI, e.g. `local:/data/artifacts`."""
