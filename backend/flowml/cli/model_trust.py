"""Whether `flowml predict` loads a model package without a warning.

model.joblib is a Python pickle: loading it runs whatever code it names, with the permissions of whoever loads it.
The SHA-256 in the package's card (engine/package.py) guards against a damaged or swapped file, not against a
hostile folder: whoever made the folder wrote the card too. So `flowml predict` warns before loading a package,
unless `flowml train` wrote it on this machine (it records model.joblib's SHA-256 in DATA_DIR/trained-models,
mode 0600 in a private DATA_DIR) or the user passes --trust.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from flowml.core.paths import make_private_dir
from flowml.core.settings import Settings

RECORD_FILE = "trained-models"


def _record(settings: Settings) -> Path:
    return Path(settings.DATA_DIR) / RECORD_FILE


def remember(settings: Settings, model_sha256: str) -> None:
    """Note that this machine's `flowml train` wrote the model.joblib with this SHA-256."""
    make_private_dir(settings.DATA_DIR)
    fd = os.open(_record(settings), os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "a", encoding="ascii") as handle:
        handle.write(model_sha256.lower() + "\n")


def trained_here(settings: Settings, model_sha256: str) -> bool:
    with contextlib.suppress(FileNotFoundError), _record(settings).open(encoding="ascii", errors="replace") as handle:
        return any(line.strip() == model_sha256.lower() for line in handle)
    return False


def untrusted_warning(model_dir: Path) -> str:
    return (
        f"{model_dir} was not written by `flowml train` on this machine. A model package's model.joblib is a Python "
        "pickle: loading it runs any code it contains, with your permissions, and the SHA-256 in its card only "
        "shows that the file matches a card from the same source. Load packages only from people you trust; "
        "--trust skips this warning (docs/security.md)."
    )
