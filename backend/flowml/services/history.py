"""Experiment history: names, notes and tags on jobs and models, moving them between projects, the list filters,
and a job's settings to train again ("clone")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, Field, field_validator
from sqlmodel import col

from flowml.core.errors import ForbiddenError, InvalidInputError, NotFoundError
from flowml.db.tables import Dataset, Job, Project, TrainedModel, User
from flowml.services import access
from flowml.services.context import AppContext
from flowml.services.inputs import is_id, storable_text
from flowml.services.jobs.requests import TrainingRequest

MAX_NAME = 255
MAX_NOTES = 5000
MAX_TAGS = 20
MAX_TAG = 40
# The `project_id` filter value that means "not in any project".
PRIVATE = "private"

Row = TypeVar("Row", Job, TrainedModel)


def clean_name(value: str) -> str:
    name = storable_text(value, "name").strip()
    if not 1 <= len(name) <= MAX_NAME:
        raise InvalidInputError(f"name must be 1 to {MAX_NAME} characters (spaces at either end are trimmed)")
    return name


def clean_notes(value: str) -> str:
    notes = storable_text(value, "notes").strip()
    if len(notes) > MAX_NOTES:
        raise InvalidInputError(f"notes must be at most {MAX_NOTES} characters; these are {len(notes)}")
    return notes


def clean_tags(values: Iterable[str]) -> list[str]:
    """Trimmed, each 1..40 characters, duplicates (ignoring case) dropped keeping the first spelling, at most 20."""
    tags: list[str] = []
    seen: set[str] = set()
    for value in values:
        tag = storable_text(value, "tag").strip()
        if not 1 <= len(tag) <= MAX_TAG:
            raise InvalidInputError(f"each tag must be 1 to {MAX_TAG} characters; {value!r} is not")
        if tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise InvalidInputError(f"at most {MAX_TAGS} tags; these are {len(tags)}")
    return tags


class HistoryEdit(BaseModel):
    """What the analyst may change on a job or a model. Fields left out stay as they are; `project_id: null` moves
    the item back to its owner's private space."""

    name: str | None = Field(default=None, description=f"1 to {MAX_NAME} characters, trimmed")
    notes: str | None = Field(default=None, description=f"At most {MAX_NOTES} characters")
    tags: list[str] | None = Field(
        default=None, description=f"At most {MAX_TAGS}, each 1 to {MAX_TAG} characters; trimmed and deduplicated"
    )
    project_id: str | None = Field(default=None, description="A project to move it into; null: private")

    # InvalidInputError is no ValueError, so pydantic lets it through and the app answers 422 with the message.
    @field_validator("name")
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        return None if value is None else clean_name(value)

    @field_validator("notes")
    @classmethod
    def _notes(cls, value: str | None) -> str | None:
        return None if value is None else clean_notes(value)

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else clean_tags(value)


class ItemAccess(BaseModel):
    """What the caller may do with one job or model, so the dashboard asks rather than copying the rule."""

    can_change: bool = Field(description="Rename, notes, tags, threshold, stop, cancel, delete")
    can_move: bool = Field(description="Move it into or out of a project (its owner or an admin)")
    reason: str | None = Field(default=None, description="Why not, in plain words, when can_change is false")


async def item_access(
    ctx: AppContext, user: User, kind: str, owner_id: str | None, project_id: str | None
) -> ItemAccess:
    roles = await access.roles_of(ctx, user)
    can_change = access.can_change(user, owner_id, project_id, roles)
    return ItemAccess(
        can_change=can_change,
        can_move=access.is_admin(user) or owner_id == user.id,
        reason=None
        if can_change
        else f"You are a viewer in this {kind}'s project: you can read it and predict, but not change it. "
        "Ask a project owner to make you an editor.",
    )


@dataclass(frozen=True)
class ListFilters:
    """The Jobs and Models lists' filters (REST query parameters): `q` is a case-insensitive text search over name,
    notes, tags, target and algorithm; `tag` one exact tag (ignoring case); `project_id` a project or "private"."""

    q: str | None = None
    tag: str | None = None
    project_id: str | None = None

    def where(self, query: Any, table: Any) -> Any:
        if self.project_id is None:
            return query
        if self.project_id == PRIVATE:
            return query.where(col(table.project_id).is_(None))
        return query.where(table.project_id == self.project_id)

    def keep(self, texts: Iterable[str | None], tags: Iterable[str]) -> bool:
        # Matched here rather than in SQL: tags are JSON, whose text form differs between SQLite and PostgreSQL.
        tag_list = list(tags)
        if self.tag and self.tag.strip().casefold() not in {t.casefold() for t in tag_list}:
            return False
        words = (self.q or "").casefold().split()
        if not words:
            return True
        haystack = " ".join([*(t for t in texts if t), *tag_list]).casefold()
        return all(word in haystack for word in words)


def job_texts(job: Job) -> list[str | None]:
    return [job.name, job.notes, job.target_column, job.reference_column, job.best_algorithm, *job.algorithms]


def model_texts(model: TrainedModel) -> list[str | None]:
    return [model.name, model.notes, model.target, model.algorithm]


async def edit(ctx: AppContext, user: User, table: type[Row], item_id: str, change: HistoryEdit) -> Row:
    """Apply the fields sent; the caller has already checked the user may change the item (api/deps.py)."""
    kind = _kind(table)
    async with ctx.sessions() as session:
        row = await session.get(table, item_id)
        if row is None:
            raise NotFoundError(f"{kind} {item_id} not found")
        sent = change.model_fields_set
        if "project_id" in sent and change.project_id != row.project_id:
            await check_move(ctx, user, kind, row.owner_id, change.project_id)
            row.project_id = change.project_id
        if "name" in sent:
            if change.name is None:
                raise InvalidInputError("name cannot be null; send 1 to 255 characters")
            row.name = change.name
        if "notes" in sent:
            row.notes = change.notes or ""
        if "tags" in sent:
            row.tags = change.tags or []
        session.add(row)
        await session.commit()
        await session.refresh(row)
    return row


async def check_move(ctx: AppContext, user: User, kind: str, owner_id: str | None, project_id: str | None) -> None:
    """Moving into or out of a project is for the item's owner or an admin; into one, the user must also be an
    editor or owner there (so nobody adds work to a project they only view)."""
    if not access.is_admin(user) and owner_id != user.id:
        raise ForbiddenError(f"Only the {kind}'s owner or an admin can move it into or out of a project.")
    if project_id is not None:
        await check_project_for_work(ctx, user, project_id)


async def check_project_for_work(ctx: AppContext, user: User, project_id: str) -> Project:
    """The project new or moved work goes into: one the user sees (else 404), where they are editor or owner."""
    project = None
    if is_id(project_id):
        async with ctx.sessions() as session:
            project = await session.get(Project, project_id)
    roles = await access.roles_of(ctx, user)
    if project is None or not (access.is_admin(user) or project_id in roles):
        raise NotFoundError(f"project {project_id} not found")
    if not access.is_admin(user) and roles.get(project_id) not in access.CHANGING_ROLES:
        raise ForbiddenError(
            f"You are a viewer in project '{project.name}'; adding work to it needs the editor or owner role."
        )
    return project


class DatasetMove(BaseModel):
    """Share an uploaded dataset in a project, or make it private again. Its jobs and models keep their own place
    (move those on their pages): sharing the data does not share what someone trained on it."""

    project_id: str | None = Field(description="A project to move it into; null: private")


async def move_dataset(ctx: AppContext, user: User, dataset_id: str, project_id: str | None) -> Dataset:
    """The same rule as moving a job or a model (check_move): the owner or an admin, into a project where they may
    add work. The caller has already checked the user may change the dataset (api/deps.py)."""
    async with ctx.sessions() as session:
        row = await session.get(Dataset, dataset_id)
        if row is None:
            raise NotFoundError(f"dataset {dataset_id} not found")
        if project_id != row.project_id:
            await check_move(ctx, user, "dataset", row.owner_id, project_id)
            row.project_id = project_id
            session.add(row)
            await session.commit()
            await session.refresh(row)
    return row


def clone_request(job: Job) -> TrainingRequest:
    """The job's settings as a training request, to change what the analyst wants and train again."""
    suffix = " (copy)"
    return TrainingRequest(
        dataset_id=job.dataset_id,
        target_column=job.target_column,
        reference_column=job.reference_column,
        problem_type=job.problem_type,
        metric=job.metric,
        time_budget=job.time_budget,
        algorithms=list(job.algorithms),
        preprocessors=list(job.preprocessors),
        n_folds=job.n_folds,
        max_trials=job.max_trials,
        max_trials_per_algorithm=job.max_trials_per_algorithm,
        reproducible=job.reproducible,
        seed=job.seed,
        priority=False,
        name=job.name[: MAX_NAME - len(suffix)] + suffix,
        project_id=job.project_id,
        cloned_from=job.id,
    )


def _kind(table: type[Row]) -> str:
    return "job" if table is Job else "model"
