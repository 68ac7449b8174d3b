"""Projects: datasets, jobs and models that several people share. The owner (the user who made it) and members
with a role; everything outside a project stays private to its owner (and visible to admins)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from flowml.db.types import RESPONSE_CONFIG, new_id, time_column, utcnow

# viewer: sees and predicts; editor: also uploads, trains, renames; owner: also manages members and deletes.
ProjectRole = Literal["viewer", "editor", "owner"]
PROJECT_ROLES: tuple[ProjectRole, ...] = ("viewer", "editor", "owner")


class ProjectBase(SQLModel):
    name: str = Field(max_length=255)
    description: str = Field(default="", max_length=5000)


class Project(ProjectBase, table=True):
    __tablename__ = "projects"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    owner_id: str = Field(foreign_key="users.id", max_length=32, index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow, sa_column=time_column(nullable=False))


class ProjectMember(SQLModel, table=True):
    __tablename__ = "project_members"
    __table_args__ = (sa.UniqueConstraint("project_id", "user_id", name="uq_project_members_project_user"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    project_id: str = Field(foreign_key="projects.id", max_length=32, index=True, ondelete="CASCADE")
    user_id: str = Field(foreign_key="users.id", max_length=32, index=True, ondelete="CASCADE")
    role: str = Field(default="viewer", max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_column=time_column(nullable=False))


class ProjectPublic(ProjectBase):
    model_config = RESPONSE_CONFIG

    id: str
    owner_id: str
    created_at: datetime
