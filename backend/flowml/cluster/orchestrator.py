"""The orchestrator's side of the cluster: with a broker configured, trials go through the ClusterExecutor.

Called once by the API's start-up after the context exists (the context knows nothing of Celery, so embedded
mode never imports it). Without CELERY_BROKER_URL, or without a local pool (an API-only process), nothing changes.
"""

from __future__ import annotations

from loguru import logger
from sqlmodel import col, update

from flowml.cluster.celery_app import create_celery
from flowml.cluster.executor import ClusterExecutor
from flowml.cluster.queues import plugin_queue
from flowml.db.tables import Trial
from flowml.engine.executor import LocalExecutor
from flowml.engine.plugins import plugin_report
from flowml.services import workers
from flowml.services.context import AppContext


async def attach_cluster(ctx: AppContext) -> ClusterExecutor | None:
    settings = ctx.settings
    if not settings.CELERY_BROKER_URL or not isinstance(ctx.executor, LocalExecutor):
        return None
    # The queues of the master's own plugins: their trials go there (cluster/routing.py), declared like the others.
    plugins = [plugin_queue(package, version) for package, version in plugin_report().packages().items()]
    app = create_celery(
        settings.CELERY_BROKER_URL, settings.result_backend, settings.visibility_timeout, plugin_queues=plugins
    )

    async def live_queues() -> dict[str, int]:
        return await workers.live_queues(ctx)

    async def live_workers() -> set[str]:
        return {worker.name for worker in await workers.live_workers(ctx)}

    async def started(job_id: str, trial_number: int, worker: str) -> None:
        await mark_trial_worker(ctx, job_id, trial_number, worker)

    executor = ClusterExecutor(
        app,
        ctx.executor,
        live_queues=live_queues,
        live_workers=live_workers,
        broker_url=settings.CELERY_BROKER_URL,
        signing_key=ctx.signing_key,
        trials_on_master=settings.TRIALS_ON_MASTER,
        on_started=started,
    )
    await executor.start()
    ctx.executor = executor
    logger.info("cluster mode: trials go to Celery workers through {}", _safe(settings.CELERY_BROKER_URL))
    return executor


async def mark_trial_worker(ctx: AppContext, job_id: str, trial_number: int, worker: str) -> None:
    """Record which worker runs a trial as soon as it starts (the dashboard and GET /api/workers show it)."""
    async with ctx.sessions() as session:
        await session.exec(
            update(Trial)
            .where(col(Trial.job_id) == job_id, col(Trial.trial_number) == trial_number)
            .values(worker=worker)
        )
        await session.commit()


def _safe(url: str) -> str:
    """The broker URL without its password, for logs."""
    if "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    return f"{scheme}://***@{rest.split('@', 1)[1]}"
