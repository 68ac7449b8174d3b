"""Members see where trials can run, not where the machines are nor what other members train; admins see all."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from flowml.db.tables import Job, Trial
from flowml.services.cluster_status import (
    MEMBER_ERROR,
    BrokerStatus,
    ClusterStatus,
    DatabaseStatus,
    LocalPool,
    WorkerCounts,
    member_view,
)
from flowml.services.context import AppContext
from tests.api.test_workers import BROKER, new_token, registered, running_app
from tests.security.test_auth import new_member

pytestmark = pytest.mark.db

HOST_DETAILS = {
    "hostname": "gpu-box.lab.example",
    "local_ip": "192.168.1.20",
    "tailscale_ip": "100.64.0.7",
    "os": "Linux-6.8.0-x86_64-with-glibc2.39",
    "ssh_host_key": "AAAAC3NzaC1lZDI1NTE5",  # a key the probe never sends: a worker may send anything
}
HARDWARE = {"cpu_logical": 16, "ram_total_gb": 62.5, "gpus": [{"index": 0, "name": "RTX 4090", "vram_total_gb": 24}]}


@pytest.fixture(scope="module")
def admin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with running_app(tmp_path_factory.mktemp("visibility"), CELERY_BROKER_URL=BROKER) as client:
        yield client


@pytest.fixture(scope="module")
def cluster(admin: TestClient) -> dict[str, Any]:
    """A worker running one trial of alice's job and one of bob's, and both members' credentials."""
    alice, bob = new_member(admin, "alice"), new_member(admin, "bob")
    ids = {u["username"]: u["id"] for u in admin.get("/api/users").json()}
    secret = new_token(admin)
    capabilities = {**HOST_DETAILS, **HARDWARE}
    registered(admin, secret, name="shared", hostname=HOST_DETAILS["hostname"], capabilities=capabilities)
    ctx: AppContext = admin.app.state.ctx  # type: ignore[attr-defined]
    trials = {who: admin.portal.call(_running_trial, ctx, ids[who], "shared") for who in ("alice", "bob")}
    return {"alice": alice, "bob": bob, "trials": trials}


async def _running_trial(ctx: AppContext, owner_id: str, worker: str) -> str:
    job = Job(name="j", dataset_id="d" * 32, target_column="y", problem_type="binary", metric="roc_auc", time_budget=1)
    job.owner_id = owner_id
    trial = Trial(job_id=job.id, trial_number=0, algorithm="lightgbm", worker=worker)
    async with ctx.sessions() as session:
        session.add(job)
        await session.commit()
        session.add(trial)
        await session.commit()
    return trial.id


def shared(client: TestClient, headers: dict[str, str] | None = None) -> dict[str, Any]:
    response = client.get("/api/workers", headers=headers)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = next(w for w in response.json() if w["name"] == "shared")
    return found


def test_a_member_sees_the_hardware_and_only_their_own_trials(admin: TestClient, cluster: dict[str, Any]) -> None:
    response = admin.get("/api/workers", headers=cluster["alice"])
    for detail in HOST_DETAILS.values():
        assert detail not in response.text
    worker = shared(admin, cluster["alice"])
    assert worker["hostname"] is None
    assert worker["capabilities"] == HARDWARE
    assert [t["id"] for t in worker["current_trials"]] == [cluster["trials"]["alice"]]
    assert [t["id"] for t in shared(admin, cluster["bob"])["current_trials"]] == [cluster["trials"]["bob"]]


def test_an_admin_sees_everything(admin: TestClient, cluster: dict[str, Any]) -> None:
    worker = shared(admin)
    assert worker["hostname"] == HOST_DETAILS["hostname"]
    assert worker["capabilities"] == {**HOST_DETAILS, **HARDWARE}
    assert {t["id"] for t in worker["current_trials"]} == set(cluster["trials"].values())


def test_a_member_sees_the_cluster_without_the_brokers_address(admin: TestClient, cluster: dict[str, Any]) -> None:
    member = admin.get("/api/cluster", headers=cluster["alice"]).json()
    assert member["broker"]["url"] is None and "127.0.0.1" not in str(member)
    assert [q["name"] for q in member["queues"]][:1] == ["cpu"]
    assert admin.get("/api/cluster").json()["broker"]["url"] == BROKER


def test_a_member_sees_that_a_source_failed_but_not_why() -> None:
    why = "error: ConnectionError: Error 111 connecting to 10.0.0.5:6379. Connection refused."
    status = ClusterStatus(
        mode="cluster",
        broker=BrokerStatus(url="redis://10.0.0.5:6379/0", status=why),
        database=DatabaseStatus(kind="postgresql", status="error: could not connect to db.internal:5432"),
        event_bus="redis",
        queues=[],
        workers=WorkerCounts(online=None, offline=None),
        local_pool=LocalPool(processes=2, trials_on_master=True),
    )
    trimmed = member_view(status)
    assert trimmed.broker == BrokerStatus(url=None, status=MEMBER_ERROR)
    assert trimmed.database == DatabaseStatus(kind="postgresql", status=MEMBER_ERROR)
    assert member_view(member_view(status)) == trimmed and trimmed.local_pool == status.local_pool
