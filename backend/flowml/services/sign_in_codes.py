"""The last step of an outside (OIDC) sign-in: a one-time code the dashboard trades for tokens.

Tokens in the redirect's URL would let anyone who can send a victim a link sign the victim's browser in to the
sender's account (login CSRF): the page cannot tell tokens it asked for from planted ones. So the provider's
redirect ends on /login#code=..., and the code is worth something only
- once: redeeming deletes its row, in a conditional DELETE, so two racing trades cannot both win;
- for CODE_LIFETIME (a browser trades it within a second);
- from the browser that started the sign-in: the callback puts a random binding in that browser's sign-in cookie
  and stores its hash with the code; a code planted in, or copied to, another browser comes without it.
Rows live in SQL so that the redirect and the trade may reach different API processes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import col, delete

from flowml.core.errors import AuthenticationError, NotFoundError
from flowml.db.tables import SignInCode, User
from flowml.db.types import utcnow
from flowml.services.context import AppContext

CODE_LIFETIME = timedelta(seconds=60)
OIDC_OFF = "Sign-in with an outside account is off on this server: OIDC_PROVIDERS lists no provider."
UNKNOWN = "This sign-in code is unknown or was used already; sign in again."
OTHER_BROWSER = (
    "This sign-in code was not issued to this browser (its sign-in cookie is missing or belongs to another "
    "sign-in); start the sign-in again from this browser."
)
EXPIRED = f"This sign-in code has expired (codes last {int(CODE_LIFETIME.total_seconds())} seconds); sign in again."


@dataclass(frozen=True)
class IssuedCode:
    code: str  # for the redirect to /login
    binding: str  # for the browser's sign-in cookie


@dataclass(frozen=True)
class Redeemed:
    user: User
    next_path: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


async def issue(ctx: AppContext, user_id: str, next_path: str) -> IssuedCode:
    """A code for `user_id`, bound to a new browser binding; expired codes are swept here."""
    issued = IssuedCode(code=secrets.token_urlsafe(32), binding=secrets.token_urlsafe(32))
    now = utcnow()
    async with ctx.sessions() as session:
        await session.exec(delete(SignInCode).where(col(SignInCode.expires_at) < now))
        session.add(
            SignInCode(
                code_hash=_digest(issued.code),
                binding_hash=_digest(issued.binding),
                user_id=user_id,
                next_path=next_path,
                expires_at=now + CODE_LIFETIME,
            )
        )
        await session.commit()
    return issued


async def redeem(ctx: AppContext, code: str, binding: str | None) -> Redeemed:
    """The user a code was issued to, once, to the browser holding its binding; 401 saying why otherwise."""
    if not ctx.settings.OIDC_PROVIDERS:
        raise NotFoundError(OIDC_OFF)
    code_hash = _digest(code)
    async with ctx.sessions() as session:
        row = await session.get(SignInCode, code_hash)
        if row is None:
            raise AuthenticationError(UNKNOWN)
        # A wrong browser does not use the code up: someone who saw a user's code cannot burn it that way.
        if binding is None or not hmac.compare_digest(row.binding_hash, _digest(binding)):
            raise AuthenticationError(OTHER_BROWSER)
        user_id, next_path, expires_at = row.user_id, row.next_path, row.expires_at
        claimed = await session.exec(delete(SignInCode).where(col(SignInCode.code_hash) == code_hash))
        await session.commit()
        if claimed.rowcount != 1:
            raise AuthenticationError(UNKNOWN)  # another request traded it a moment ago
        if expires_at <= utcnow():
            raise AuthenticationError(EXPIRED)
        user = await session.get(User, user_id)
    if user is None or not user.is_active:
        raise AuthenticationError("This account is deactivated; ask an admin.")
    return Redeemed(user=user, next_path=next_path)
