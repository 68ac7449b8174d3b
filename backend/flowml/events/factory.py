"""Which bus a process uses: Redis when REDIS_URL is set (several processes share events), else in-process."""

from __future__ import annotations

from flowml.cluster.signing import WorkerEventVerifier
from flowml.core.settings import Settings
from flowml.events.bus import EventBus, InProcessBus
from flowml.events.redis_bus import RedisBus


def create_bus(settings: Settings, signing_key: str) -> EventBus:
    """`signing_key` checks what remote workers publish (cluster/signing.py); only the Redis bus carries that."""
    if settings.REDIS_URL:
        return RedisBus(settings.REDIS_URL, worker_events=WorkerEventVerifier(signing_key))
    return InProcessBus()


async def close_bus(bus: EventBus) -> None:
    """Release the bus's connections; an in-process bus holds none."""
    if isinstance(bus, RedisBus):
        await bus.close()
