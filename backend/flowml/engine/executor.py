"""Where trials run. The search loop talks to a TrialExecutor; the embedded one is the local process pool.

The cluster issue adds a Celery executor with the same two methods (ARCHITECTURE.md section 4).
"""

from __future__ import annotations

import time
from typing import Any, Protocol

from loguru import logger
from pydantic import ValidationError

from flowml.engine.pool import LocalProcessPool, TaskKilled
from flowml.engine.types import FinalResult, FinalSpec, TrialResult, TrialSpec, TrialStatus, describe_invalid

# Past its deadline a trial gets this long to notice and return before its process is killed.
HARD_LIMIT_GRACE_SECONDS = 2.0
# The final fit is the job's deliverable: its optional steps stop at the deadline themselves, and the refit of the
# best model cannot be cut short, so it is only killed when far past the deadline (a runaway, not a slow fit).
FINAL_HARD_LIMIT_GRACE_SECONDS = 60.0
# A refused payload's reason as a trial's error: long enough for a few fields, short enough for the leaderboard.
MAX_MALFORMED_CHARS = 500


class TrialExecutor(Protocol):
    @property
    def capacity(self) -> int: ...

    async def run_trial(self, spec: TrialSpec) -> TrialResult: ...

    async def run_final(self, spec: FinalSpec) -> FinalResult: ...

    def cancel(self, job_id: str) -> None: ...


class LocalExecutor:
    """Runs trials and the final fit on a LocalProcessPool shared by every job of this process."""

    def __init__(self, pool: LocalProcessPool) -> None:
        self._pool = pool

    @property
    def capacity(self) -> int:
        return self._pool.size

    async def run_trial(self, spec: TrialSpec) -> TrialResult:
        try:
            value = await self._pool.submit(
                "trial", spec.to_dict(), tag=spec.job_id, hard_deadline=spec.deadline + HARD_LIMIT_GRACE_SECONDS
            )
        except TaskKilled as exc:
            return unfinished_result(spec, _killed_status(exc), str(exc))
        except RuntimeError as exc:
            return unfinished_result(spec, TrialStatus.FAILED, str(exc))
        try:
            return TrialResult.from_dict(_mapping(value))
        except (ValidationError, TypeError) as exc:  # a task that broke its contract fails its trial, not the job
            return unfinished_result(spec, TrialStatus.FAILED, malformed("trial result", exc))

    async def run_final(self, spec: FinalSpec) -> FinalResult:
        value = await self._pool.submit(
            "final", spec.to_dict(), tag=spec.job_id, hard_deadline=spec.deadline + FINAL_HARD_LIMIT_GRACE_SECONDS
        )
        try:
            return FinalResult.from_dict(_mapping(value))
        except (ValidationError, TypeError) as exc:
            # A RuntimeError like a failed fit: the caller falls back to the best single model, or fails the job.
            raise RuntimeError(malformed("final fit result", exc)) from None

    def cancel(self, job_id: str) -> None:
        self._pool.kill(job_id)


async def run_final_with_fallback(executor: TrialExecutor, spec: FinalSpec) -> FinalResult:
    """The final fit; if an ensemble's fit fails or runs away, the best single model alone, with the optional
    steps (importance, ONNX) skipped: a job whose search succeeded must end with a model."""
    try:
        return await executor.run_final(spec)
    except (TaskKilled, RuntimeError):
        if not spec.ensemble:
            raise
        logger.warning("the ensemble's final fit failed; fitting the best single model alone")
        return await executor.run_final(
            spec.replace(ensemble=[], ensemble_score=None, ensemble_metrics={}, deadline=time.time())
        )


def _killed_status(exc: TaskKilled) -> TrialStatus:
    """A kill we asked for is a cancel or a timeout; a process that died on its own (out of memory, a native
    crash) is a failure, so the search stops retrying that algorithm."""
    message = str(exc)
    if "cancel" in message:
        return TrialStatus.CANCELLED
    if "time limit" in message:
        return TrialStatus.TIMEOUT
    return TrialStatus.FAILED


def malformed(what: str, exc: Exception) -> str:
    """One bounded line saying why a payload that crossed a process boundary was refused, field by field."""
    detail = describe_invalid(exc) if isinstance(exc, ValidationError) else str(exc)
    return f"malformed {what}: {detail}"[:MAX_MALFORMED_CHARS]


def _mapping(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"expected a JSON object, got {type(value).__name__}")
    return value


def unfinished_result(spec: TrialSpec, status: TrialStatus, error: str) -> TrialResult:
    return TrialResult(
        job_id=spec.job_id,
        trial_number=spec.trial_number,
        algorithm=spec.algorithm,
        params=spec.params,
        status=status,
        metric=spec.metric,
        error=error,
    )
