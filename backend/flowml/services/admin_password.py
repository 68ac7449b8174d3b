"""Handing the first admin's generated password to the operator, without leaving it in a system log.

On a terminal (someone is watching `flowml up`) it is shown once in a box on stderr. Anywhere else (systemd, Docker,
`flowml server > log`) stderr ends up in a journal or a log file that others may read and that is kept for months,
so it goes to DATA_DIR/initial-admin-password (mode 0600) and only that path is printed. The file is deleted as
soon as that password stops being the admin's (a change in the dashboard, `flowml users reset-password`, another
admin's reset): from then on it would only be a stale secret lying around.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from pathlib import Path

from loguru import logger

from flowml.auth import passwords
from flowml.core.settings import Settings

PASSWORD_FILE = "initial-admin-password"


def password_file(settings: Settings) -> Path:
    return Path(settings.DATA_DIR) / PASSWORD_FILE


def hand_over(settings: Settings, username: str, password: str) -> None:
    """Show the generated password once on a terminal, else write it to the private file and name the file."""
    if sys.stderr.isatty():
        _show_on_terminal(username, password)
        return
    path = password_file(settings)
    try:
        _write_private(path, password + "\n")
    except OSError as exc:
        logger.error(
            "Created the admin user '{}', but could not write its generated password to {} ({}); set a new one "
            "with `flowml users reset-password {}` on this machine.",
            username,
            path,
            exc.strerror or exc,
            username,
        )
        return
    logger.warning(
        "Created the admin user '{}' with a generated password, written to {} (readable by this system user only; "
        "not printed because this output is not a terminal and may be kept in a log). Sign in and change it: the "
        "file is deleted then.",
        username,
        path,
    )


async def discard_if_replaced(settings: Settings, old_hash: str | None) -> None:
    """Delete the password file when it held the password `old_hash` was made from (now replaced)."""
    path = password_file(settings)
    if old_hash is None or not path.is_file():
        return
    with contextlib.suppress(OSError):
        stored = path.read_text(encoding="utf-8").strip()
        # Argon2 costs CPU on purpose: off the event loop.
        if await asyncio.to_thread(passwords.verify_password, old_hash, stored):
            path.unlink(missing_ok=True)
            logger.info("Deleted {}: the admin's generated password was replaced", path)


def _show_on_terminal(username: str, password: str) -> None:
    # Straight to the console, not through the logger: the log file would keep the password on disk.
    logger.warning("Created the admin user '{}' with a generated password, printed on the console once", username)
    sys.stderr.write(
        f"\n    Created the first admin user.\n    username: {username}\n    password: {password}\n"
        "    This password is shown once. Sign in and change it, or set FLOWML_ADMIN_PASSWORD before the first "
        f"start.\n    Lost it? `flowml users reset-password {username}` on this machine.\n\n"
    )
    sys.stderr.flush()


def _write_private(path: Path, text: str) -> None:
    # 0600 from the start (never briefly readable by others); O_NOFOLLOW: never write through a planted symlink.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), 0o600)  # a file left by an earlier install keeps its old mode otherwise
        handle.write(text)
