"""WebSocket endpoints: every event on /ws, one job's on /ws/jobs/{id}; `?since=` replays what was missed."""

from __future__ import annotations

import asyncio
import contextlib

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from flowml.api.auth import WS_FORBIDDEN, WS_UNAUTHORIZED, websocket_user
from flowml.core.errors import NotFoundError
from flowml.events.hub import WebSocketHub
from flowml.events.schemas import Event, EventType
from flowml.services import users
from flowml.services.context import AppContext
from flowml.services.inputs import is_id
from flowml.services.jobs import service as jobs

router = APIRouter(tags=["events"])
HEARTBEAT_SECONDS = 15.0
WS_NOT_FOUND = 4404


async def _admit(websocket: WebSocket, job_id: str | None) -> bool:
    """Accept the socket; close it at once (4401 / 4403 / 4404) unless the caller may follow these events.

    Accepted before closing so a browser sees the close code and reason (a refused handshake shows only 1006).
    """
    ctx: AppContext = websocket.app.state.ctx
    user, subprotocol, why = await websocket_user(ctx, websocket)
    await websocket.accept(subprotocol=subprotocol)
    if user is None:
        await websocket.close(code=WS_UNAUTHORIZED, reason=why[:120])
        return False
    if job_id is None and not users.is_admin(user):
        # Every job's events: other members' jobs included.
        await websocket.close(code=WS_FORBIDDEN, reason="only an admin can follow every job; use /ws/jobs/{id}")
        return False
    if job_id is not None:
        try:
            job = await jobs.get_job(ctx, job_id) if is_id(job_id) else None
        except NotFoundError:
            job = None
        if job is None or not users.can_see(user, job.owner_id):
            await websocket.close(code=WS_NOT_FOUND, reason=f"job {job_id} not found"[:120])
            return False
    return True


async def _serve(websocket: WebSocket, job_id: str | None) -> None:
    hub: WebSocketHub = websocket.app.state.hub
    since_raw = websocket.query_params.get("since")
    since = int(since_raw) if since_raw is not None and since_raw.lstrip("-").isdigit() else None
    if not await _admit(websocket, job_id):
        return
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
