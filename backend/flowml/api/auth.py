"""Who is calling: FastAPI dependencies that turn a bearer credential into a `User`, and the role checks.

Routers that serve people declare `dependencies=[Depends(current_user)]`, so an endpoint cannot be added to them
without authentication; routes that need the user or an admin take `CurrentUser` / `AdminUser` as well (FastAPI
resolves a dependency once per request, so that costs nothing more). Workers authenticate with join tokens instead
(routes/workers.py, routes/worker_data.py).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, WebSocket
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from flowml.core.errors import FlowMLError, ForbiddenError
from flowml.db.tables import User
from flowml.services import users
from flowml.services.context import AppContext

# Browsers cannot set headers on a WebSocket; they offer ["flowml.bearer", <access token>] as subprotocols instead.
WS_SUBPROTOCOL = "flowml.bearer"
# Close codes in the 4000-4999 range are the application's own; 4401 and 4403 mirror the HTTP statuses.
WS_UNAUTHORIZED = 4401
WS_FORBIDDEN = 4403

_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="FlowMLAuth",
    description="An access token from POST /api/auth/login, or an API key (fml_...) made in the dashboard",
)


async def current_user(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> User:
    ctx: AppContext = request.app.state.ctx  # not deps.CtxDep: deps builds on this module
    user = await users.authenticate(ctx, credentials.credentials if credentials else None)
    request.state.user = user  # for logs and rate limits keyed by user
    return user


CurrentUser = Annotated[User, Depends(current_user)]


async def request_user(request: Request) -> User:
    """`current_user` for code that runs before routing (api/request_bodies.py checks an upload's caller before
    reading its body): the same header parsing and the same checks."""
    return await current_user(request, await _bearer(request))


async def require_admin(user: CurrentUser) -> User:
    if not users.is_admin(user):
        raise ForbiddenError("Only an admin can do this.")
    return user


AdminUser = Annotated[User, Depends(require_admin)]


def websocket_credential(websocket: WebSocket) -> tuple[str | None, str | None]:
    """(credential, subprotocol to accept with) from the Authorization header or the bearer subprotocol pair."""
    offered = websocket.scope.get("subprotocols") or []
    if WS_SUBPROTOCOL in offered:
        index = offered.index(WS_SUBPROTOCOL)
        token = offered[index + 1] if index + 1 < len(offered) else None
        return token, WS_SUBPROTOCOL
    scheme, _, secret = (websocket.headers.get("authorization") or "").partition(" ")
    return (secret.strip() or None) if scheme.lower() == "bearer" else None, None


async def websocket_user(ctx: AppContext, credential: str | None) -> tuple[User | None, str]:
    """The user a WebSocket's credential (from `websocket_credential`) belongs to, and the reason when there is none:
    the check `current_user` makes, at connect and again at every heartbeat (routes/ws.py)."""
    try:
        return await users.authenticate(ctx, credential), ""
    except FlowMLError as exc:
        return None, exc.message
