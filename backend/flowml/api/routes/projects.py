"""Projects that several members share: create, list, read, rename, delete, and members with roles."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Response, status
from pydantic import BaseModel, Field

from flowml.api.auth import CurrentUser, current_user
from flowml.api.deps import CtxDep
from flowml.api.routes.responses import error_responses, signed_in
from flowml.db.tables.projects import ProjectRole
from flowml.services import projects
from flowml.services.projects import MAX_DESCRIPTION, MAX_NAME, ProjectView

router = APIRouter(
    prefix="/api/projects", tags=["projects"], dependencies=[Depends(current_user)], responses=signed_in()
)

_MANAGE = {403: "Only a project owner or an admin may do this", 404: "No project with this id that the caller is in"}
_LAST_OWNER = {409: "This would leave the project without an owner"}
UserRef = Annotated[str, Path(description="The user's id or username")]


class ProjectCreate(BaseModel):
    name: str = Field(description=f"1 to {MAX_NAME} characters, trimmed")
    description: str = Field(default="", description=f"At most {MAX_DESCRIPTION} characters")


class ProjectUpdate(BaseModel):
    name: str | None = Field(default=None, description=f"1 to {MAX_NAME} characters, trimmed")
    description: str | None = Field(default=None, description=f"At most {MAX_DESCRIPTION} characters")


class MemberRole(BaseModel):
    role: ProjectRole = Field(
        description="viewer: sees and predicts; editor: also uploads, trains, renames; "
        "owner: also manages members and deletes the project"
    )


class ProjectMemberOut(BaseModel):
    user_id: str
    username: str
    role: ProjectRole


class ProjectCounts(BaseModel):
    datasets: int
    jobs: int
    models: int


class ProjectOut(BaseModel):
    id: str
    name: str
    description: str
    owner_id: str = Field(description="Who created it")
    created_at: datetime
    my_role: str = Field(description='The caller\'s role: viewer, editor, owner, or "admin" when not a member')
    members: list[ProjectMemberOut]
    counts: ProjectCounts = Field(description="How many datasets, jobs and models are in it")


class ProjectsOut(BaseModel):
    items: list[ProjectOut]
    count: int


def _out(view: ProjectView) -> ProjectOut:
    p = view.project
    return ProjectOut(
        id=p.id,
        name=p.name,
        description=p.description,
        owner_id=p.owner_id,
        created_at=p.created_at,
        my_role=view.my_role,
        members=[ProjectMemberOut(user_id=m.user_id, username=m.username, role=m.role) for m in view.members],
        counts=ProjectCounts(**view.counts),
    )


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ProjectOut, responses=error_responses(400, 422))
async def create_project(ctx: CtxDep, user: CurrentUser, body: ProjectCreate) -> Any:
    """A new project with the caller as its owner."""
    return _out(await projects.create(ctx, user, body.name, body.description))


@router.get("", response_model=ProjectsOut)
async def list_projects(ctx: CtxDep, user: CurrentUser) -> Any:
    """The projects the caller is a member of (every project for an admin)."""
    items = [_out(v) for v in await projects.list_for(ctx, user)]
    return ProjectsOut(items=items, count=len(items))


@router.get("/{project_id}", response_model=ProjectOut, responses=error_responses(404))
async def get_project(ctx: CtxDep, user: CurrentUser, project_id: str) -> Any:
    return _out(await projects.view(ctx, user, project_id))


@router.patch("/{project_id}", response_model=ProjectOut, responses=error_responses(400, 403, 404, 422, notes=_MANAGE))
async def update_project(ctx: CtxDep, user: CurrentUser, project_id: str, body: ProjectUpdate) -> Any:
    return _out(await projects.update_project(ctx, user, project_id, body.name, body.description))


@router.delete(
    "/{project_id}", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(403, 404, notes=_MANAGE)
)
async def delete_project(ctx: CtxDep, user: CurrentUser, project_id: str) -> Response:
    """Delete the project. Its datasets, jobs and models are kept: they go back to their owners' private space."""
    await projects.delete(ctx, user, project_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put(
    "/{project_id}/members/{user_id}",
    response_model=ProjectOut,
    responses=error_responses(
        400, 403, 404, 409, 422, notes={**_MANAGE, **_LAST_OWNER, 404: "No such project or user"}
    ),
)
async def set_member(ctx: CtxDep, user: CurrentUser, project_id: str, user_id: UserRef, body: MemberRole) -> Any:
    """Add a member with a role, or change a member's role (owners and admins)."""
    return _out(await projects.set_member(ctx, user, project_id, user_id, body.role))


@router.delete(
    "/{project_id}/members/{user_id}",
    response_model=ProjectOut,
    responses=error_responses(403, 404, 409, notes={**_MANAGE, **_LAST_OWNER, 404: "No such project or member"}),
)
async def remove_member(ctx: CtxDep, user: CurrentUser, project_id: str, user_id: UserRef) -> Any:
    """Remove a member (owners and admins), or leave the project (any member, naming themselves). Their own items
    in the project stay in it; they no longer see the others'."""
    return _out(await projects.remove_member(ctx, user, project_id, user_id))
