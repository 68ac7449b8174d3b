"""Run the engine's async training from the synchronous scikit-learn API, in scripts and in notebooks alike."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run(coroutine)`; where an event loop already runs in this thread (Jupyter's), in a thread of its own
    instead, since a running loop cannot be re-entered."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="flowml-automl") as pool:
        return pool.submit(asyncio.run, coroutine).result()
