"""User management, for admins: list, create, change role or password, deactivate, delete."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Response, status
from pydantic import BaseModel, Field

from flowml.api.auth import AdminUser, require_admin
from flowml.api.deps import CtxDep
from flowml.api.routes.responses import error_responses
from flowml.auth.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from flowml.db.tables import UserPublic
from flowml.db.tables.users import MAX_USERNAME_LENGTH, USERNAME_PATTERN, Role
from flowml.services import users

router = APIRouter(
    prefix="/api/users",
    tags=["users"],
    dependencies=[Depends(require_admin)],
    responses=error_responses(401, 403),
)


class UserCreate(BaseModel):
    username: str = Field(min_length=1, max_length=MAX_USERNAME_LENGTH, pattern=USERNAME_PATTERN)
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)
    role: Role = "member"


class UserUpdate(BaseModel):
    role: Role | None = None
    is_active: bool | None = Field(default=None, description="false: the user can no longer sign in or use keys")
    password: str | None = Field(default=None, min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)


@router.get("", response_model=list[UserPublic])
async def list_users(ctx: CtxDep) -> Any:
    return await users.list_users(ctx)


@router.post(
    "", status_code=status.HTTP_201_CREATED, response_model=UserPublic, responses=error_responses(400, 409, 413, 422)
)
async def create_user(ctx: CtxDep, body: UserCreate) -> Any:
    return await users.create_user(ctx, body.username, body.password, body.role)


@router.patch("/{user_id}", response_model=UserPublic, responses=error_responses(400, 404, 409, 413, 422))
async def update_user(ctx: CtxDep, admin: AdminUser, user_id: str, body: UserUpdate) -> Any:
    """Deactivating, demoting or a new password ends the user's sessions at once."""
    return await users.update_user(
        ctx, admin, user_id, role=body.role, is_active=body.is_active, password=body.password
    )


@router.delete(
    "/{user_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(404, 409, notes={409: "Yourself, the last admin, or a user who still owns data"}),
)
async def delete_user(ctx: CtxDep, admin: AdminUser, user_id: str) -> Response:
    await users.delete_user(ctx, admin, user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
