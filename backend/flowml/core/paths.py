"""Folders FlowML makes for itself: readable by the user running it only.

DATA_DIR holds the database (password hashes), the signing key, uploaded datasets and trained models; with the usual
umask (022) a new folder is 0755 and every other account on the machine could read all of it. A folder FlowML
creates is therefore 0700. A folder that already exists is left as it is: it may be one the user chose and shares on
purpose (DATA_DIR=~ must never make a home directory private, nor a group's project folder).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

PRIVATE_DIR_MODE = 0o700


def make_private_dir(path: Path) -> None:
    """Create `path` and any missing parents, each with mode 0700; existing folders keep their mode."""
    missing: list[Path] = []
    current = Path(path)
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR_MODE)
        except FileExistsError:
            continue  # another process made it meanwhile: theirs to set
        # mkdir's mode passes through the umask, which may take the owner's own bits too (umask 0277).
        with contextlib.suppress(OSError):
            folder.chmod(PRIVATE_DIR_MODE)
    if not Path(path).is_dir():
        raise NotADirectoryError(f"{path} exists and is not a folder")
