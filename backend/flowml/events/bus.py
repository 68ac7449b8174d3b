"""The event bus interface and its in-process implementation.

The Redis bus (events/redis_bus.py) implements the same two methods: `publish` and `subscribe`. Delivery only: the
durable copy of every event is the job_events table, which serves replay.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Protocol

from flowml.events.schemas import Event

# Called after a subscription lost its connection and subscribed again: whatever was published in between never
# reached it, so the subscriber catches up from SQL.
# Catch up after a gap in live delivery: from the event after this id when given (the first event the bus knows it
# dropped, minus one), else from the last event the subscriber received.
ReconnectFn = Callable[[int | None], Awaitable[None]]


class Subscription(Protocol):
    def __aiter__(self) -> AsyncIterator[Event]: ...

    def close(self) -> None: ...


class EventBus(Protocol):
    """`publish` never raises for a delivery failure (the SQL copy is the durable one). A subscription's iteration
    never ends and never raises while it is open; after a lost connection it calls `on_reconnect`."""

    async def publish(self, event: Event) -> None: ...

    def subscribe(self, on_reconnect: ReconnectFn | None = None) -> Subscription: ...


class _QueueSubscription:
    def __init__(self, bus: InProcessBus) -> None:
        self._bus = bus
        self.queue: asyncio.Queue[Event] = asyncio.Queue()

    async def __aiter__(self) -> AsyncIterator[Event]:
        while True:
            yield await self.queue.get()

    def close(self) -> None:
        self._bus._subscribers.discard(self)


class InProcessBus:
    """Fan-out to every subscriber of this process. Subscribers are few (one hub per process), so queues are
    unbounded here; the hub bounds each WebSocket client."""

    def __init__(self) -> None:
        self._subscribers: set[_QueueSubscription] = set()

    async def publish(self, event: Event) -> None:
        for subscriber in list(self._subscribers):
            subscriber.queue.put_nowait(event)

    def subscribe(self, on_reconnect: ReconnectFn | None = None) -> _QueueSubscription:
        """`on_reconnect` is never called: within one process there is no connection to lose."""
        subscription = _QueueSubscription(self)
        self._subscribers.add(subscription)
        return subscription
