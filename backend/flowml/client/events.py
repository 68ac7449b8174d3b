"""A job's events from the server's WebSocket (/ws/jobs/{id}), as typed `Event`s, until the job ends.

The server replays what a client missed from `?since=<last id>` (routes/ws.py), so a dropped connection (a proxy's
idle timeout, a server restart, "too slow" under back-pressure) is resumed where it stopped and no event is seen
twice or lost. Heartbeats are the server's keep-alive, not events, and are not yielded.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from flowml.client.errors import (
    PermissionDeniedError,
    ServerError,
    ServerUnreachableError,
    UnauthorizedError,
    UnknownIdError,
)
from flowml.events.schemas import NOT_DURABLE_ID, Event, EventType

# The events after which a job's stream has nothing more to say.
FINAL_EVENTS = frozenset({EventType.TRAINING_COMPLETED, EventType.TRAINING_FAILED, EventType.TRAINING_CANCELLED})
# The server's close codes that reconnecting cannot cure (routes/ws.py, api/auth.py).
_REFUSALS: dict[int, type[ServerError]] = {4401: UnauthorizedError, 4403: PermissionDeniedError, 4404: UnknownIdError}
RECONNECT_TRIES = 5
RECONNECT_PAUSE_S = 1.0


def websocket_url(server: str, job_id: str, since: int) -> str:
    scheme, rest = server.split("://", 1)
    return f"{'wss' if scheme == 'https' else 'ws'}://{rest}/ws/jobs/{quote(job_id, safe='')}?since={since}"


def job_events(server: str, credential: str, job_id: str, since: int = 0) -> Iterator[Event]:
    """Every event of the job after `since` (0: from its start), ending after its final event."""
    # Imported here: only streaming needs it (uvicorn[standard], a dependency of the server, brings it).
    from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
    from websockets.sync.client import connect

    failures = 0
    while True:
        try:
            with connect(
                websocket_url(server, job_id, since),
                additional_headers={"Authorization": f"Bearer {credential}"},
                proxy=None,
            ) as socket:
                failures = 0
                for raw in socket:
                    event = parse_event(raw)
                    if event is None:
                        continue
                    if event.durable:
                        since = event.id
                    yield event
                    if event.type in FINAL_EVENTS:
                        return
                code = socket.close_code
        except ConnectionClosed as exc:
            code = exc.rcvd.code if exc.rcvd is not None else None
        except (OSError, InvalidHandshake, InvalidURI, TimeoutError) as exc:
            failures += 1
            if failures >= RECONNECT_TRIES:
                raise ServerUnreachableError(f"cannot follow job {job_id}'s events at {server}: {exc}") from None
            time.sleep(RECONNECT_PAUSE_S)
            continue
        refusal = _REFUSALS.get(code or 0)
        if refusal is not None:
            raise refusal(_refusal_message(code or 0, job_id), status=_http_status(code or 0))
        # Closed for another reason (too slow, server restart): resume from the last durable event.


def parse_event(raw: str | bytes) -> Event | None:
    """One WebSocket message as an Event; None for a heartbeat. A non-durable event comes without an id."""
    message: dict[str, Any] = json.loads(raw)
    if message.get("type") == EventType.HEARTBEAT.value:
        return None
    message.setdefault("id", NOT_DURABLE_ID)
    message.pop("progress", None)  # the seed's top-level copy of data.progress
    return Event.model_validate(message)


def _http_status(code: int) -> int:
    return code - 4000


def _refusal_message(code: int, job_id: str) -> str:
    if code == 4401:
        return "the API key was rejected while following the job's events (check FLOWML_API_KEY)"
    if code == 4403:
        return f"you may no longer follow job {job_id}"
    return f"job {job_id} not found"
