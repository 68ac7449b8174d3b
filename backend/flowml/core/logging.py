"""Logging setup, called by entry points only (never at import): stderr plus the server's own rotating file."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from loguru import logger

from flowml.core.paths import make_private_dir

FORMAT = "{time:YYYY-MM-DD HH:mm:ss.SSS} | {level: <8} | {message}"


class _InterceptHandler(logging.Handler):
    """Send stdlib logging (uvicorn, alembic) through loguru so everything lands in one place."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            level: str | int = logger.level(record.levelname).name
        except ValueError:
            level = record.levelno
        logger.opt(exception=record.exc_info).log(level, record.getMessage())


def configure_logging(level: str = "INFO", log_file: Path | None = None) -> None:
    logger.remove()
    logger.add(sys.stderr, level=level, format=FORMAT)
    if log_file is not None:
        make_private_dir(log_file.parent)
        logger.add(log_file, level=level, format=FORMAT, rotation="20 MB", retention=5)
    logging.basicConfig(handlers=[_InterceptHandler()], level=logging.INFO, force=True)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "alembic"):
        logging.getLogger(name).handlers = [_InterceptHandler()]
        logging.getLogger(name).propagate = False
