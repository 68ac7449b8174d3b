"""The one visibility rule (services/access.py) as a table: who sees and who changes an item, by ownership, project
role and admin rights. The API tests (tests/api/test_projects.py) prove the routes use it."""

from __future__ import annotations

import pytest

from flowml.db.tables import User
from flowml.services import access

ALICE = User(id="a" * 32, username="alice", role="member")
ADMIN = User(id="d" * 32, username="root", role="admin")
PROJECT = "p" * 32


@pytest.mark.parametrize(
    ("user", "owner_id", "project_id", "roles", "sees", "changes"),
    [
        (ALICE, ALICE.id, None, {}, True, True),  # her own private item
        (ALICE, "b" * 32, None, {}, False, False),  # someone else's private item
        (ALICE, "b" * 32, PROJECT, {}, False, False),  # in a project she is not in
        (ALICE, "b" * 32, PROJECT, {PROJECT: "viewer"}, True, False),
        (ALICE, "b" * 32, PROJECT, {PROJECT: "editor"}, True, True),
        (ALICE, "b" * 32, PROJECT, {PROJECT: "owner"}, True, True),
        (ALICE, "b" * 32, PROJECT, {"q" * 32: "owner"}, False, False),  # a role in another project counts for nothing
        (ALICE, ALICE.id, PROJECT, {PROJECT: "viewer"}, True, True),  # the owner keeps her rights in a project
        (ADMIN, "b" * 32, None, {}, True, True),
        (ADMIN, None, None, {}, True, True),  # rows from before accounts existed
        (ALICE, None, None, {}, False, False),
    ],
)
def test_who_sees_and_who_changes(
    user: User, owner_id: str | None, project_id: str | None, roles: dict[str, str], sees: bool, changes: bool
) -> None:
    assert access.can_see(user, owner_id, project_id, roles) is sees
    assert access.can_change(user, owner_id, project_id, roles) is changes


def test_the_list_clause_is_none_only_for_admins() -> None:
    from flowml.db.tables import Job

    assert access.visible_clause(ADMIN, Job) is None
    clause = str(access.visible_clause(ALICE, Job))
    assert "owner_id" in clause and "project_members" in clause
