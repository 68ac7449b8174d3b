"""The ArtifactStore contract: one suite, run against every implementation (the `store` fixture's params)."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from flowml.core.errors import NotFoundError, StorageError
from flowml.storage import ArtifactStore


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


INVALID_KEYS = [
    "",
    "/absolute",
    "/",
    "a/../b",
    "..",
    "../outside",
    "./a",
    "a/./b",
    "a//b",
    "a/",
    "a\\b",
    "..\\windows",
    "nul\x00byte",
    "new\nline",
    "tab\tkey",
    "del\x7fchar",
    ".flowml-tmp-reserved",
    "a/.flowml-tmp-x/b",
    "lone\udc80surrogate",
    "x" * 1025,
]


def test_bytes_round_trip(store: ArtifactStore) -> None:
    payload = bytes(range(256)) * 10
    store.put_bytes("datasets/abc.parquet", payload)
    assert store.get_bytes("datasets/abc.parquet") == payload


def test_empty_object_round_trip(store: ArtifactStore) -> None:
    store.put_bytes("empty", b"")
    assert store.get_bytes("empty") == b""
    assert store.size("empty") == 0
    assert store.exists("empty")


def test_unicode_key_round_trip(store: ArtifactStore) -> None:
    store.put_bytes("données/modèle é.bin", b"x")
    assert store.get_bytes("données/modèle é.bin") == b"x"
    assert store.list("données") == ["données/modèle é.bin"]


def test_overwrite_replaces_content_and_size(store: ArtifactStore) -> None:
    store.put_bytes("k", b"first version, longer")
    store.put_bytes("k", b"second")
    assert store.get_bytes("k") == b"second"
    assert store.size("k") == len(b"second")


def test_large_file_round_trip(store: ArtifactStore, large_file: tuple[Path, str], tmp_path: Path) -> None:
    source, digest = large_file
    store.put_file("models/big.bin", source)
    assert store.size("models/big.bin") == source.stat().st_size
    dest = tmp_path / "download" / "nested" / "big.bin"
    assert store.get_file("models/big.bin", dest) == dest
    assert sha256_of(dest) == digest
    assert [p.name for p in dest.parent.iterdir()] == ["big.bin"]  # no temporary file left behind


def test_small_file_round_trip_overwrites_dest(store: ArtifactStore, tmp_path: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_bytes(b"hello file")
    store.put_file("f/in.txt", source)
    assert store.get_bytes("f/in.txt") == b"hello file"
    dest = tmp_path / "out.txt"
    dest.write_bytes(b"stale content that is longer")
    store.get_file("f/in.txt", dest)
    assert dest.read_bytes() == b"hello file"


def test_put_file_missing_source_is_storage_error(store: ArtifactStore, tmp_path: Path) -> None:
    with pytest.raises(StorageError):
        store.put_file("k", tmp_path / "does-not-exist")
    assert not store.exists("k")


def test_exists_and_size(store: ArtifactStore) -> None:
    assert not store.exists("a/b")
    store.put_bytes("a/b", b"12345")
    assert store.exists("a/b")
    assert store.size("a/b") == 5
    assert not store.exists("a")  # a folder is not an object


@pytest.mark.parametrize(
    "read",
    [
        pytest.param(lambda s, tmp: s.get_bytes("missing/key"), id="get_bytes"),
        pytest.param(lambda s, tmp: s.get_file("missing/key", tmp / "out"), id="get_file"),
        pytest.param(lambda s, tmp: s.size("missing/key"), id="size"),
    ],
)
def test_missing_key_raises_not_found(
    store: ArtifactStore, tmp_path: Path, read: Callable[[ArtifactStore, Path], object]
) -> None:
    store.put_bytes("missing/other", b"sibling")
    with pytest.raises(NotFoundError, match="missing/key"):
        read(store, tmp_path)


def test_get_file_is_atomic_when_key_is_missing(store: ArtifactStore, tmp_path: Path) -> None:
    folder = tmp_path / "dest"
    folder.mkdir()
    existing = folder / "kept.bin"
    existing.write_bytes(b"previous content")
    with pytest.raises(NotFoundError):
        store.get_file("nope", existing)
    with pytest.raises(NotFoundError):
        store.get_file("nope", folder / "new.bin")
    assert existing.read_bytes() == b"previous content"
    assert [p.name for p in folder.iterdir()] == ["kept.bin"]


def test_list_is_folder_scoped_and_sorted(store: ArtifactStore) -> None:
    keys = ["jobs/1/model.zip", "jobs/1/oof/fold-0.parquet", "jobs/10/model.zip", "jobs/2/model.zip", "other"]
    for key in reversed(keys):
        store.put_bytes(key, key.encode())
    assert store.list() == sorted(keys)
    assert store.list("jobs/1") == ["jobs/1/model.zip", "jobs/1/oof/fold-0.parquet"]
    assert store.list("jobs/1/") == store.list("jobs/1")
    assert store.list("jobs") == keys[:4]
    assert store.list("jobs/1/model.zip") == []  # an object is not a folder
    assert store.list("nothing/here") == []


def test_delete(store: ArtifactStore) -> None:
    store.put_bytes("a/x", b"1")
    store.put_bytes("a/y", b"2")
    store.delete("a/x")
    assert not store.exists("a/x")
    assert store.list() == ["a/y"]
    store.delete("a/x")  # deleting what is gone is fine
    store.delete("never/was")


def test_delete_prefix(store: ArtifactStore) -> None:
    for key in ["jobs/1/a", "jobs/1/deep/b", "jobs/10/c", "keep"]:
        store.put_bytes(key, b"x")
    assert store.delete_prefix("jobs/1/") == 2
    assert store.list() == ["jobs/10/c", "keep"]
    assert store.delete_prefix("jobs/1") == 0
    store.put_bytes("jobs/1/again", b"y")  # the folder can be reused after it was emptied
    assert store.list("jobs/1") == ["jobs/1/again"]


def test_delete_prefix_refuses_the_whole_store(store: ArtifactStore) -> None:
    store.put_bytes("k", b"x")
    for prefix in ("", "/"):
        with pytest.raises(ValueError, match=r"non-empty prefix|must not be empty"):
            store.delete_prefix(prefix)
    assert store.exists("k")


@pytest.mark.parametrize("key", INVALID_KEYS, ids=repr)
def test_invalid_keys_are_rejected_everywhere(store: ArtifactStore, key: str, tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.write_bytes(b"x")
    calls: list[Callable[[], object]] = [
        lambda: store.put_bytes(key, b"x"),
        lambda: store.put_file(key, source),
        lambda: store.get_bytes(key),
        lambda: store.get_file(key, tmp_path / "dest"),
        lambda: store.exists(key),
        lambda: store.size(key),
        lambda: store.delete(key),
    ]
    for call in calls:
        with pytest.raises(ValueError, match="storage key"):
            call()
    assert not (tmp_path / "dest").exists()


@pytest.mark.parametrize("prefix", ["../x", "/abs", "a//b", "a\\b"])
def test_invalid_prefixes_are_rejected(store: ArtifactStore, prefix: str) -> None:
    with pytest.raises(ValueError, match="storage key"):
        store.list(prefix)
    with pytest.raises(ValueError, match="storage key"):
        store.delete_prefix(prefix)


def test_health_ok_and_describe(store: ArtifactStore) -> None:
    store.health()
    description = store.describe()
    assert description.startswith(("local:", "s3://"))
    assert "testing" not in description  # never the credentials


def test_concurrent_writers_and_readers(store: ArtifactStore) -> None:
    """Threads writing one key leave one whole value; threads writing their own keys do not interfere."""
    payloads = [bytes([i]) * 300_000 for i in range(6)]
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            store.put_bytes("shared/key", payloads[index])
            store.put_bytes(f"own/{index}", payloads[index])
            assert store.get_bytes(f"own/{index}") == payloads[index]
            assert store.get_bytes("shared/key") in payloads
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(payloads))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert store.get_bytes("shared/key") in payloads
    assert store.list("own") == [f"own/{i}" for i in range(len(payloads))]
