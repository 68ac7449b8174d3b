"""Join tokens: the secret a remote worker presents to the master. Only its SHA-256 is stored."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from flowml.db.types import new_id, time_column, utcnow


class JoinTokenBase(SQLModel):
    name: str = Field(max_length=255)


class JoinToken(JoinTokenBase, table=True):
    __tablename__ = "join_tokens"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    # Hex SHA-256 of the secret: a leaked database row does not let anyone join, and lookup by hash is an index hit.
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=time_column(nullable=False))
    revoked_at: datetime | None = Field(default=None, sa_column=time_column())
    last_used_at: datetime | None = Field(default=None, sa_column=time_column())


class JoinTokenPublic(JoinTokenBase):
    """What listing shows: never the secret nor its hash."""

    id: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None
