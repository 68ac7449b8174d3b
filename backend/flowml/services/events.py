"""Record an event in SQL (the durable log) and then publish it on the bus (the fast path)."""

from __future__ import annotations

from sqlmodel import col, select

from flowml.db.engine import SessionFactory
from flowml.db.tables import JobEvent
from flowml.events.bus import EventBus
from flowml.events.schemas import Event, EventData, EventType, checked_payload

# A reconnecting client gets at most this many events; a 4-hour job at one tick per 5 s emits about 3,000.
REPLAY_LIMIT = 20_000


class EventRecorder:
    def __init__(self, sessions: SessionFactory, bus: EventBus) -> None:
        self._sessions = sessions
        self._bus = bus

    async def emit(self, type_: EventType, job_id: str | None, data: EventData) -> Event:
        """Record and publish an event; `data` must be `type_`'s payload model (events/schemas.py PAYLOADS)."""
        wire = checked_payload(type_, data)
        async with self._sessions() as session:
            row = JobEvent(job_id=job_id, type=type_.value, data=wire)
            session.add(row)
            await session.commit()
            await session.refresh(row)
        event = _to_event(row)
        await self._bus.publish(event)
        return event

    async def replay(self, since: int, job_id: str | None) -> list[Event]:
        async with self._sessions() as session:
            query = select(JobEvent).where(col(JobEvent.id) > since)
            if job_id is not None:
                query = query.where(JobEvent.job_id == job_id)
            rows = (await session.exec(query.order_by(col(JobEvent.id)).limit(REPLAY_LIMIT))).all()
        return [_to_event(row) for row in rows]


def _to_event(row: JobEvent) -> Event:
    assert row.id is not None
    return Event(id=row.id, type=EventType(row.type), job_id=row.job_id, timestamp=row.created_at, data=row.data)
