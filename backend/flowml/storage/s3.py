"""ArtifactStore on an S3-protocol bucket: AWS S3, MinIO, Cloudflare R2, Ceph, ..."""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
from boto3.exceptions import S3UploadFailedError
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError

from flowml.core.errors import NotFoundError, StorageError
from flowml.storage._files import atomic_path
from flowml.storage.base import (
    ArtifactStore,
    validate_deletable_prefix,
    validate_key,
    validate_prefix,
)

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

__all__ = ["S3ArtifactStore"]

_MiB = 1024 * 1024
_PART = 8 * _MiB
_PARTS_IN_FLIGHT = 4
_DELETE_BATCH = 1000  # the most keys one DeleteObjects request accepts
_MISSING_CODES = frozenset({"NoSuchKey", "NotFound", "404"})
_NO_BUCKET_CODES = _MISSING_CODES | {"NoSuchBucket"}
_DENIED_CODES = frozenset({"AccessDenied", "403", "Forbidden", "InvalidAccessKeyId", "SignatureDoesNotMatch"})
_SESSION_LOCK = threading.Lock()


@functools.cache
def _shared_session() -> boto3.session.Session:
    """One session for every store: it caches the parsed service models, making each new client ~20x cheaper.

    Credentials and region are passed per client, so nothing store-specific lives in the shared session.
    """
    return boto3.session.Session()


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _client_config(*, path_style: bool) -> Config:
    options: dict[str, Any] = {
        # Three tries with jittered backoff ride out a server restart; an unreachable endpoint fails in well under 1 s.
        "retries": {"max_attempts": 3, "mode": "standard"},
        "connect_timeout": 5,
        "read_timeout": 60,
        "max_pool_connections": 20,  # several request threads, each with up to 4 transfer threads
        "signature_version": "s3v4",
    }
    if path_style:
        # MinIO and most self-hosted servers have no wildcard DNS for virtual-hosted bucket names.
        options["s3"] = {"addressing_style": "path"}
    if "request_checksum_calculation" in Config.OPTION_DEFAULTS:
        # botocore >= 1.36 adds CRC checksums to every upload by default; several S3-compatible servers reject them.
        options["request_checksum_calculation"] = "when_required"
        options["response_checksum_validation"] = "when_required"
    return Config(**options)


def _transfer_config() -> TransferConfig:
    """Multipart above 8 MiB, 4 parts at a time, at most 4 parts buffered: an upload holds ~32 MiB whatever its size."""
    config = TransferConfig(
        multipart_threshold=_PART,
        multipart_chunksize=_PART,
        max_concurrency=_PARTS_IN_FLIGHT,
        preferred_transfer_client="classic",  # same code path everywhere, whether or not awscrt is installed
    )
    config.max_in_memory_upload_chunks = _PARTS_IN_FLIGHT  # s3transfer's default, 10, would buffer 80 MiB
    return config


_TRANSFER = _transfer_config()


class S3ArtifactStore(ArtifactStore):
    """Objects live in `bucket` under `prefix/` (if any); the key is the object name after that prefix.

    Uses one boto3 client, which is thread-safe, for every call. Files stream through boto3's managed transfer
    (multipart above 8 MiB, bounded memory). S3 writes are atomic per object, so a reader never sees half an upload.
    With `endpoint_url` set (MinIO, R2, ...), path-style addressing is used. Credentials left as None fall back to
    boto3's default chain (environment, instance role). `exists` cannot tell a missing bucket from a missing key
    (a HEAD 404 has no body): `health()` is the place that tells them apart.
    """

    def __init__(
        self,
        bucket: str,
        *,
        endpoint_url: str | None,
        access_key: str | None,
        secret_key: str | None,
        region: str,
        prefix: str = "",
    ) -> None:
        if not bucket:
            raise ValueError("S3 bucket name must not be empty (set S3_BUCKET)")
        self._bucket = bucket
        self._prefix = validate_prefix(prefix.strip("/"))
        self._endpoint_url = endpoint_url or None
        self._region = region
        with _SESSION_LOCK:  # a boto3 Session is not thread-safe; the clients it makes are
            self._client: S3Client = _shared_session().client(
                "s3",
                endpoint_url=self._endpoint_url,
                aws_access_key_id=access_key,
                aws_secret_access_key=secret_key,
                region_name=region,
                config=_client_config(path_style=self._endpoint_url is not None),
            )

    @property
    def bucket(self) -> str:
        return self._bucket

    @property
    def prefix(self) -> str:
        return self._prefix

    def describe(self) -> str:
        location = f"s3://{self._bucket}/{self._prefix}" if self._prefix else f"s3://{self._bucket}"
        return f"{location} @ {self._endpoint_url or f'AWS {self._region}'}"

    def _object_name(self, key: str) -> str:
        validate_key(key)
        return f"{self._prefix}/{key}" if self._prefix else key

    def _key_of(self, name: str) -> str:
        return name[len(self._prefix) + 1 :] if self._prefix else name

    def _error(self, exc: ClientError, action: str, key: str | None) -> Exception:
        code = _code(exc)
        where = self.describe()
        if code in _MISSING_CODES and key is not None:
            return NotFoundError(f"no stored object {key!r} in {where}")
        if code in _NO_BUCKET_CODES:
            return StorageError(f"S3 store {where}: bucket {self._bucket!r} does not exist; create it or fix S3_BUCKET")
        if code in _DENIED_CODES:
            return StorageError(
                f"S3 store {where}: access denied while trying to {action}; "
                "check S3_ACCESS_KEY, S3_SECRET_KEY and the bucket's permissions"
            )
        message = exc.response.get("Error", {}).get("Message") or str(exc)
        return StorageError(f"S3 store {where}: cannot {action}: {code or 'error'}: {message}")

    @contextlib.contextmanager
    def _translate(self, action: str, key: str | None = None) -> Iterator[None]:
        """Turn boto3/botocore/OS errors into NotFoundError (missing `key`) or StorageError."""
        where = self.describe()
        try:
            yield
        except ClientError as exc:
            raise self._error(exc, action, key) from exc
        except S3UploadFailedError as exc:  # upload_file wraps the ClientError in its message only
            reason = str(exc)
            if "NoSuchBucket" in reason:
                reason = f"bucket {self._bucket!r} does not exist; create it or fix S3_BUCKET"
            raise StorageError(f"S3 store {where}: cannot {action}: {reason}") from exc
        except EndpointConnectionError as exc:
            raise StorageError(
                f"S3 store {where}: cannot {action}: cannot connect to {exc.kwargs.get('endpoint_url', where)}; "
                "check S3_ENDPOINT_URL and that the server is running"
            ) from exc
        except BotoCoreError as exc:
            raise StorageError(f"S3 store {where}: cannot {action}: {exc}") from exc
        except OSError as exc:
            raise StorageError(f"S3 store {where}: cannot {action}: {exc.strerror or exc}") from exc

    def put_bytes(self, key: str, data: bytes) -> None:
        name = self._object_name(key)
        with self._translate(f"write {key!r}"):
            self._client.put_object(Bucket=self._bucket, Key=name, Body=data)

    def put_file(self, key: str, path: Path) -> None:
        name = self._object_name(key)
        with self._translate(f"upload {str(path)!r} to {key!r}"):
            self._client.upload_file(str(path), self._bucket, name, Config=_TRANSFER)

    def get_bytes(self, key: str) -> bytes:
        name = self._object_name(key)
        with self._translate(f"read {key!r}", key):
            response = self._client.get_object(Bucket=self._bucket, Key=name)
            with contextlib.closing(response["Body"]) as body:
                return body.read()

    def download_url(self, key: str, expires_seconds: int) -> str | None:
        """A presigned GET URL: the holder needs no S3 credentials, and it stops working after `expires_seconds`.

        Signing is local (no request to the server), so it cannot tell whether the object exists; the GET does.
        """
        if not 1 <= expires_seconds <= 7 * 24 * 3600:  # SigV4's own limit is 7 days
            raise ValueError(f"expires_seconds must be between 1 and 604800, got {expires_seconds}")
        name = self._object_name(key)
        with self._translate(f"sign a download URL for {key!r}", key):
            return self._client.generate_presigned_url(
                "get_object", Params={"Bucket": self._bucket, "Key": name}, ExpiresIn=expires_seconds
            )

    def get_file(self, key: str, dest: Path) -> Path:
        name = self._object_name(key)
        dest = Path(dest)
        with self._translate(f"download {key!r} to {str(dest)!r}", key), atomic_path(dest) as tmp:
            self._client.download_file(self._bucket, name, str(tmp), Config=_TRANSFER)
        return dest

    def _head(self, key: str) -> int | None:
        """The object's size, or None when there is none."""
        name = self._object_name(key)
        try:
            with self._translate(f"inspect {key!r}", key):
                return self._client.head_object(Bucket=self._bucket, Key=name)["ContentLength"]
        except NotFoundError:
            return None

    def exists(self, key: str) -> bool:
        return self._head(key) is not None

    def size(self, key: str) -> int:
        size = self._head(key)
        if size is None:
            raise NotFoundError(f"no stored object {key!r} in {self.describe()}")
        return size

    def delete(self, key: str) -> None:
        name = self._object_name(key)
        with self._translate(f"delete {key!r}"):
            self._client.delete_object(Bucket=self._bucket, Key=name)  # S3 answers 204 for a missing key too

    def _names(self, folder: str) -> list[str]:
        """Object names (with the store prefix) in the folder; folder markers (`x/`) made by consoles are skipped."""
        full = "/".join(part for part in (self._prefix, folder) if part)
        names: list[str] = []
        with self._translate(f"list {folder or 'the store'!r}"):
            paginator = self._client.get_paginator("list_objects_v2")
            for page in paginator.paginate(Bucket=self._bucket, Prefix=f"{full}/" if full else ""):
                names.extend(item["Key"] for item in page.get("Contents", []) if not item["Key"].endswith("/"))
        return names

    def list(self, prefix: str = "") -> list[str]:
        folder = validate_prefix(prefix)
        return sorted(self._key_of(name) for name in self._names(folder))

    def delete_prefix(self, prefix: str) -> int:
        folder = validate_deletable_prefix(prefix)
        names = self._names(folder)
        removed = 0
        for start in range(0, len(names), _DELETE_BATCH):
            batch = names[start : start + _DELETE_BATCH]
            with self._translate(f"delete folder {folder!r}"):
                response = self._client.delete_objects(
                    Bucket=self._bucket, Delete={"Objects": [{"Key": name} for name in batch], "Quiet": True}
                )
            errors = response.get("Errors", [])
            removed += len(batch) - len(errors)
            if errors:
                first = errors[0]
                raise StorageError(
                    f"S3 store {self.describe()}: could not delete {len(errors)} object(s) in {folder!r}, "
                    f"e.g. {first.get('Key')!r}: {first.get('Code')}: {first.get('Message')}"
                )
        return removed

    def health(self) -> None:
        with self._translate(f"reach bucket {self._bucket!r}"):
            self._client.head_bucket(Bucket=self._bucket)

    def _bucket_exists(self) -> bool:
        with self._translate(f"reach bucket {self._bucket!r}"):
            try:
                self._client.head_bucket(Bucket=self._bucket)
            except ClientError as exc:
                if _code(exc) in _NO_BUCKET_CODES:
                    return False
                raise
        return True

    def ensure_bucket(self) -> None:
        """Create the bucket if it does not exist (development and tests; production buckets are provisioned)."""
        if self._bucket_exists():
            return
        extra: dict[str, Any] = {}
        if self._region and self._region != "us-east-1":
            extra["CreateBucketConfiguration"] = {"LocationConstraint": self._region}
        with self._translate(f"create bucket {self._bucket!r}"):
            try:
                self._client.create_bucket(Bucket=self._bucket, **extra)
            except ClientError as exc:
                if _code(exc) != "BucketAlreadyOwnedByYou":  # else another process created it meanwhile
                    raise
