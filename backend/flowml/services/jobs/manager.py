"""Schedules jobs in this process: at most MAX_CONCURRENT_JOBS run at once, at most MAX_RUNNING_JOBS_PER_USER of one
member's (limits.py); cancel; resume after a restart."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

from loguru import logger
from sqlmodel import col, or_, select

from flowml.db.tables import Job, JobKind, JobStatus
from flowml.db.types import utcnow
from flowml.events.schemas import EventType, JobData
from flowml.services import workflow_driver
from flowml.services.context import AppContext
from flowml.services.jobs import limits
from flowml.services.jobs.driver import run_job
from flowml.services.jobs.paths import cancel_file
from flowml.services.jobs.service import request_cancel
from flowml.services.jobs.views import job_view

RECOVERY_INTERVAL_SECONDS = 15.0


class JobManager:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self._slots = asyncio.Semaphore(ctx.settings.MAX_CONCURRENT_JOBS)
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._running: set[str] = set()
        # Held while a job is checked against its owner's running limit and admitted, so two of one owner's jobs
        # cannot both pass the same count.
        self._admitting = asyncio.Lock()
        # Notified when a job of this process ends: a job held back by its owner's running limit looks again then.
        self._ended = asyncio.Condition()
        self._recovery: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.recover()
        self._recovery = asyncio.create_task(self._recover_forever(), name="job-recovery")

    async def submit(self, job_id: str) -> Job:
        async with self.ctx.sessions() as session:
            job = await session.get(Job, job_id)
            assert job is not None
            job.status, job.queued_at, job.stage = JobStatus.QUEUED, utcnow(), "queued"
            session.add(job)
            await session.commit()
            await session.refresh(job)
        self._spawn(job_id, resume=False)
        return job

    def _spawn(self, job_id: str, *, resume: bool) -> None:
        if job_id in self._tasks:
            return
        task = asyncio.create_task(self._run(job_id, resume=resume), name=f"job-{job_id}")
        self._tasks[job_id] = task
        task.add_done_callback(lambda _t: self._tasks.pop(job_id, None))

    async def _run(self, job_id: str, *, resume: bool) -> None:
        while not await self._run_if_allowed(job_id, resume=resume):
            # Held back by its owner's running limit, without holding a slot: look again when a job here ends, or
            # after a while anyway (the owner's other jobs may run in another process).
            async with self._ended:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._ended.wait(), limits.RECHECK_SECONDS)

    async def _run_if_allowed(self, job_id: str, *, resume: bool) -> bool:
        async with self._slots:
            async with self._admitting:
                # A resumed job was running before the restart: it counts already and is never held back.
                if not resume and not await limits.may_start(self.ctx, job_id, admitted=self._running):
                    return False
                self._running.add(job_id)
            try:
                await self._drive(job_id, resume=resume)
            finally:
                self._running.discard(job_id)
        async with self._ended:
            self._ended.notify_all()
        return True

    async def _drive(self, job_id: str, *, resume: bool) -> None:
        async with self.ctx.sessions() as session:
            job = await session.get(Job, job_id)
        if job is not None and job.kind == JobKind.WORKFLOW:
            await workflow_driver.run(self.ctx, job_id, resume=resume)
        else:
            await run_job(self.ctx, job_id, resume=resume)

    async def cancel(self, job_id: str) -> Job:
        job = await request_cancel(self.ctx, job_id)
        if job_id in self._running:
            if self.ctx.executor is not None:
                self.ctx.executor.cancel(job_id)  # kill its trial processes now, not at the next fold
            return job
        task = self._tasks.pop(job_id, None)
        if task is not None:
            task.cancel()
        return await self._mark_cancelled(job_id)

    async def _mark_cancelled(self, job_id: str) -> Job:
        async with self.ctx.sessions() as session:
            job = await session.get(Job, job_id)
            assert job is not None
            job.status, job.stage, job.message, job.finished_at = JobStatus.CANCELLED, "done", "cancelled", utcnow()
            session.add(job)
            await session.commit()
            await session.refresh(job)
        cancel_file(self.ctx, job_id).unlink(missing_ok=True)
        await self.ctx.events.emit(EventType.TRAINING_CANCELLED, job_id, JobData(job=job_view(job)))
        if job.kind == JobKind.WORKFLOW:
            await workflow_driver.cancelled_before_start(self.ctx, job)
        return job

    async def recover(self) -> None:
        """Take over jobs nobody drives: queued ones never started, and running ones whose lease expired."""
        now = utcnow()
        async with self.ctx.sessions() as session:
            query = select(Job).where(
                col(Job.status).in_([JobStatus.PENDING.value, JobStatus.QUEUED.value, JobStatus.RUNNING.value]),
                # A workflow run's searches are driven by the run (resumed with it), never on their own.
                col(Job.kind) != JobKind.WORKFLOW_MODEL.value,
                or_(col(Job.lease_expires_at).is_(None), col(Job.lease_expires_at) < now),
            )
            orphans = list((await session.exec(query.order_by(col(Job.created_at)))).all())
        for job in orphans:
            if job.id in self._tasks:
                continue
            if job.cancel_requested:
                await self._mark_cancelled(job.id)
                continue
            resume = job.status == JobStatus.RUNNING
            logger.info("{} job {} left by a previous run", "resuming" if resume else "queueing", job.id)
            self._spawn(job.id, resume=resume)

    async def _recover_forever(self) -> None:
        while True:
            await asyncio.sleep(RECOVERY_INTERVAL_SECONDS)
            try:
                await self.recover()
            except Exception:
                logger.exception("job recovery scan failed")

    async def shutdown(self) -> None:
        """Stop driving jobs without failing them: they stay running with an expired lease and resume next start."""
        if self._recovery is not None:
            self._recovery.cancel()
        running = list(self._running)
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if running:
            async with self.ctx.sessions() as session:
                for job_id in running:
                    job = await session.get(Job, job_id)
                    if job is not None and job.status == JobStatus.RUNNING:
                        job.lease_expires_at = utcnow() - timedelta(seconds=1)
                        session.add(job)
                await session.commit()
