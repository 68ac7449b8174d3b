"""Start the API server with uvicorn."""

from __future__ import annotations

import uvicorn
from rich.console import Console

from flowml.api.app import create_app
from flowml.core.logging import configure_logging
from flowml.core.settings import get_settings
from flowml.services.logs import system_log_path


def serve(*, host: str | None, port: int | None) -> None:
    settings = get_settings()
    settings.ensure_dirs()
    configure_logging(settings.LOG_LEVEL, system_log_path(settings))
    host = host or settings.HOST
    port = port or settings.PORT
    Console().print(f"[bold green]FlowML Studio[/] on http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
    uvicorn.run(create_app(settings), host=host, port=port, log_config=None, ws_ping_interval=20)
