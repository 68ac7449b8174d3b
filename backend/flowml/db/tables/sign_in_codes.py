"""One-time codes that carry an outside sign-in (OIDC) from the provider's redirect to the dashboard.

The redirect back to /login carries only a code; the dashboard trades it once, within a minute, for tokens, from
the same browser that started the sign-in (services/sign_in_codes.py). In SQL, not in a process's memory, because
the redirect and the trade may reach different API processes. Only hashes are stored: a row read from the database
cannot be traded.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from flowml.db.types import time_column


class SignInCode(SQLModel, table=True):
    __tablename__ = "sign_in_codes"

    # SHA-256 of the code the redirect carries.
    code_hash: str = Field(primary_key=True, max_length=64)
    # SHA-256 of the secret in the browser's sign-in cookie: the trade must come from that browser.
    binding_hash: str = Field(max_length=64)
    user_id: str = Field(foreign_key="users.id", index=True, max_length=32, ondelete="CASCADE")
    # Where the user was going (a path on this site, checked when the sign-in started).
    next_path: str = Field(max_length=2000)
    expires_at: datetime = Field(sa_column=time_column(nullable=False, index=True))
