"""A pool of long-lived worker processes whose tasks can be killed one by one.

Why not ProcessPoolExecutor: a running task there cannot be stopped, so a runaway SVM fit would outlive its job's
budget and a cancel could not reach it. Here each slot is one process with its own pipe; killing a task kills its
process and the slot is respawned. Processes use the spawn start method so the pool is safe to create from a
threaded, asyncio-running server and behaves the same on Windows. A worker never runs the caller's main module
(`_without_main_module`), so a plain script that calls `AutoML().fit` needs no `if __name__ == "__main__":` guard.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing as mp
import os
import sys
import threading
import time
import types
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from loguru import logger

# Task names the worker processes may run; payload and result are plain dicts (the same values Celery will carry).
TASKS: dict[str, str] = {
    "trial": "flowml.engine.trial:run_trial_dict",
    "final": "flowml.engine.final:fit_final_dict",
    "warmup": "flowml.engine.warmup:warmup",
}

_THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")


_SPAWN_LOCK = threading.Lock()


@contextlib.contextmanager
def _without_main_module() -> Iterator[None]:
    """Start a spawned process without the caller's `__main__`.

    Spawn re-imports the parent's main module in every child (by its file or module name), so a script calling
    `AutoML().fit` at top level would run again in each worker and recurse. The workers need nothing from it (their
    target and tasks live in flowml), so while `start()` records what the child must import, `__main__` is an empty
    module; the lock keeps two pools of one process from swapping it at once.
    """
    with _SPAWN_LOCK:
        main = sys.modules.get("__main__")
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            if main is None:
                del sys.modules["__main__"]
            else:
                sys.modules["__main__"] = main


class TaskKilled(Exception):
    """The task's process was killed (cancel, hard deadline, or the process died)."""


def _resolve(path: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    module_name, func_name = path.split(":")
    module = __import__(module_name, fromlist=[func_name])
    func: Callable[[dict[str, Any]], dict[str, Any]] = getattr(module, func_name)
    return func


def _worker_main(conn: Connection, quiet: bool = False) -> None:
    # One thread per library: trials get parallelism from the pool, not from BLAS/OpenMP oversubscription.
    for name in _THREAD_ENV:
        os.environ.setdefault(name, "1")
    if quiet:
        # A silent run (AutoML(verbose=0)) promises nothing on the terminal: a trial's ConvergenceWarning is the
        # search's business, and its result already says whether the trial worked.
        warnings.simplefilter("ignore")
    while True:
        try:
            message = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if message is None:
            return
        target, payload = message
        try:
            result = {"ok": True, "value": _resolve(target)(payload)}
        except BaseException as exc:  # report every failure to the parent instead of dying silently
            result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:2000]}
        conn.send(result)


@dataclass
class _Slot:
    index: int
    process: BaseProcess
    conn: Connection
    tag: str | None = None
    killed: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)


class LocalProcessPool:
    """`size` worker processes; `submit` runs one task on a free one and awaits its dict result."""

    def __init__(self, size: int, tasks: Mapping[str, str] | None = None, *, quiet: bool = False) -> None:
        """`quiet`: the worker processes ignore Python warnings instead of printing them to stderr."""
        if size < 1:
            raise ValueError("pool size must be at least 1")
        self.size = size
        self.quiet = quiet
        self._tasks = {**TASKS, **(tasks or {})}
        self._ctx = mp.get_context("spawn")
        self._slots: list[_Slot] = []
        self._free: asyncio.Queue[_Slot] | None = None
        self._closed = False

    def _spawn(self, index: int) -> _Slot:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(
            target=_worker_main, args=(child, self.quiet), daemon=True, name=f"flowml-worker-{index}"
        )
        with _without_main_module():
            process.start()
        child.close()
        return _Slot(index=index, process=process, conn=parent)

    async def start(self, *, warm: bool = True) -> None:
        self._free = asyncio.Queue()
        for index in range(self.size):
            slot = await asyncio.to_thread(self._spawn, index)
            self._slots.append(slot)
            if warm:
                slot.conn.send((self._tasks["warmup"], {}))
        for slot in self._slots:
            if warm:
                # Importing the ML stack takes seconds; doing it now keeps it off the first trial's clock.
                try:
                    await asyncio.to_thread(slot.conn.recv)
                except (EOFError, OSError) as exc:
                    raise RuntimeError("a worker process failed to start") from exc
            self._free.put_nowait(slot)

    @property
    def busy(self) -> int:
        return sum(1 for s in self._slots if s.tag is not None)

    async def submit(self, task: str, payload: dict[str, Any], *, tag: str, hard_deadline: float | None = None) -> Any:
        """Run `task` on a free slot. `tag` (a job id) lets `kill(tag)` stop it; past `hard_deadline` it is killed."""
        if self._free is None or self._closed:
            raise RuntimeError("pool is not running")
        if task not in self._tasks:
            raise ValueError(f"unknown task {task!r}; known: {', '.join(self._tasks)}")
        slot = await self._free.get()
        slot.tag, slot.killed = tag, False
        broken = False
        try:
            try:
                slot.conn.send((self._tasks[task], payload))
            except (OSError, ValueError) as exc:
                raise TaskKilled(f"worker process is gone ({exc})") from None
            result = await asyncio.to_thread(self._wait, slot, hard_deadline)
        except BaseException:
            broken = True
            raise
        finally:
            # A kill can land just after the result arrived: respawn whenever the process may not be usable.
            if broken or slot.killed or not slot.process.is_alive():
                if slot.process.is_alive():
                    slot.process.kill()
                await asyncio.to_thread(self._respawn, slot)
            slot.tag = None
            if not self._closed:
                self._free.put_nowait(slot)
        if not result["ok"]:
            raise RuntimeError(result["error"])
        return result["value"]

    def _wait(self, slot: _Slot, hard_deadline: float | None) -> dict[str, Any]:
        # Bind this task's process and pipe: if the slot is respawned meanwhile (the awaiting coroutine was
        # cancelled), this thread must not read the next task's result from the new pipe.
        conn, process = slot.conn, slot.process
        while True:
            if slot.killed or slot.process is not process:
                raise TaskKilled("task was cancelled")
            if hard_deadline is not None and time.time() > hard_deadline:
                self._kill(slot)
                raise TaskKilled("task passed its hard time limit")
            try:
                if conn.poll(0.1):
                    result: dict[str, Any] = conn.recv()
                    return result
            except (EOFError, OSError) as exc:
                raise TaskKilled(f"worker process died ({exc or 'no reason given'})") from None
            if not process.is_alive():
                raise TaskKilled(f"worker process exited with code {process.exitcode}")

    def _kill(self, slot: _Slot) -> None:
        with slot.lock:
            slot.killed = True
            if slot.process.is_alive():
                slot.process.kill()

    def _respawn(self, slot: _Slot) -> None:
        with slot.lock:
            slot.process.join(timeout=5)
            slot.conn.close()
            if self._closed:
                return
            fresh = self._spawn(slot.index)
            slot.process, slot.conn, slot.killed = fresh.process, fresh.conn, False

    def kill(self, tag: str) -> int:
        """Kill every running task tagged `tag`; returns how many. Their `submit` calls raise TaskKilled."""
        victims = [s for s in self._slots if s.tag == tag]
        for slot in victims:
            self._kill(slot)
        if victims:
            logger.info("killed {} running task(s) of {}", len(victims), tag)
        return len(victims)

    async def close(self, *, graceful: bool = True) -> None:
        """Stop the workers. `graceful=False` kills them at once: a CLI run whose budget is the user's wall clock
        should not wait for interpreters full of ML libraries to tear down."""
        self._closed = True
        for slot in self._slots:
            if not graceful:
                slot.process.kill()
                continue
            with contextlib.suppress(OSError, ValueError):
                slot.conn.send(None)
        await asyncio.to_thread(self._join_all)

    def _join_all(self) -> None:
        for slot in self._slots:
            slot.process.join(timeout=3)
            if slot.process.is_alive():
                slot.process.kill()
                slot.process.join(timeout=3)
