"""Start the API server with uvicorn, after the start-up checks (cli/startup.py)."""

from __future__ import annotations

from rich.console import Console

from flowml.cli.startup import load_settings, warn_about_exposure, warn_about_unknown_settings
from flowml.core.logging import configure_logging
from flowml.services.logs import system_log_path


def serve(*, host: str | None, port: int | None) -> None:
    # Refused settings end here, with one paragraph and exit code 2: before anything is created on disk, and before
    # the app's heavy imports, so a refusal (and the warnings below) come at once.
    settings = load_settings()
    settings.ensure_dirs()
    configure_logging(settings.LOG_LEVEL, system_log_path(settings))
    host = host or settings.HOST
    port = port or settings.PORT
    warn_about_exposure(settings)
    warn_about_unknown_settings(settings)

    import uvicorn

    from flowml.api.app import create_app

    Console().print(f"[bold green]FlowML Studio[/] on http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
    uvicorn.run(create_app(settings), host=host, port=port, log_config=None, ws_ping_interval=20)
