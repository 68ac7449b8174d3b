"""The progress bar `AutoML.fit` shows: rich's, which draws in a terminal and as a live widget in Jupyter."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from flowml.engine.search import TrialTicket
from flowml.engine.types import TrialResult, TrialStatus


class ProgressBar:
    """A RunEvents port drawing the run's progress, with the number of trials done; a context manager."""

    def __init__(self, console: Console | None = None) -> None:
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TextColumn("{task.fields[trials]} trials"),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self._task: TaskID | None = None
        self._trials = 0

    def __enter__(self) -> ProgressBar:
        self._progress.start()
        self._task = self._progress.add_task("starting", total=100, trials=0)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if exc is None and self._task is not None:
            self._progress.update(self._task, completed=100, description="done")
        self._progress.stop()

    async def trial_started(self, ticket: TrialTicket) -> None:
        return None

    async def trial_finished(self, ticket: TrialTicket, result: TrialResult) -> None:
        if result.status == TrialStatus.COMPLETED and self._task is not None:
            self._trials += 1
            self._progress.update(self._task, trials=self._trials)

    async def progress(self, progress: float, stage: str, message: str) -> None:
        if self._task is not None:
            self._progress.update(self._task, completed=progress, description=message)
