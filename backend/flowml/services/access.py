"""Who may see and who may change a dataset, job or model: the one rule (docs/security.md, "Who can do what").

A user sees a resource when they are an admin, its owner, or a member of its project; they may change it (rename,
notes, tags, train on it, set a threshold, delete) when they are an admin, its owner, or an editor or owner of its
project. Viewers read and predict only. Everything else answers from here: the load-or-404 dependencies, the list
queries, the counts and the event sockets.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select

from flowml.core.errors import ForbiddenError, NotFoundError
from flowml.db.tables import ProjectMember, User
from flowml.services.context import AppContext
from flowml.services.users import is_admin

# Project id -> the user's role in it ("viewer", "editor" or "owner").
Roles = Mapping[str, str]
CHANGING_ROLES = frozenset({"editor", "owner"})


async def roles_of(ctx: AppContext, user: User) -> dict[str, str]:
    """The user's projects and role in each; an admin's are not needed (they see and change everything)."""
    if is_admin(user):
        return {}
    async with ctx.sessions() as session:
        query = select(ProjectMember.project_id, ProjectMember.role).where(ProjectMember.user_id == user.id)
        return dict((await session.exec(query)).all())


def can_see(user: User, owner_id: str | None, project_id: str | None, roles: Roles) -> bool:
    return is_admin(user) or owner_id == user.id or (project_id is not None and project_id in roles)


def can_change(user: User, owner_id: str | None, project_id: str | None, roles: Roles) -> bool:
    if is_admin(user) or owner_id == user.id:
        return True
    return project_id is not None and roles.get(project_id) in CHANGING_ROLES


def check_see(kind: str, item_id: str, user: User, owner_id: str | None, project_id: str | None, roles: Roles) -> None:
    """Another member's private resource is a 404, the same answer as one that does not exist: ids are not
    confirmed."""
    if not can_see(user, owner_id, project_id, roles):
        raise NotFoundError(f"{kind} {item_id} not found")


def check_change(kind: str, user: User, owner_id: str | None, project_id: str | None, roles: Roles) -> None:
    """A resource the user sees but may not change is a 403 that says why and who can help."""
    if not can_change(user, owner_id, project_id, roles):
        raise ForbiddenError(
            f"You can see this {kind} but not change it: you are a viewer in its project. "
            "Ask a project owner to make you an editor."
        )


def visible_clause(user: User, table: Any) -> ColumnElement[bool] | None:
    """The same rule as `can_see`, as a WHERE clause for lists and counts; None (no restriction) for an admin.
    `table` is Dataset, Job or TrainedModel (each has owner_id and project_id)."""
    if is_admin(user):
        return None
    memberships = select(ProjectMember.project_id).where(ProjectMember.user_id == user.id)
    return or_(col(table.owner_id) == user.id, col(table.project_id).in_(memberships))


def only_visible(query: Any, user: User, table: Any) -> Any:
    clause = visible_clause(user, table)
    return query if clause is None else query.where(clause)
