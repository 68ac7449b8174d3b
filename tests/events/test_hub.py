"""The WebSocket hub: fan-out, per-job filtering, back-pressure that never drops a state change, replay."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

from flowml.events.bus import InProcessBus
from flowml.events.hub import ClientQueue, WebSocketHub
from flowml.events.schemas import Event, EventType
from tests.events.conftest import progress_data


def event(id_: int, type_: EventType = EventType.TRAINING_PROGRESS, job_id: str = "a") -> Event:
    return Event(id=id_, type=type_, job_id=job_id, timestamp=datetime.now(UTC), data={"n": id_})


async def drain(client: ClientQueue, count: int) -> list[Event]:
    out: list[Event] = []
    for _ in range(count):
        item = await asyncio.wait_for(client.get(), timeout=1)
        assert item is not None
        out.append(item)
    return out


async def test_full_queue_coalesces_progress_but_keeps_state_changes() -> None:
    client = ClientQueue(job_id=None, maxsize=3)
    client.push(event(1))
    client.push(event(2, EventType.TRAINING_STARTED))
    client.push(event(3))
    client.push(event(4, EventType.TRAINING_COMPLETED))  # full: the oldest progress event makes room
    client.push(event(5))  # full of state changes and newer progress: progress can go
    ids = [e.id for e in await drain(client, 3)]
    assert ids == [2, 4, 5] or ids == [2, 3, 4]
    assert 2 in ids and 4 in ids


async def test_progress_carrying_a_trial_is_never_coalesced() -> None:
    client = ClientQueue(job_id=None, maxsize=2)
    with_trial = Event(
        id=1,
        type=EventType.TRAINING_PROGRESS,
        job_id="a",
        timestamp=datetime.now(UTC),
        data={"trial": {"trial_number": 0}},
    )
    client.push(with_trial)
    client.push(event(2))
    client.push(event(3))  # full: the plain progress event 2 goes, the trial stays
    assert [e.id for e in await drain(client, 2)] == [1, 3]


async def test_overflow_of_state_changes_disconnects_instead_of_dropping() -> None:
    client = ClientQueue(job_id=None, maxsize=2)
    for i in range(1, 4):
        client.push(event(i, EventType.TRAINING_STARTED))
    assert [e.id for e in await drain(client, 2)] == [1, 2]
    assert await client.get() is None  # the socket closes; the browser reconnects with ?since=2


async def test_duplicates_and_other_jobs_are_skipped() -> None:
    client = ClientQueue(job_id="a")
    assert not client.wants(event(1, job_id="b"))
    client.push(event(1))
    assert [e.id for e in await drain(client, 1)] == [1]
    client.push(event(1))  # already delivered
    client.push(event(2))
    assert [e.id for e in await drain(client, 1)] == [2]


async def test_hub_replays_then_streams_live_in_order() -> None:
    bus = InProcessBus()
    history = [event(1, EventType.TRAINING_STARTED), event(2), event(3, job_id="b")]

    async def replay(since: int, job_id: str | None) -> list[Event]:
        return [e for e in history if e.id > since and (job_id is None or e.job_id == job_id)]

    hub = WebSocketHub(bus, replay)
    await hub.start()
    try:
        await asyncio.sleep(0)  # let the hub subscribe
        client = await hub.connect("a", since=0)
        await bus.publish(event(2))  # arrives live as well as in the replay: delivered once
        await bus.publish(event(4, EventType.TRAINING_COMPLETED))
        await bus.publish(event(5, job_id="b"))
        got = await drain(client, 3)
        assert [e.id for e in got] == [1, 2, 4]
        assert hub.client_count == 1
        hub.disconnect(client)
        assert hub.client_count == 0
    finally:
        await hub.stop()


async def test_non_durable_events_are_never_deduped_and_follow_a_replay() -> None:
    client = ClientQueue(job_id="a")
    tick = Event.transient(EventType.TRAINING_PROGRESS, "a", progress_data())
    client.push(tick)
    client.push(event(3))
    client.push(tick)  # no SQL id, no identity: delivered again
    client.prime([event(1), event(3)])
    assert [e.id for e in await drain(client, 4)] == [1, 3, 0, 0]
    assert client.last_id == 3  # a resume with ?since= starts after the last durable id


def test_non_durable_events_go_out_without_an_id() -> None:
    tick = Event.transient(EventType.TRAINING_PROGRESS, "a", progress_data())
    assert "id" not in json.loads(tick.wire_json())
    assert json.loads(event(4).wire_json())["id"] == 4
