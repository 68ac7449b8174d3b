"""Rows written straight to a running app's database, for states the API reaches only slowly (a job that runs for
hours in another process) or not at all (a job handed to another owner). Call through the TestClient's portal:
`client.portal.call(insert_job, ctx, owner_id, JobStatus.RUNNING)`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flowml.db.tables import Job, JobStatus
from flowml.db.types import new_id, utcnow
from flowml.services.context import AppContext

# A lease far in the future held by a process that is not the test app: its job manager leaves the job alone.
OTHER_PROCESS = "another-host:1"


async def insert_job(ctx: AppContext, owner_id: str, status: JobStatus, **fields: Any) -> str:
    """A job of `owner_id` in `status`, driven (leased) by another process."""
    job = Job(
        name="elsewhere",
        dataset_id=new_id(),
        target_column="y",
        problem_type="binary",
        metric="roc_auc",
        time_budget=240.0,
        status=status,
        owner_id=owner_id,
        lease_owner=OTHER_PROCESS,
        lease_expires_at=utcnow() + timedelta(hours=1),
        **fields,
    )
    async with ctx.sessions() as session:
        session.add(job)
        await session.commit()
    return job.id


async def update_job(ctx: AppContext, job_id: str, fields: dict[str, Any]) -> None:
    """Set `fields` of a job (a dict: BlockingPortal.call passes no keyword arguments)."""
    async with ctx.sessions() as session:
        job = await session.get(Job, job_id)
        assert job is not None
        for name, value in fields.items():
            setattr(job, name, value)
        session.add(job)
        await session.commit()
