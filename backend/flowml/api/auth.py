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

from flowml.core.errors import FlowMLError
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


class ForbiddenError(FlowMLError):
    """Signed in, but the role does not allow it."""

    status_code = 403


async def current_user(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> User:
    ctx: AppContext = request.app.state.ctx  # not deps.CtxDep: deps builds on this module
    user = await users.authenticate(ctx, credentials.credentials if credentials else None)
    request.state.user = user  # for logs and rate limits keyed by user
    return user


CurrentUser = Annotated[User, Depends(current_user)]


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


async def websocket_user(ctx: AppContext, websocket: WebSocket) -> tuple[User | None, str | None, str]:
    """The user, the subprotocol to accept with, and the reason when there is no user."""
    credential, subprotocol = websocket_credential(websocket)
    try:
        return await users.authenticate(ctx, credential), subprotocol, ""
    except FlowMLError as exc:
        return None, subprotocol, exc.message
