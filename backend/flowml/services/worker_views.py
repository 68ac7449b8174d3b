"""Who sees what of the worker registry: admins everything, members the hardware and their own trials.

Every signed-in user may see where trials can run (queues, CPUs, GPUs, memory, library versions). Where the machines
are (host names, addresses, the OS build) and what other members are training are for admins only
(ARCHITECTURE.md section 12: members see only their own objects).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select

from flowml.db.tables import Job, Trial, User
from flowml.services import access, users, workers
from flowml.services.context import AppContext
from flowml.services.workers import WorkerState

# The capabilities a member sees. Listed here rather than taken from the probe, so a field the probe gains later
# (or any key a worker invents: it sends free-form JSON) stays admin-only until someone decides otherwise.
MEMBER_CAPABILITIES = (
    "cpu_physical",
    "cpu_logical",
    "cpu_freq_mhz",
    "ram_total_gb",
    "ram_available_gb",
    "gpus",
    "cuda_driver_version",
    "cuda_version",
    "libraries",
    "gpu_builds",
    "ollama",
    "plugins",
)


@dataclass(frozen=True)
class WorkerView:
    """A worker as one user may see it: None and trimmed values where the user may not see the whole row."""

    state: WorkerState
    hostname: str | None
    capabilities: dict[str, Any]
    current_trials: list[Trial]


async def workers_for(ctx: AppContext, user: User) -> list[WorkerView]:
    states = await workers.list_workers(ctx)
    if users.is_admin(user):
        return [WorkerView(s, s.worker.hostname, s.worker.capabilities, s.current_trials) for s in states]
    own_jobs = await _own_jobs(ctx, user, {t.job_id for s in states for t in s.current_trials})
    return [
        WorkerView(
            state=state,
            hostname=None,
            capabilities={k: v for k, v in state.worker.capabilities.items() if k in MEMBER_CAPABILITIES},
            current_trials=[t for t in state.current_trials if t.job_id in own_jobs],
        )
        for state in states
    ]


async def _own_jobs(ctx: AppContext, user: User, job_ids: set[str]) -> set[str]:
    if not job_ids:
        return set()
    async with ctx.sessions() as session:
        query = access.only_visible(select(Job.id).where(col(Job.id).in_(job_ids)), user, Job)
        return set((await session.exec(query)).all())
