"""Refresh-token rotation: each refresh token is traded once; a used one presented again revokes its family.

A family is one sign-in and every token refreshed from it (db/tables/refresh_tokens.py). Only the signed JWT proves
who the user is; a row here says the token is still unused, and without one it is refused (revoked, or from before
rotation). Rows of expired tokens go whenever a sign-in starts a family, so the table stays as small as the set of
live sessions without a job to clean it.
"""

from __future__ import annotations

from loguru import logger
from sqlmodel import col, delete, update

from flowml.auth.tokens import IssuedToken
from flowml.core.errors import AuthenticationError
from flowml.db.tables import RefreshToken
from flowml.db.types import new_id, utcnow
from flowml.services.context import AppContext

REVOKED = "This sign-in has ended (signed out, or its refresh token was revoked); sign in again."
REUSED = (
    "This refresh token was already used, so it may have been copied: this sign-in has ended on every device that "
    "shared it. Sign in again."
)


async def start_family(ctx: AppContext, user_id: str, first: IssuedToken) -> None:
    """A new sign-in: its first refresh token opens a family of its own."""
    now = utcnow()
    async with ctx.sessions() as session:
        await session.exec(delete(RefreshToken).where(col(RefreshToken.expires_at) < now))
        session.add(_row(first, family_id=new_id(), user_id=user_id))
        await session.commit()


async def rotate(ctx: AppContext, used: str, successor: IssuedToken, user_id: str) -> None:
    """Mark refresh token `used` used and record its successor in the same family, in one transaction; refuse (401) a
    token that has no row, and revoke the family of one that was used before."""
    async with ctx.sessions() as session:
        row = await session.get(RefreshToken, used)
        if row is None or row.user_id != user_id:
            raise AuthenticationError(REVOKED)
        # Conditional, so two refreshes racing with one token cannot both win: the loser sees a used token.
        claimed = await session.exec(
            update(RefreshToken)
            .where(col(RefreshToken.id) == used, col(RefreshToken.used_at).is_(None))
            .values(used_at=utcnow())
        )
        if claimed.rowcount != 1:
            await session.exec(delete(RefreshToken).where(col(RefreshToken.family_id) == row.family_id))
            await session.commit()
            logger.warning("a used refresh token of user {} came back: its sign-in (family) is revoked", user_id)
            raise AuthenticationError(REUSED)
        session.add(_row(successor, family_id=row.family_id, user_id=user_id))
        await session.commit()


def _row(token: IssuedToken, *, family_id: str, user_id: str) -> RefreshToken:
    return RefreshToken(id=token.token_id, family_id=family_id, user_id=user_id, expires_at=token.expires_at)
