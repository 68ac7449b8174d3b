"""WebSocket endpoints: every event on /ws, one job's on /ws/jobs/{id}; `?since=` replays what was missed.

A socket is authorised when it connects and again at every heartbeat (WS_HEARTBEAT_SECONDS), with the check every
HTTP request gets: it closes with 4401 once its credential stops working (signed out, new password, key revoked,
account deactivated, access token expired: the dashboard then reconnects with a fresh token and `?since=`), and with
4403 once the user may no longer follow these events (an admin demoted, a job given to another owner).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from flowml.api.auth import WS_FORBIDDEN, WS_UNAUTHORIZED, websocket_credential, websocket_user
from flowml.core.errors import NotFoundError
from flowml.events.hub import ClientQueue, WebSocketHub
from flowml.events.schemas import Event, EventType
from flowml.services import access, users
from flowml.services.context import AppContext
from flowml.services.inputs import is_id
from flowml.services.jobs import service as jobs

router = APIRouter(tags=["events"])
WS_NOT_FOUND = 4404
MAX_REASON = 120  # a close frame's reason must fit in 123 bytes


@dataclass(frozen=True)
class CloseReason:
    code: int
    reason: str


async def _close_reason(
    ctx: AppContext, credential: str | None, job_id: str | None, *, admitted: bool
) -> CloseReason | None:
    """Why this credential may not follow these events, or None. `admitted`: the socket was allowed before, so a
    job it may no longer see is a 4403 (at connect it is "not found", as for any id a member may not see)."""
    user, why = await websocket_user(ctx, credential)
    if user is None:
        return CloseReason(WS_UNAUTHORIZED, why)
    if job_id is None:
        # Every job's events: other members' jobs included.
        if users.is_admin(user):
            return None
        return CloseReason(WS_FORBIDDEN, "only an admin can follow every job; use /ws/jobs/{id}")
    try:
        job = await jobs.get_job(ctx, job_id) if is_id(job_id) else None
    except NotFoundError:
        job = None
    if job is not None and access.can_see(user, job.owner_id, job.project_id, await access.roles_of(ctx, user)):
        return None
    if job is not None and admitted:
        return CloseReason(WS_FORBIDDEN, f"you may no longer follow job {job_id}")
    return CloseReason(WS_NOT_FOUND, f"job {job_id} not found")


async def _serve(websocket: WebSocket, job_id: str | None) -> None:
    ctx: AppContext = websocket.app.state.ctx
    hub: WebSocketHub = websocket.app.state.hub
    since_raw = websocket.query_params.get("since")
    since = int(since_raw) if since_raw is not None and since_raw.lstrip("-").isdigit() else None
    credential, subprotocol = websocket_credential(websocket)
    refusal = await _close_reason(ctx, credential, job_id, admitted=False)
    # Accepted before closing so a browser sees the close code and reason (a refused handshake shows only 1006).
    await websocket.accept(subprotocol=subprotocol)
    if refusal is not None:
        await websocket.close(code=refusal.code, reason=refusal.reason[:MAX_REASON])
        return
    client = await hub.connect(job_id, since)
    try:
        refusal = await _stream(websocket, client, lambda: _close_reason(ctx, credential, job_id, admitted=True))
        if refusal is not None:
            await websocket.close(code=refusal.code, reason=refusal.reason[:MAX_REASON])
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        hub.disconnect(client)


async def _stream(
    websocket: WebSocket, client: ClientQueue, recheck: Callable[[], Awaitable[CloseReason | None]]
) -> CloseReason | None:
    """Send the client's events until the socket closes; at every heartbeat, `recheck` the caller's rights first and
    return the refusal once they are gone (the caller closes the socket with it)."""
    interval = websocket.app.state.ctx.settings.WS_HEARTBEAT_SECONDS
    loop = asyncio.get_running_loop()
    next_beat = loop.time() + interval
    receiver = asyncio.create_task(_drain(websocket))
    getter: asyncio.Future[Event | None] | None = None
    try:
        while not receiver.done():
            # Wait on the socket too: waiting on the queue alone noticed a closed socket only at the next event or
            # heartbeat, and held up the server's graceful shutdown as long.
            getter = asyncio.ensure_future(client.get())
            timeout = max(0.0, next_beat - loop.time())
            done, _ = await asyncio.wait({getter, receiver}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
            if getter in done:
                event = getter.result()
                if event is None:  # the client fell too far behind: it reconnects with ?since= and loses nothing
                    return CloseReason(1013, "too slow; reconnect with ?since=")
                await websocket.send_text(event.wire_json())
            else:
                getter.cancel()  # safe: get() takes an event off the queue only once it has one
            # On a timer, not only when idle: a busy job's socket is checked as often as a quiet one.
            if loop.time() >= next_beat and not receiver.done():
                refusal = await recheck()
                if refusal is not None:
                    return refusal
                await websocket.send_json({"type": EventType.HEARTBEAT.value})
                next_beat = loop.time() + interval
        return None
    finally:
        if getter is not None:
            getter.cancel()
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
