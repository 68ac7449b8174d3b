"""Sign-in: password login, token refresh, sign-out, the caller's account and API keys."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, Field

from flowml.api.auth import CurrentUser
from flowml.api.deps import CtxDep
from flowml.api.rate_limit import rate_limit, user_rate_limit
from flowml.api.routes.responses import error_responses
from flowml.auth.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from flowml.db.tables import ApiKeyCreated, ApiKeyPublic, UserPublic
from flowml.services import users

router = APIRouter(prefix="/api/auth", tags=["auth"])

# Per client IP. Login guards passwords, so its budget is small. A refresh token is 256 bits no one guesses, and
# every dashboard tab refreshes on load and every 14 minutes, so refresh gets a budget of its own, six times larger:
# an office behind one address must not be locked out by its own reloads.
LOGIN_LIMIT = rate_limit("login", lambda settings: settings.LOGIN_RATE_PER_MINUTE)
REFRESH_LIMIT = rate_limit("refresh", lambda settings: 6 * settings.LOGIN_RATE_PER_MINUTE)
# Each try costs an argon2 verification of the current password (64 MiB): per user, so a stolen session cannot
# guess the password (or burn CPU) from many addresses, and per client IP, so many accounts cannot either; the IP
# gets twice one user's budget, as several people may change passwords from behind one office address.
PASSWORD_LIMITS = [
    rate_limit("password change", lambda settings: 2 * settings.PASSWORD_CHANGE_RATE_PER_MINUTE),
    user_rate_limit("password change", lambda settings: settings.PASSWORD_CHANGE_RATE_PER_MINUTE),
]


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)


class RefreshRequest(BaseModel):
    refresh_token: str = Field(min_length=1, max_length=4096)


class TokenPairPublic(BaseModel):
    access_token: str = Field(description="Send as 'Authorization: Bearer <token>'; valid for expires_in seconds")
    refresh_token: str = Field(
        description="Trade once at /api/auth/refresh for a new pair (keep the new refresh token: this one is then "
        "used up, and presenting it again ends the sign-in); valid for REFRESH_TOKEN_DAYS"
    )
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds the access token stays valid")
    user: UserPublic


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)
    new_password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)


class ApiKeyRequest(BaseModel):
    name: str = Field(min_length=1, max_length=255, description="What the key is for, e.g. 'laptop CLI'")


def pair_body(pair: users.TokenPair) -> dict[str, Any]:
    """A token pair as every sign-in route answers it (TokenPairPublic)."""
    return {
        "access_token": pair.access_token,
        "refresh_token": pair.refresh_token,
        "token_type": "bearer",
        "expires_in": pair.expires_in,
        "user": pair.user,
    }


@router.post(
    "/login",
    response_model=TokenPairPublic,
    dependencies=[LOGIN_LIMIT],
    responses=error_responses(
        400, 401, 413, 422, 429, notes={401: "Wrong username or password, or a deactivated user"}
    ),
)
async def login(ctx: CtxDep, body: LoginRequest) -> Any:
    return pair_body(await users.login(ctx, body.username, body.password))


@router.post(
    "/refresh",
    response_model=TokenPairPublic,
    dependencies=[REFRESH_LIMIT],
    responses=error_responses(
        400, 401, 413, 422, 429, notes={401: "The refresh token expired, was revoked, or was used already"}
    ),
)
async def refresh(ctx: CtxDep, body: RefreshRequest) -> Any:
    """A new access and refresh token. The refresh token sent is used up: store the new one. A used one sent again
    ends that sign-in (every token refreshed from the same login); other sign-ins of the user stay."""
    return pair_body(await users.refresh(ctx, body.refresh_token))


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(401))
async def logout(ctx: CtxDep, user: CurrentUser) -> Response:
    """Sign out everywhere: every access and refresh token of this user stops working (API keys stay)."""
    await users.sign_out_everywhere(ctx, user)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=UserPublic, responses=error_responses(401))
async def me(user: CurrentUser) -> Any:
    return user


@router.post(
    "/password",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=PASSWORD_LIMITS,
    responses=error_responses(400, 401, 413, 422, 429),
)
async def change_password(ctx: CtxDep, user: CurrentUser, body: PasswordChange) -> Response:
    """A new password; signs out every session (sign in again with it). API keys keep working."""
    await users.change_password(ctx, user, body.current_password, body.new_password)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/keys", response_model=list[ApiKeyPublic], responses=error_responses(401))
async def list_keys(ctx: CtxDep, user: CurrentUser) -> Any:
    return await users.list_keys(ctx, user)


@router.post(
    "/keys",
    status_code=status.HTTP_201_CREATED,
    response_model=ApiKeyCreated,
    responses=error_responses(400, 401, 413, 422),
)
async def create_key(ctx: CtxDep, user: CurrentUser, body: ApiKeyRequest) -> Any:
    """A key for the CLI and scripts (`FLOWML_API_KEY`), acting as you. Shown once; only its SHA-256 is kept."""
    row, secret = await users.create_key(ctx, user, body.name)
    return {**row.model_dump(), "key": secret}


@router.delete("/keys/{key_id}", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(401, 404))
async def delete_key(ctx: CtxDep, user: CurrentUser, key_id: str) -> Response:
    await users.delete_key(ctx, user, key_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
