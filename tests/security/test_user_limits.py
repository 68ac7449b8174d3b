"""Per-user limits: a member's waiting jobs are capped (429 naming MAX_QUEUED_JOBS_PER_USER), their running jobs
too (more wait in the queue, saying why), only admins flag a job `priority` (403), and password changes are
rate-limited per user and per client IP (429 with Retry-After). Admins are exempt from the job limits."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from flowml.api.app import create_app
from flowml.db.tables import JobStatus
from tests.api.conftest import make_settings
from tests.conftest import bearer, drop_test_database, make_test_database_url, signed_in_client
from tests.security.rows import insert_job, update_job

pytestmark = pytest.mark.db

PASSWORD = "member-password-1"
MAX_QUEUED = 2
PASSWORD_RATE = 3
# 60 rows, two balanced classes: enough for create_job's checks (5 folds), nothing to train on here.
CSV = "x,y\n" + "".join(f"{i},{i % 2}\n" for i in range(60))


@pytest.fixture(scope="module")
def admin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data_dir = tmp_path_factory.mktemp("flowml-limits")
    url, dbname = make_test_database_url(data_dir)
    settings = make_settings(
        data_dir,
        url,
        LOGIN_RATE_PER_MINUTE=1000,
        MAX_QUEUED_JOBS_PER_USER=MAX_QUEUED,
        MAX_RUNNING_JOBS_PER_USER=1,
        PASSWORD_CHANGE_RATE_PER_MINUTE=PASSWORD_RATE,
    )
    # No trial pool: a job the manager lets start fails at once ("no executor"), which is all these tests need to
    # see (that it started); jobs that must stay queued or running are rows leased by "another process".
    with signed_in_client(create_app(settings, with_pool=False)) as client:
        yield client
    drop_test_database(dbname)


class Member:
    def __init__(self, admin: TestClient, role: str = "member") -> None:
        self.username = f"u{uuid.uuid4().hex[:10]}"
        created = admin.post("/api/users", json={"username": self.username, "password": PASSWORD, "role": role})
        assert created.status_code == 201, created.text
        self.id: str = created.json()["id"]
        login = admin.post("/api/auth/login", json={"username": self.username, "password": PASSWORD})
        self.headers = bearer(login.json()["access_token"])
        upload = admin.post("/api/datasets/upload", files={"file": ("tiny.csv", CSV)}, headers=self.headers)
        assert upload.status_code == 201, upload.text
        self.dataset_id: str = upload.json()["id"]


def start(admin: TestClient, member: Member, **extra: Any) -> Any:
    body = {"dataset_id": member.dataset_id, "target_column": "y", "time_budget": 0.1, **extra}
    return admin.post("/api/training/start", json=body, headers=member.headers)


def jobs_of(admin: TestClient, member: Member, status: JobStatus, count: int) -> list[str]:
    ctx = admin.app.state.ctx
    return [admin.portal.call(insert_job, ctx, member.id, status) for _ in range(count)]


def wait_until(check: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.1)
    pytest.fail(f"timed out waiting until {what}")


def test_a_member_with_a_full_queue_is_refused_with_429_naming_the_limit(admin: TestClient) -> None:
    member = Member(admin)
    waiting = jobs_of(admin, member, JobStatus.QUEUED, MAX_QUEUED)
    refused = start(admin, member)
    assert refused.status_code == 429, refused.text
    detail = refused.json()["detail"]
    assert f"MAX_QUEUED_JOBS_PER_USER={MAX_QUEUED}" in detail and f"You have {MAX_QUEUED} jobs waiting" in detail
    # Once one of them starts, there is room again.
    admin.portal.call(update_job, admin.app.state.ctx, waiting[0], {"status": JobStatus.RUNNING})
    assert start(admin, member).status_code == 201


def test_concurrent_starts_cannot_all_pass_the_same_count(admin: TestClient) -> None:
    member = Member(admin)
    jobs_of(admin, member, JobStatus.RUNNING, 1)  # at the running limit: every new job of theirs stays queued
    with ThreadPoolExecutor(max_workers=6) as threads:
        answers = list(threads.map(lambda _: start(admin, member).status_code, range(6)))
    assert sorted(answers) == [201] * MAX_QUEUED + [429] * (6 - MAX_QUEUED)


def test_admins_are_exempt_from_the_job_limits(admin: TestClient) -> None:
    second_admin = Member(admin, role="admin")
    jobs_of(admin, second_admin, JobStatus.QUEUED, MAX_QUEUED)
    jobs_of(admin, second_admin, JobStatus.RUNNING, 3)
    started = start(admin, second_admin)
    assert started.status_code == 201, started.text
    # Not held back by the running limit either: it starts (and fails at once here, having no trial pool).
    job_id = started.json()["id"]
    wait_until(lambda: admin.get(f"/api/training/jobs/{job_id}").json()["started_at"], 10, "the admin's job started")


def test_only_an_admin_may_set_priority(admin: TestClient) -> None:
    member = Member(admin)
    refused = start(admin, member, priority=True)
    assert refused.status_code == 403
    assert "Only an admin can set priority" in refused.json()["detail"]
    assert start(admin, member, priority=False).status_code == 201
    second_admin = Member(admin, role="admin")
    assert start(admin, second_admin, priority=True).status_code == 201


def test_a_members_job_waits_while_they_run_the_most_they_may_then_starts(admin: TestClient) -> None:
    member = Member(admin)
    [running] = jobs_of(admin, member, JobStatus.RUNNING, 1)
    started = start(admin, member)
    assert started.status_code == 201, started.text
    job_id = started.json()["id"]

    def job() -> Any:
        return admin.get(f"/api/training/jobs/{job_id}", headers=member.headers).json()

    held = wait_until(lambda: "MAX_RUNNING_JOBS_PER_USER=1" in job()["message"] and job(), 10, "the job says why")
    assert held["status"] == "queued" and held["started_at"] is None
    assert "1 of your jobs are running" in held["message"]
    time.sleep(1.0)
    assert job()["status"] == "queued"  # still held back, not started meanwhile
    admin.portal.call(update_job, admin.app.state.ctx, running, {"status": JobStatus.COMPLETED})
    wait_until(lambda: job()["started_at"], 10, "the held-back job started once the other one ended")


def test_password_changes_are_rate_limited_per_user_and_per_client_ip(admin: TestClient) -> None:
    first, second = Member(admin), Member(admin)
    wrong = {"current_password": "not-the-password", "new_password": "another-password-2"}

    def change(member: Member) -> Any:
        return admin.post("/api/auth/password", json=wrong, headers=member.headers)

    # One user: PASSWORD_RATE tries a minute, then 429 naming the user.
    assert [change(first).status_code for _ in range(PASSWORD_RATE)] == [422] * PASSWORD_RATE
    limited = change(first)
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert f"by {first.username}" in limited.json()["detail"]
    # Another user from the same address: the address has twice one user's budget, most of it spent above.
    answers = [change(second) for _ in range(2 * PASSWORD_RATE - (PASSWORD_RATE + 1) + 1)]
    assert [a.status_code for a in answers[:-1]] == [422] * (len(answers) - 1)
    assert answers[-1].status_code == 429 and "from testclient" in answers[-1].json()["detail"]
    assert int(answers[-1].headers["retry-after"]) >= 1
