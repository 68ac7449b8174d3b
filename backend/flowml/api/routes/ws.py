"""WebSocket endpoints: every event on /ws, one job's on /ws/jobs/{id}; `?since=` replays what was missed."""

from __future__ import annotations

import asyncio
import contextlib

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from flowml.events.hub import WebSocketHub
from flowml.events.schemas import Event, EventType

router = APIRouter(tags=["events"])
HEARTBEAT_SECONDS = 15.0


async def _serve(websocket: WebSocket, job_id: str | None) -> None:
    hub: WebSocketHub = websocket.app.state.hub
    since_raw = websocket.query_params.get("since")
    since = int(since_raw) if since_raw is not None and since_raw.lstrip("-").isdigit() else None
    await websocket.accept()
    client = await hub.connect(job_id, since)
    receiver = asyncio.create_task(_drain(websocket))
    getter: asyncio.Future[Event | None] | None = None
    try:
        while not receiver.done():
            # Wait on the socket too: waiting on the queue alone noticed a closed socket only at the next event or
            # heartbeat, up to 15 s later, and held up the server's graceful shutdown as long.
            getter = asyncio.ensure_future(client.get())
            done, _ = await asyncio.wait(
                {getter, receiver}, timeout=HEARTBEAT_SECONDS, return_when=asyncio.FIRST_COMPLETED
            )
            if getter not in done:
                getter.cancel()
                if not receiver.done():
                    await websocket.send_json({"type": EventType.HEARTBEAT.value})
                continue
            event = getter.result()
            if event is None:  # the client fell too far behind: it reconnects with ?since= and loses nothing
                await websocket.close(code=1013, reason="too slow; reconnect with ?since=")
                return
            await websocket.send_text(event.wire_json())
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        hub.disconnect(client)
        if getter is not None:
            getter.cancel()  # safe: get() takes an event off the queue only once it has one
        receiver.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await receiver


async def _drain(websocket: WebSocket) -> None:
    """Read (and ignore) what the client sends, so a closed socket is noticed promptly."""
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        while True:
            await websocket.receive_text()


@router.websocket("/ws")
async def all_events(websocket: WebSocket) -> None:
    await _serve(websocket, None)


@router.websocket("/ws/jobs/{job_id}")
async def job_events(websocket: WebSocket, job_id: str) -> None:
    await _serve(websocket, job_id)
