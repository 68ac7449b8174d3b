"""The time budget as a value object with an absolute deadline, checked cooperatively.

Never signals: they only work in the main thread on Unix. Trial code calls `check()` between folds and boosting
rounds; the pool that runs it kills a process that overruns the hard limit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path


class BudgetExhausted(Exception):
    """The deadline passed; the caller stops and reports what it has."""


class Cancelled(Exception):
    """The job was cancelled by its user."""


@dataclass(frozen=True)
class Deadline:
    """`at` is a Unix timestamp (seconds). `cancel_path` names a file whose existence means 'stop now'."""

    at: float
    cancel_path: str | None = None

    @classmethod
    def in_seconds(cls, seconds: float, cancel_path: str | None = None) -> Deadline:
        return cls(time.time() + seconds, cancel_path)

    def remaining(self) -> float:
        return self.at - time.time()

    def expired(self) -> bool:
        return time.time() >= self.at

    def cancelled(self) -> bool:
        return self.cancel_path is not None and Path(self.cancel_path).exists()

    def check_cancelled(self) -> None:
        if self.cancelled():
            raise Cancelled("job cancelled")

    def check(self) -> None:
        """Raise if the job was cancelled or the deadline passed."""
        if self.cancelled():
            raise Cancelled("job cancelled")
        if self.expired():
            raise BudgetExhausted("time budget exhausted")
