"""People who use FlowML and the API keys they made. Only hashes of secrets are stored (argon2 for passwords,
SHA-256 for API keys, which are long random strings and need no slow hash)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from flowml.db.types import RESPONSE_CONFIG, new_id, time_column, utcnow

# admin: workers, join tokens, users, and everyone's data. member: their own datasets, jobs and models.
Role = Literal["admin", "member"]
ROLES: tuple[Role, ...] = ("admin", "member")
# Letters, digits and . _ @ - (an email address fits, for accounts made at an OIDC sign-in).
USERNAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@-]*$"
MAX_USERNAME_LENGTH = 64


class UserBase(SQLModel):
    username: str = Field(max_length=64)
    role: str = Field(default="member", max_length=16)
    is_active: bool = True


class User(UserBase, table=True):
    __tablename__ = "users"
    __table_args__ = (sa.UniqueConstraint("username", name="uq_users_username"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    # None for an account that signs in only through an OIDC provider.
    password_hash: str | None = Field(default=None, max_length=255)
    # "issuer|subject" of the OIDC identity linked to this account, if any.
    oidc_identity: str | None = Field(default=None, max_length=512, unique=True, index=True)
    # Part of every token this user holds: raising it (sign out everywhere, password change, deactivation) makes
    # all of them invalid at once, with no list of issued tokens to keep.
    token_version: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_column=time_column(nullable=False))
    last_login_at: datetime | None = Field(default=None, sa_column=time_column())


class UserPublic(UserBase):
    model_config = RESPONSE_CONFIG

    id: str
    role: Role
    created_at: datetime
    last_login_at: datetime | None


class ApiKeyBase(SQLModel):
    name: str = Field(max_length=255)
    # The first characters of the key, so its owner can tell keys apart; too short to help a guesser.
    prefix: str = Field(max_length=16)


class ApiKey(ApiKeyBase, table=True):
    __tablename__ = "api_keys"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    user_id: str = Field(foreign_key="users.id", index=True, max_length=32, ondelete="CASCADE")
    key_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=time_column(nullable=False))
    last_used_at: datetime | None = Field(default=None, sa_column=time_column())


class ApiKeyPublic(ApiKeyBase):
    model_config = RESPONSE_CONFIG

    id: str
    created_at: datetime
    last_used_at: datetime | None


class ApiKeyCreated(ApiKeyPublic):
    key: str = Field(description="The key itself: shown this once, never again (only its SHA-256 is stored)")
