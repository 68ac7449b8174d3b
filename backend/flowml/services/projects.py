"""Projects: create, read, rename, delete, and their members. Who sees and changes the datasets, jobs and models
inside them is services/access.py; this module manages the projects themselves.

A project's creator becomes its first owner member. Owners (and admins) manage members and delete the project;
the last owner cannot leave or be demoted, so a project always has someone who can manage it. Deleting a project
returns its items to their owners' private space: nothing is deleted with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from flowml.core.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from flowml.db.tables import Dataset, Job, Project, ProjectMember, TrainedModel, User
from flowml.db.tables.projects import PROJECT_ROLES
from flowml.services import access
from flowml.services.context import AppContext
from flowml.services.inputs import description_text, is_id, item_name, storable_text

MAX_NAME = 255
MAX_DESCRIPTION = 5000
ITEM_TABLES: tuple[Any, ...] = (Dataset, Job, TrainedModel)


@dataclass(frozen=True)
class Member:
    user_id: str
    username: str
    role: str


@dataclass(frozen=True)
class ProjectView:
    project: Project
    # The caller's role; "admin" for an admin who is not a member (they manage every project).
    my_role: str
    members: list[Member]
    counts: dict[str, int]


def clean_name(value: str) -> str:
    return item_name(value, "a project name", MAX_NAME)


def clean_description(value: str) -> str:
    return description_text(value, MAX_DESCRIPTION)


def check_role(role: str) -> str:
    if role not in PROJECT_ROLES:
        raise InvalidInputError(f"role must be one of {', '.join(PROJECT_ROLES)}; got {role!r}")
    return role


async def create(ctx: AppContext, user: User, name: str, description: str = "") -> ProjectView:
    project = Project(name=clean_name(name), description=clean_description(description), owner_id=user.id)
    async with ctx.sessions() as session:
        session.add(project)
        await session.flush()
        session.add(ProjectMember(project_id=project.id, user_id=user.id, role="owner"))
        await session.commit()
        await session.refresh(project)
    return await view(ctx, user, project.id)


async def list_for(ctx: AppContext, user: User) -> list[ProjectView]:
    """The projects the user is a member of (every project for an admin), by name."""
    async with ctx.sessions() as session:
        query = select(Project).order_by(func.lower(Project.name), col(Project.created_at))
        if not access.is_admin(user):
            mine = select(ProjectMember.project_id).where(ProjectMember.user_id == user.id)
            query = query.where(col(Project.id).in_(mine))
        projects = list((await session.exec(query)).all())
        return [await _view(session, user, p) for p in projects]


async def view(ctx: AppContext, user: User, project_id: str) -> ProjectView:
    async with ctx.sessions() as session:
        project = await _visible(session, user, project_id)
        return await _view(session, user, project)


async def update_project(
    ctx: AppContext, user: User, project_id: str, name: str | None, description: str | None
) -> ProjectView:
    async with ctx.sessions() as session:
        project = await _managed(session, user, project_id)
        if name is not None:
            project.name = clean_name(name)
        if description is not None:
            project.description = clean_description(description)
        session.add(project)
        await session.commit()
        return await _view(session, user, project)


async def delete(ctx: AppContext, user: User, project_id: str) -> None:
    """Delete the project; its datasets, jobs and models go back to their owners' private space."""
    async with ctx.sessions() as session:
        project = await _managed(session, user, project_id)
        await _dissolve(session, [project.id])
        await session.commit()


async def dissolve_owned_by(session: AsyncSession, owner_id: str) -> None:
    """Before a user is deleted: the projects they made go, and the items in them return to their owners' private
    space (not left pointing at a project that no longer exists). The caller commits with the user's deletion."""
    owned = (await session.exec(select(Project.id).where(Project.owner_id == owner_id))).all()
    await _dissolve(session, list(owned))
    # Their memberships in other people's projects go too (the foreign key cascades only where the database
    # enforces it).
    for membership in (await session.exec(select(ProjectMember).where(ProjectMember.user_id == owner_id))).all():
        await session.delete(membership)


async def _dissolve(session: AsyncSession, project_ids: list[str]) -> None:
    if not project_ids:
        return
    for table in ITEM_TABLES:
        await session.exec(update(table).where(col(table.project_id).in_(project_ids)).values(project_id=None))
    members = select(ProjectMember).where(col(ProjectMember.project_id).in_(project_ids))
    for membership in (await session.exec(members)).all():
        await session.delete(membership)
    for project in (await session.exec(select(Project).where(col(Project.id).in_(project_ids)))).all():
        await session.delete(project)


async def set_member(ctx: AppContext, user: User, project_id: str, who: str, role: str) -> ProjectView:
    """Add a member or change their role; `who` is a user id or a username."""
    check_role(role)
    async with ctx.sessions() as session:
        project = await _managed(session, user, project_id)
        member_user = await _user(session, who)
        row = await _membership(session, project.id, member_user.id)
        if row is None:
            row = ProjectMember(project_id=project.id, user_id=member_user.id, role=role)
        else:
            if row.role == "owner" and role != "owner":
                await _refuse_losing_last_owner(session, project, member_user)
            row.role = role
        session.add(row)
        await session.commit()
        return await _view(session, user, project)


async def remove_member(ctx: AppContext, user: User, project_id: str, who: str) -> ProjectView:
    """Owners and admins remove anyone; any member may leave (remove themselves). Not the last owner."""
    async with ctx.sessions() as session:
        project = await _visible(session, user, project_id)
        member_user = await _user(session, who)
        if member_user.id != user.id:
            await _check_manager(session, user, project)
        row = await _membership(session, project.id, member_user.id)
        if row is None:
            raise NotFoundError(f"'{member_user.username}' is not a member of project '{project.name}'")
        if row.role == "owner":
            await _refuse_losing_last_owner(session, project, member_user)
        await session.delete(row)
        await session.commit()
        return await _view(session, user, project)


# ------------------------------------------------------------------------------------------------ helpers


async def _visible(session: AsyncSession, user: User, project_id: str) -> Project:
    """A project the user is not a member of is a 404, like any id they may not see."""
    project = await session.get(Project, project_id) if is_id(project_id) else None
    if project is None or not (access.is_admin(user) or await _membership(session, project.id, user.id)):
        raise NotFoundError(f"project {project_id} not found")
    return project


async def _managed(session: AsyncSession, user: User, project_id: str) -> Project:
    project = await _visible(session, user, project_id)
    await _check_manager(session, user, project)
    return project


async def _check_manager(session: AsyncSession, user: User, project: Project) -> None:
    if access.is_admin(user):
        return
    row = await _membership(session, project.id, user.id)
    if row is None or row.role != "owner":
        raise ForbiddenError(f"Only an owner of project '{project.name}' (or an admin) can manage it and its members.")


async def _membership(session: AsyncSession, project_id: str, user_id: str) -> ProjectMember | None:
    query = select(ProjectMember).where(ProjectMember.project_id == project_id, ProjectMember.user_id == user_id)
    return (await session.exec(query)).first()


async def _user(session: AsyncSession, who: str) -> User:
    found = await session.get(User, who) if is_id(who) else None
    if found is None:
        found = (await session.exec(select(User).where(User.username == storable_text(who, "user")))).first()
    if found is None:
        raise NotFoundError(f"user {who} not found")
    return found


async def _refuse_losing_last_owner(session: AsyncSession, project: Project, user: User) -> None:
    query = (
        select(func.count())
        .select_from(ProjectMember)
        .where(ProjectMember.project_id == project.id, ProjectMember.role == "owner", ProjectMember.user_id != user.id)
    )
    if (await session.exec(query)).one() == 0:
        raise ConflictError(
            f"'{user.username}' is the last owner of project '{project.name}'; make another member an owner first."
        )


async def _view(session: AsyncSession, user: User, project: Project) -> ProjectView:
    rows = (
        await session.exec(
            select(ProjectMember, User)
            .join(User, col(User.id) == col(ProjectMember.user_id))
            .where(ProjectMember.project_id == project.id)
            .order_by(func.lower(User.username))
        )
    ).all()
    members = [Member(user_id=u.id, username=u.username, role=m.role) for m, u in rows]
    mine = next((m.role for m in members if m.user_id == user.id), None)
    counts: dict[str, int] = {}
    for name, table in zip(("datasets", "jobs", "models"), ITEM_TABLES, strict=True):
        query = select(func.count()).select_from(table).where(table.project_id == project.id)
        counts[name] = (await session.exec(query)).one()
    return ProjectView(project=project, my_role=mine or "admin", members=members, counts=counts)
