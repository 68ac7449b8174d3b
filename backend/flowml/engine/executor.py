"""Where trials run. The search loop talks to a TrialExecutor; the embedded one is the local process pool.

The cluster issue adds a Celery executor with the same two methods (ARCHITECTURE.md section 4).
"""

from __future__ import annotations

import asyncio
import shutil
import time
from pathlib import Path
from typing import Any, Protocol

from loguru import logger
from pydantic import ValidationError

from flowml.engine.pool import LocalProcessPool, TaskKilled
from flowml.engine.types import (
    FinalResult,
    FinalSpec,
    LeaderboardRow,
    TrialResult,
    TrialSpec,
    TrialStatus,
    describe_invalid,
)

# Past its deadline a trial gets this long to notice and return before its process is killed.
HARD_LIMIT_GRACE_SECONDS = 2.0
# A fallback's refit is chosen to take at most this share of the final fit's overrun window (its estimate errs).
FALLBACK_SHARE_OF_OVERRUN = 0.5
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
            "final", spec.to_dict(), tag=spec.job_id, hard_deadline=spec.deadline + spec.overrun_s
        )
        try:
            return FinalResult.from_dict(_mapping(value))
        except (ValidationError, TypeError) as exc:
            # A RuntimeError like a failed fit: the caller falls back to the best single model, or fails the job.
            raise RuntimeError(malformed("final fit result", exc)) from None

    def cancel(self, job_id: str) -> None:
        self._pool.kill(job_id)


async def run_final_with_fallback(executor: TrialExecutor, spec: FinalSpec) -> FinalResult:
    """The final fit; when it fails or runs past `spec.overrun_s` after the deadline, what can still be delivered at
    once: the chosen model's own refit if it was done before the optional steps stalled (final.py keeps it), else a
    completed trial whose configuration refits quickly, the best such. A job whose search found a valid trial ends
    with a model, and the card says what happened. Raises only when no fallback is left (or the user cancelled)."""
    try:
        return await executor.run_final(spec)
    except (TaskKilled, RuntimeError) as exc:
        if isinstance(exc, TaskKilled) and "cancel" in str(exc):
            raise
        reason = "ran past its time limit" if isinstance(exc, TaskKilled) else f"failed ({one_line(exc)})"
    what = "the ensemble's final fit" if spec.ensemble else f"the final fit of {spec.algorithm}"
    kept = await asyncio.to_thread(recover_checkpoint, spec, f"{what} {reason} after the refit")
    if kept is not None:
        logger.warning("{} {}; delivering the refit model without the remaining steps", what, reason)
        return kept
    row = fallback_row(spec)
    if row is None:
        raise RuntimeError(f"{what} {reason}, and no other trial is left to deliver") from None
    note = (
        f"{what} {reason}; delivered trial {row.trial_number} ({row.algorithm}), the best configuration that "
        "refits quickly, instead"
    )
    logger.warning(note)
    fallback = spec.replace(
        algorithm=row.algorithm,
        params=row.params,
        cv_score=row.score if row.score is not None else spec.cv_score,
        ensemble=[],
        ensemble_score=None,
        ensemble_metrics={},
        deadline=time.time(),  # the optional steps (ONNX, importance) are skipped: the budget is spent
        notes=[*spec.notes, note],
    )
    result = await executor.run_final(fallback)
    result.delivered_trial = row.trial_number
    return result


def refit_seconds(row: LeaderboardRow) -> float:
    """A trial's refit on all rows: its mean fold fit time scaled from k-1 folds of the rows to all of them."""
    folds = max(2, len(row.fold_scores))
    return row.fit_time * folds / (folds - 1)


def fallback_row(spec: FinalSpec) -> LeaderboardRow | None:
    """The best-ranked completed trial that refits well within the overrun window, else the quickest one; never the
    single configuration that just failed (an ensemble's failure may fall back to its best member)."""
    candidates = [
        row
        for row in spec.leaderboard
        if row.status == TrialStatus.COMPLETED
        and row.score is not None
        and (spec.ensemble or (row.algorithm, row.params) != (spec.algorithm, spec.params))
    ]
    if not candidates:
        return None
    window = FALLBACK_SHARE_OF_OVERRUN * spec.overrun_s
    quick = [row for row in candidates if refit_seconds(row) <= window]
    return quick[0] if quick else min(candidates, key=refit_seconds)


def recover_checkpoint(spec: FinalSpec, note: str) -> FinalResult | None:
    """The package the final fit kept right after the refit (engine/final.py), made the delivered one: moved into
    the output folder, its card saying which steps were stopped. None when the fit never got that far."""
    from flowml.engine.final import checkpoint_dir  # the final module imports the ML stack; only when needed
    from flowml.engine.package import CARD_FILE, MODEL_FILE, file_sha256, read_card, write_card

    kept, output = checkpoint_dir(spec), Path(spec.output_dir)
    if not (kept / MODEL_FILE).is_file() or not (kept / CARD_FILE).is_file():
        return None
    for stale in (MODEL_FILE, CARD_FILE, "model.onnx"):  # half-written by the stopped process, or from before
        (output / stale).unlink(missing_ok=True)
    for item in kept.iterdir():
        item.replace(output / item.name)
    shutil.rmtree(kept, ignore_errors=True)
    model_path = output / MODEL_FILE
    sha256 = file_sha256(model_path)
    card = read_card(output / CARD_FILE)
    skipped = "ensemble members, ONNX export and feature importance were not finished"
    card = card.updated({"notes": [*card.notes, f"{note}: {skipped}"], "model_sha256": sha256})
    write_card(output, card)
    return FinalResult(
        output_dir=str(output),
        model_path=str(model_path),
        model_sha256=sha256,
        card=card,
        feature_importance={},
        fit_time=0.0,
    )


def one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]


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
