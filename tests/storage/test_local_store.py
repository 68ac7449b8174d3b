"""What only the local store has: a root folder, path containment, temporary files."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from flowml.core.errors import NotFoundError, StorageError
from flowml.storage import LocalArtifactStore


def test_objects_are_files_under_root(tmp_path: Path) -> None:
    store = LocalArtifactStore(tmp_path / "root")
    store.put_bytes("a/b.bin", b"data")
    assert (tmp_path / "root" / "a" / "b.bin").read_bytes() == b"data"
    assert store.describe() == f"local:{(tmp_path / 'root').resolve()}"


@pytest.mark.parametrize("key", ["../escape", "a/../../escape", "/etc/passwd", "..\\escape"])
def test_path_traversal_is_rejected(tmp_path: Path, key: str) -> None:
    store = LocalArtifactStore(tmp_path / "root")
    with pytest.raises(ValueError, match="storage key"):
        store.put_bytes(key, b"x")
    assert list(tmp_path.iterdir()) == []


def test_symlink_out_of_root_is_rejected(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret").write_bytes(b"secret")
    root = tmp_path / "root"
    root.mkdir()
    (root / "link").symlink_to(outside, target_is_directory=True)
    store = LocalArtifactStore(root)
    with pytest.raises(ValueError, match="outside the store root"):
        store.get_bytes("link/secret")
    with pytest.raises(ValueError, match="outside the store root"):
        store.put_bytes("link/new", b"x")
    assert sorted(p.name for p in outside.iterdir()) == ["secret"]


def test_folder_key_is_not_an_object(local_store: LocalArtifactStore) -> None:
    local_store.put_bytes("dir/file", b"x")
    assert not local_store.exists("dir")
    with pytest.raises(NotFoundError):
        local_store.get_bytes("dir")
    with pytest.raises(NotFoundError):
        local_store.size("dir")
    local_store.delete("dir")  # not an object, so nothing to delete
    with pytest.raises(NotFoundError):
        local_store.get_bytes("dir/file/below-a-file")
    assert local_store.list() == ["dir/file"]


def test_stale_temporary_files_are_invisible(local_store: LocalArtifactStore) -> None:
    local_store.put_bytes("a/real", b"x")
    (local_store.root / "a" / ".flowml-tmp-real-crashed").write_bytes(b"half")
    assert local_store.list() == ["a/real"]
    assert local_store.delete_prefix("a") == 1


def test_writes_leave_no_temporary_files(local_store: LocalArtifactStore, tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.write_bytes(b"abc")
    local_store.put_bytes("x/one", b"1")
    local_store.put_file("x/two", source)
    assert sorted(p.name for p in (local_store.root / "x").iterdir()) == ["one", "two"]


def test_delete_prefix_removes_empty_folders(local_store: LocalArtifactStore) -> None:
    local_store.put_bytes("jobs/7/a/b/c", b"x")
    local_store.put_bytes("jobs/8/a", b"x")
    assert local_store.delete_prefix("jobs/7") == 1
    assert not (local_store.root / "jobs" / "7").exists()
    assert (local_store.root / "jobs" / "8" / "a").exists()


def test_files_stream_in_bounded_memory(
    local_store: LocalArtifactStore, large_file: tuple[Path, str], tmp_path: Path
) -> None:
    source, _ = large_file
    tracemalloc.start()
    try:
        local_store.put_file("big", source)
        local_store.get_file("big", tmp_path / "big.out")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * 1024 * 1024 < source.stat().st_size


def test_health_fails_when_root_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_bytes(b"")
    store = LocalArtifactStore(blocker / "artifacts")
    with pytest.raises(StorageError, match="DATA_DIR"):
        store.health()


def test_health_creates_root(tmp_path: Path) -> None:
    store = LocalArtifactStore(tmp_path / "new" / "root")
    store.health()
    assert store.root.is_dir()
    assert list(store.root.iterdir()) == []


def test_write_failure_is_storage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_bytes(b"")
    store = LocalArtifactStore(blocker)
    with pytest.raises(StorageError, match="cannot write 'k'"):
        store.put_bytes("k", b"x")


def test_a_local_store_offers_no_download_url(tmp_path: Path) -> None:
    store = LocalArtifactStore(tmp_path)
    store.put_bytes("datasets/a.parquet", b"x")
    assert store.download_url("datasets/a.parquet", 60) is None  # workers fetch through the master instead
    with pytest.raises(ValueError, match="segment"):
        store.download_url("../escape", 60)
