"""Everything a running FlowML process shares, built once at start and closed at stop.

The API's lifespan and the CLI build one of these; services receive it (or parts of it) explicitly, so nothing
reads globals and tests build their own with their own settings.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from flowml.auth.secret import signing_key
from flowml.core.paths import make_private_dir
from flowml.core.settings import Settings
from flowml.db.engine import SessionFactory, create_engine, create_session_factory
from flowml.db.migrate import upgrade
from flowml.db.tables import Worker, WorkerKind, WorkerPresence
from flowml.db.types import utcnow
from flowml.engine.executor import LocalExecutor, TrialExecutor
from flowml.engine.pool import LocalProcessPool
from flowml.events.bus import EventBus
from flowml.events.factory import close_bus, create_bus
from flowml.services.events import EventRecorder
from flowml.storage import ArtifactStore, create_store, local_artifacts_root

LOCAL_WORKER_NAME = "local"


@dataclass
class AppContext:
    settings: Settings
    engine: AsyncEngine
    sessions: SessionFactory
    store: ArtifactStore
    bus: EventBus
    events: EventRecorder
    pool: LocalProcessPool | None = None
    executor: TrialExecutor | None = None  # the LocalExecutor, or the ClusterExecutor wrapping it
    instance_id: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")
    # Signs access and refresh tokens (auth/secret.py says where it comes from).
    signing_key: str = ""

    @property
    def dataset_cache(self) -> Path:
        return self.settings.cache_dir / "datasets"

    @property
    def model_cache(self) -> Path:
        return self.settings.models_dir

    @property
    def cancel_dir(self) -> Path:
        return self.settings.DATA_DIR / "cancel"


async def create_context(settings: Settings, *, with_pool: bool = True) -> AppContext:
    settings.ensure_dirs()
    engine = create_engine(settings)
    await upgrade(engine)
    sessions = create_session_factory(engine)
    key = signing_key(settings)
    bus = create_bus(settings, key)  # the key checks the events remote workers sign
    ctx = AppContext(
        settings=settings,
        engine=engine,
        sessions=sessions,
        store=create_store(settings),
        bus=bus,
        events=EventRecorder(sessions, bus),
        signing_key=key,
    )
    for path in (ctx.dataset_cache, ctx.model_cache, ctx.cancel_dir, *_local_store_root(settings)):
        make_private_dir(path)
    if with_pool:
        ctx.pool = LocalProcessPool(settings.LOCAL_WORKERS)
        await ctx.pool.start()
        ctx.executor = LocalExecutor(ctx.pool)
        await _register_local_worker(ctx)
    return ctx


def _local_store_root(settings: Settings) -> list[Path]:
    """DATA_DIR/artifacts when the local store is in use (datasets and models live there), made here rather than
    at the store's first write, which would give it the umask's mode."""
    return [local_artifacts_root(settings)] if settings.STORAGE_MODE == "local" else []


async def close_context(ctx: AppContext) -> None:
    if ctx.pool is not None:
        await ctx.pool.close()
        async with ctx.sessions() as session:
            worker = (await session.exec(select(Worker).where(Worker.name == LOCAL_WORKER_NAME))).first()
            if worker is not None:
                worker.status = WorkerPresence.OFFLINE
                session.add(worker)
                await session.commit()
    await close_bus(ctx.bus)
    await ctx.engine.dispose()


async def _register_local_worker(ctx: AppContext) -> None:
    """Embedded mode's pool shows up as one worker, so the dashboard and /api/stats tell the truth."""
    memory = psutil.virtual_memory()
    capabilities = {
        "cpu_logical": psutil.cpu_count(logical=True),
        "cpu_physical": psutil.cpu_count(logical=False),
        "ram_total_gb": round(memory.total / 2**30, 1),
        "processes": ctx.settings.LOCAL_WORKERS,
    }
    async with ctx.sessions() as session:
        worker = (await session.exec(select(Worker).where(Worker.name == LOCAL_WORKER_NAME))).first()
        if worker is None:
            worker = Worker(name=LOCAL_WORKER_NAME, hostname=socket.gethostname(), kind=WorkerKind.LOCAL)
        worker.status, worker.capabilities, worker.queues = WorkerPresence.ONLINE, capabilities, ["cpu"]
        worker.concurrency = ctx.settings.LOCAL_WORKERS
        worker.last_heartbeat = utcnow()
        session.add(worker)
        await session.commit()
