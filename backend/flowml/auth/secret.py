"""The key that signs tokens: SECRET_KEY, or outside production, a random key kept in DATA_DIR.

The built-in default SECRET_KEY is in the source for anyone to read; signing tokens with it would let anyone mint
an admin token. Production refuses it (core/settings.py). Elsewhere, rather than make every first start ask for a
key, FlowML generates one at the first start and keeps it in DATA_DIR/secret_key (mode 0600), so tokens survive a
restart and every process sharing DATA_DIR signs alike.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from flowml.core.paths import make_private_dir
from flowml.core.settings import DEFAULT_SECRET_KEY, Settings

KEY_FILE = "secret_key"


def signing_key(settings: Settings) -> str:
    if settings.SECRET_KEY != DEFAULT_SECRET_KEY:
        return settings.SECRET_KEY
    return _stored_key(Path(settings.DATA_DIR) / KEY_FILE)


def _stored_key(path: Path) -> str:
    with contextlib.suppress(FileNotFoundError):
        key = path.read_text().strip()
        if key:
            return key
    make_private_dir(path.parent)
    key = secrets.token_urlsafe(48)
    # O_EXCL: when two processes start at once, one writes and the other reads what it wrote.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip() or _replace_empty(path)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def _replace_empty(path: Path) -> str:
    path.unlink(missing_ok=True)
    return _stored_key(path)
