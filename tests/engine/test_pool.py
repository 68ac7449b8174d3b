"""The local process pool: results, errors, kills by tag, hard deadlines, and dead processes replaced."""

from __future__ import annotations

import asyncio
import time

import pytest

from flowml.engine.pool import LocalProcessPool, TaskKilled

TASKS = {
    "sleep": "tests.engine.pool_tasks:sleep",
    "boom": "tests.engine.pool_tasks:boom",
    "die": "tests.engine.pool_tasks:die",
}


async def _pool(size: int = 2) -> LocalProcessPool:
    pool = LocalProcessPool(size, TASKS)
    await pool.start(warm=False)
    return pool


async def test_runs_tasks_in_parallel_processes() -> None:
    pool = await _pool()
    try:
        first, second = await asyncio.gather(*(pool.submit("sleep", {"seconds": 0.5}, tag="a") for _ in range(2)))
        assert first["pid"] != second["pid"]
        assert first["start"] < second["end"] and second["start"] < first["end"]  # the two sleeps overlapped
    finally:
        await pool.close()


async def test_errors_come_back_as_runtime_errors_and_the_slot_survives() -> None:
    pool = await _pool(1)
    try:
        with pytest.raises(RuntimeError, match="ValueError: bad"):
            await pool.submit("boom", {"message": "bad"}, tag="a")
        assert (await pool.submit("sleep", {"seconds": 0}, tag="a"))["slept"] == 0
    finally:
        await pool.close()


async def test_kill_by_tag_stops_only_that_tag() -> None:
    pool = await _pool()
    try:
        victim = asyncio.create_task(pool.submit("sleep", {"seconds": 30}, tag="job-1"))
        other = asyncio.create_task(pool.submit("sleep", {"seconds": 0.5}, tag="job-2"))
        await asyncio.sleep(0.3)
        started = time.monotonic()
        assert pool.kill("job-1") == 1
        with pytest.raises(TaskKilled):
            await victim
        assert time.monotonic() - started < 2
        assert (await other)["slept"] == 0.5
        assert (await pool.submit("sleep", {"seconds": 0}, tag="job-3"))["slept"] == 0  # respawned slot works
    finally:
        await pool.close()


async def test_hard_deadline_kills_an_overrunning_task() -> None:
    pool = await _pool(1)
    try:
        started = time.monotonic()
        with pytest.raises(TaskKilled, match="hard time limit"):
            await pool.submit("sleep", {"seconds": 30}, tag="a", hard_deadline=time.time() + 0.5)
        assert time.monotonic() - started < 2
    finally:
        await pool.close()


async def test_a_process_that_dies_is_replaced() -> None:
    pool = await _pool(1)
    try:
        with pytest.raises(TaskKilled, match=r"exited|died"):
            await pool.submit("die", {}, tag="a")
        assert (await pool.submit("sleep", {"seconds": 0}, tag="a"))["slept"] == 0
    finally:
        await pool.close()


async def test_unknown_task_is_refused() -> None:
    pool = await _pool(1)
    try:
        with pytest.raises(ValueError, match="unknown task"):
            await pool.submit("nope", {}, tag="a")
    finally:
        await pool.close()
