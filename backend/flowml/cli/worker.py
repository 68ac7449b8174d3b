"""`flowml worker --master URL --token TOKEN`: this machine joins a FlowML cluster and runs trials."""

from __future__ import annotations

import os
from pathlib import Path

import typer

# Set before anything imports numpy: OpenBLAS and OpenMP size their thread pools when they load, and the pool's
# processes (not threads inside one trial) are a worker's parallelism.
for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS"):
    os.environ.setdefault(_name, "1")


def run(
    master: str,
    token: str,
    name: str | None,
    concurrency: int | None,
    pool: str,
    queues: str | None,
    cache_dir: Path | None,
) -> None:
    from flowml.cluster.worker import JoinError, WorkerOptions, default_concurrency, default_name, run_worker
    from flowml.core.settings import Settings

    settings = Settings()
    if not token.strip():
        raise typer.BadParameter(
            "the join token is empty: pass the one `flowml token create` printed on the master", param_hint="--token"
        )
    if pool not in ("prefork", "solo", "threads"):
        raise typer.BadParameter("use prefork (Linux, macOS), solo (Windows) or threads", param_hint="--pool")
    options = WorkerOptions(
        master=master,
        token=token,
        name=name or default_name(),
        concurrency=1 if pool == "solo" else (concurrency or default_concurrency()),
        pool=pool,
        cache_dir=(cache_dir or settings.DATA_DIR / "worker-cache").expanduser().resolve(),
        queues=[q.strip() for q in queues.split(",") if q.strip()] if queues else None,
        ollama_url=settings.OLLAMA_URL,
        loglevel=settings.LOG_LEVEL,
    )
    try:
        run_worker(options)
    except JoinError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from None
