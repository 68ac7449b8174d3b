"""Where a job's working files live: the cancel and stop signals, and its out-of-fold predictions."""

from __future__ import annotations

from pathlib import Path

from flowml.services.context import AppContext


def cancel_file(ctx: AppContext, job_id: str) -> Path:
    """Exists while the user has asked to cancel: worker processes check it (they have no database)."""
    return ctx.cancel_dir / job_id


def stop_file(ctx: AppContext, job_id: str) -> Path:
    """Exists while the user has asked to stop searching and finish with the best model so far."""
    return ctx.cancel_dir / f"{job_id}.stop"


def oof_dir(ctx: AppContext, job_id: str) -> Path:
    """Out-of-fold predictions of the job's trials, for the ensemble; removed when the job reaches a final state."""
    return ctx.settings.cache_dir / "oof" / job_id
