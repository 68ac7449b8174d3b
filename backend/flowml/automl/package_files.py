"""A model package held in memory, so a fitted `AutoML` can be saved (and pickled) after its temporary folder is
gone: the same files `flowml train` writes and the server's download zips, byte for byte."""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flowml.core.errors import InvalidInputError
from flowml.engine.package import ONNX_FILE

ZIP_SUFFIX = ".zip"


@dataclass(frozen=True)
class PackageFiles:
    files: dict[str, bytes]  # file name -> content; a package is flat (engine/package.py)

    @classmethod
    def read(cls, directory: Path) -> PackageFiles:
        return cls({path.name: path.read_bytes() for path in sorted(directory.iterdir()) if path.is_file()})

    def write(self, path: Path) -> Path:
        """A folder at `path` (what `flowml predict` takes), or a zip when `path` ends in .zip (as the server's
        download: `flowml predict` takes it unzipped)."""
        if path.suffix.lower() == ZIP_SUFFIX:
            path.parent.mkdir(parents=True, exist_ok=True)
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
                for name, content in sorted(self.files.items()):
                    archive.writestr(name, content)
            return path
        if path.exists() and not path.is_dir():
            raise InvalidInputError(f"{path} is a file; give a folder for the package, or a name ending in .zip")
        path.mkdir(parents=True, exist_ok=True)
        for name, content in self.files.items():
            (path / name).write_bytes(content)
        return path

    def onnx(self) -> bytes | None:
        return self.files.get(ONNX_FILE)


@contextmanager
def package_folder(path: Path) -> Iterator[Path]:
    """The package at `path` as a folder: itself, or a zip unpacked into a temporary one (removed afterwards)."""
    if path.is_dir():
        yield path
        return
    if not path.is_file():
        raise InvalidInputError(f"no model package at {path}")
    if not zipfile.is_zipfile(path):
        raise InvalidInputError(f"{path} is neither a model package folder nor a zip of one")
    with tempfile.TemporaryDirectory(prefix="flowml-package-") as tmp, zipfile.ZipFile(path) as archive:
        folder = Path(tmp)
        for member in archive.infolist():
            name = Path(member.filename).name  # a package is flat: no member may write outside the folder
            if member.is_dir() or not name:
                continue
            (folder / name).write_bytes(archive.read(member))
        yield folder
