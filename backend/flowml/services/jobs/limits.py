"""Per-user job limits: how many of a member's jobs may wait and run at once, and who may flag a job `priority`.

A member may have MAX_QUEUED_JOBS_PER_USER jobs waiting (pending or queued); one more is refused with 429. Of their
jobs, MAX_RUNNING_JOBS_PER_USER run at once; the others wait in the queue, without holding a job slot, until one
of theirs ends. Admins are exempt from both: they run the server and set the limits; the limits are there so that
one member can neither fill the queue nor hold every job slot for hours.

`priority` sends a job's trials ahead of everyone else's (the cluster's priority queue), so only an admin sets it.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import ColumnElement
from sqlmodel import and_, col, func, or_, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from flowml.core.errors import ForbiddenError, TooManyRequestsError
from flowml.db.tables import Job, JobKind, JobStatus, User
from flowml.services.context import AppContext
from flowml.services.users import is_admin

WAITING = (JobStatus.PENDING, JobStatus.QUEUED)
# How often a job held back by its owner's running limit looks again (a count query; seconds).
RECHECK_SECONDS = 2.0


async def count_jobs(
    session: AsyncSession, owner_id: str, statuses: Collection[JobStatus], *, also: Collection[str] = ()
) -> int:
    """How many of the owner's jobs are in one of `statuses`, or (unfinished) among the ids `also`. The one place
    "how many jobs does this user have running / waiting" is answered."""
    unfinished = [s.value for s in JobStatus if not s.is_final]
    matches: ColumnElement[bool] = col(Job.status).in_([s.value for s in statuses])
    if also:
        matches = or_(matches, and_(col(Job.id).in_(list(also)), col(Job.status).in_(unfinished)))
    # A workflow run's searches are part of the run, which counts once.
    query = (
        select(func.count())
        .select_from(Job)
        .where(Job.owner_id == owner_id, col(Job.kind) != JobKind.WORKFLOW_MODEL.value, matches)
    )
    return (await session.exec(query)).one()


def check_priority(owner: User | None, priority: bool) -> None:
    if priority and owner is not None and not is_admin(owner):
        raise ForbiddenError(
            "Only an admin can set priority: true (a priority job's trials go ahead of everyone else's); "
            "leave it false."
        )


async def reserve_waiting_place(session: AsyncSession, owner: User, limit: int) -> None:
    """Refuse (429) a member who already has `limit` jobs waiting. Call in the transaction that then inserts the job.

    The no-op update takes the owner's row lock first (PostgreSQL locks the row, SQLite the database for a moment),
    so concurrent requests of one user count and insert one at a time and cannot all pass the same count.
    """
    if is_admin(owner):
        return
    await session.exec(update(User).where(col(User.id) == owner.id).values(token_version=User.token_version))
    waiting = await count_jobs(session, owner.id, WAITING)
    if waiting >= limit:
        raise TooManyRequestsError(
            f"You have {waiting} jobs waiting to run, the most a member may have (MAX_QUEUED_JOBS_PER_USER={limit}); "
            "wait for one to start, or cancel one."
        )


async def may_start(ctx: AppContext, job_id: str, *, admitted: Collection[str]) -> bool:
    """Whether a queued job may start now under its owner's running limit. `admitted`: jobs this process let start
    a moment ago, which the driver may not have marked running yet. A job held back says why in its message."""
    limit = ctx.settings.MAX_RUNNING_JOBS_PER_USER
    async with ctx.sessions() as session:
        job = await session.get(Job, job_id)
        if job is None or job.owner_id is None:
            return True
        owner = await session.get(User, job.owner_id)
        if owner is None or is_admin(owner):
            return True
        others = [other for other in admitted if other != job_id]
        running = await count_jobs(session, job.owner_id, [JobStatus.RUNNING], also=others)
        if running < limit:
            return True
        message = (
            f"waiting: {running} of your jobs are running, the most a member may run at once "
            f"(MAX_RUNNING_JOBS_PER_USER={limit})"
        )
        if job.message != message:
            job.message = message
            session.add(job)
            await session.commit()
    return False
