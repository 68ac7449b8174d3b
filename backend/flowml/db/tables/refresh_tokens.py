"""Refresh tokens as issued, one row each, so that each is used once.

Every sign-in starts a family; each refresh marks its token used and adds the successor to the same family. A used
token presented again means two holders (one of them a thief who copied it), so the whole family is deleted and
both must sign in again; other sign-ins (other devices) of the same user are other families and keep working.
Rows of expired tokens are deleted as new ones are issued (services/refresh_tokens.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from flowml.db.types import time_column, utcnow


class RefreshToken(SQLModel, table=True):
    __tablename__ = "refresh_tokens"

    # The token's `jti` claim: the token itself is never stored (it is a signed JWT, worthless without this row).
    id: str = Field(primary_key=True, max_length=32)
    # The id of the sign-in every token of a chain of refreshes descends from.
    family_id: str = Field(max_length=32, index=True)
    user_id: str = Field(foreign_key="users.id", index=True, max_length=32, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow, sa_column=time_column(nullable=False))
    expires_at: datetime = Field(sa_column=time_column(nullable=False, index=True))
    # Set once, when the token is traded for its successor.
    used_at: datetime | None = Field(default=None, sa_column=time_column())
