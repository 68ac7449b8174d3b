"""One hub per API process: one bus subscription fanned out to WebSocket clients.

Each client has a bounded queue. When a slow client's queue is full, queued progress events are coalesced
(dropped in favour of newer ones); state changes are never dropped. A client that cannot keep up even with state
changes is disconnected and reconnects with `?since=`, which replays from SQL, so it still misses nothing.

Events may come from other processes (the Redis bus): durable ones carry their SQL id, so the same dedupe applies;
non-durable ones (id 0, see Event) are delivered as they come and never deduped or replayed. When the bus loses its
connection, the hub replays from SQL what was published meanwhile, so connected clients miss nothing either.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Awaitable, Callable

from loguru import logger

from flowml.events.bus import EventBus
from flowml.events.schemas import COALESCIBLE, Event

ReplayFn = Callable[[int, str | None], Awaitable[list[Event]]]
CLIENT_QUEUE_SIZE = 256
SEEN_WINDOW = 20_000


def _coalescible(event: Event) -> bool:
    """Time-only progress may be dropped for a newer one; progress that carries a finished trial may not."""
    return event.type in COALESCIBLE and "trial" not in event.data


class ClientQueue:
    def __init__(self, job_id: str | None, maxsize: int = CLIENT_QUEUE_SIZE) -> None:
        self.job_id = job_id
        self.maxsize = maxsize
        self._items: deque[Event] = deque()
        self._ready = asyncio.Event()
        self.overflowed = False
        self.last_id = 0
        # Ids queued or sent: replay and live delivery overlap, and concurrent emitters may publish out of order,
        # so "id <= last seen" would drop events; an exact set does not. Pruned to stay small.
        self._seen: set[int] = set()

    def wants(self, event: Event) -> bool:
        return self.job_id is None or event.job_id == self.job_id

    def push(self, event: Event) -> None:
        if event.durable and event.id in self._seen:
            return
        if len(self._items) >= self.maxsize:
            coalescible = [e for e in self._items if _coalescible(e)]
            if coalescible:
                self._items.remove(coalescible[0])
            elif _coalescible(event):
                return
            else:
                self.overflowed = True
                self._ready.set()
                return
        if event.durable:
            self._remember(event.id)
        self._items.append(event)
        self._ready.set()

    def _remember(self, event_id: int) -> None:
        self._seen.add(event_id)
        if len(self._seen) > SEEN_WINDOW:
            self._seen = {i for i in self._seen if i > self.last_id - SEEN_WINDOW // 2}

    def prime(self, missed: list[Event]) -> None:
        """Put replayed events first, merged in id order with live events queued meanwhile (no duplicates).
        Non-durable live events have no id to sort by; they are progress only, so they simply follow."""
        merged = {e.id: e for e in [*missed, *self._items] if self.wants(e) and e.durable}
        transient = [e for e in self._items if not e.durable]
        self._items = deque([*sorted(merged.values(), key=lambda e: e.id), *transient])
        for event_id in merged:
            self._remember(event_id)
        if self._items:
            self._ready.set()

    async def get(self) -> Event | None:
        """Next event, or None when the client overflowed and must be disconnected."""
        while not self._items:
            if self.overflowed:
                return None
            self._ready.clear()
            await self._ready.wait()
        event = self._items.popleft()
        self.last_id = max(self.last_id, event.id)
        return event


class WebSocketHub:
    def __init__(self, bus: EventBus, replay: ReplayFn) -> None:
        self._bus = bus
        self._replay = replay
        self._clients: set[ClientQueue] = set()
        self._task: asyncio.Task[None] | None = None
        # The highest durable id this hub has delivered: where a catch-up after a bus outage starts.
        self._last_id = 0

    @property
    def client_count(self) -> int:
        return len(self._clients)

    async def start(self) -> None:
        self._task = asyncio.create_task(self._pump(), name="websocket-hub")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _pump(self) -> None:
        subscription = self._bus.subscribe(on_reconnect=self._catch_up)
        try:
            async for event in subscription:
                self._fan_out(event)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("websocket hub stopped unexpectedly")
        finally:
            subscription.close()

    def _fan_out(self, event: Event) -> None:
        if event.durable:
            self._last_id = max(self._last_id, event.id)
        for client in list(self._clients):
            if client.wants(event):
                client.push(event)

    async def _catch_up(self, since: int | None = None) -> None:
        """After a gap in live delivery (the subscription was down, or the bus could not publish): deliver from SQL
        what was missed, from `since` when the bus knows where the gap began, else from the last event delivered.
        Clients dedupe by id, so an overlap with live delivery is harmless. Before the first event there is no
        position to resume from, and the clients connected so far asked for live events only."""
        start = self._last_id if since is None else min(since, self._last_id)
        if start <= 0:
            return
        missed = await self._replay(start, None)
        logger.info("websocket hub caught up {} events missed during a bus outage", len(missed))
        for event in missed:
            self._fan_out(event)

    async def connect(self, job_id: str | None, since: int | None) -> ClientQueue:
        """Register a client; live events are queued from now on, then the replay fills what came before."""
        client = ClientQueue(job_id)
        self._clients.add(client)
        if since is not None:
            client.prime(await self._replay(since, job_id))
        return client

    def disconnect(self, client: ClientQueue) -> None:
        self._clients.discard(client)
