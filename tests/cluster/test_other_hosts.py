"""Workers on other hosts: a worker in its own network namespace reaches the master and Redis only over a veth
link, as a machine on the LAN would. It runs trials with data it fetched over that link, and a network cut in the
middle of a job costs nothing: the job completes, no trial is counted twice, nothing stays running."""

from __future__ import annotations

import secrets
from collections import Counter
from pathlib import Path

import httpx
import pytest

from tests.cluster.netns import other_host
from tests.cluster.procs import Cluster, private_redis, wait_for
from tests.cluster.test_cluster_e2e import start_job, trials, upload, wait_final, wait_running_on
from tests.events.conftest import PrivateRedis

pytestmark = [pytest.mark.services, pytest.mark.slow, pytest.mark.timeout(600)]


def test_a_worker_on_another_host_trains_over_the_network(tmp_path: Path) -> None:
    with other_host() as host:
        redis_server = lan_redis(tmp_path, host.host_ip)
        cluster = Cluster(root=tmp_path, redis_url=redis_server.url, host=host.host_ip)
        try:
            cluster.start_master()
            remote = cluster.start_worker("remote", netns=host.namespace)
            dataset_id = upload(cluster, "iris.csv")
            job_id = start_job(cluster, dataset_id, "target", 0.3)
            final = wait_final(cluster, job_id, 120)
            assert final["status"] == "completed", final
            rows = trials(cluster, job_id)
            assert Counter(t["worker"] for t in rows)["remote"] > 0
            assert "read from the master" in remote.tail(400)  # the dataset crossed the link
            workers = {
                w["name"]: w for w in httpx.get(f"{cluster.url}/api/workers", headers=cluster.headers, timeout=5).json()
            }
            assert workers["remote"]["status"] == "online"
        except BaseException:
            print(cluster.logs())
            raise
        finally:
            cluster.stop()
            redis_server.kill()


def test_a_network_cut_mid_job_costs_nothing(tmp_path: Path) -> None:
    with other_host() as host:
        redis_server = lan_redis(tmp_path, host.host_ip)
        cluster = Cluster(root=tmp_path, redis_url=redis_server.url, host=host.host_ip)
        try:
            cluster.start_master()
            cluster.start_worker("remote", netns=host.namespace)
            cluster.start_worker("near")
            dataset_id = upload(cluster, "titanic.csv")
            job_id = start_job(cluster, dataset_id, "survived", 0.75)
            wait_running_on(cluster, job_id, "remote", 60)
            host.cut()  # the remote machine drops off the network with a trial in hand
            wait_for(
                lambda: _status(cluster, "remote") == "offline", 30, "the cut-off worker to be marked offline", 0.5
            )
            final = wait_final(cluster, job_id, 150)
            assert final["status"] == "completed", final
            rows = trials(cluster, job_id)
            numbers = [t["trial_number"] for t in rows]
            assert len(numbers) == len(set(numbers))  # no trial counted twice
            assert all(t["status"] != "running" for t in rows)
            assert any(t["worker"] == "near" and t["status"] == "completed" for t in rows)
        except BaseException:
            print(cluster.logs())
            raise
        finally:
            cluster.stop()
            redis_server.kill()


def lan_redis(tmp_path: Path, address: str) -> PrivateRedis:
    """A Redis the other host can reach: bound to the link's address, with a password as on a real LAN."""
    redis_server = private_redis(tmp_path / "redis")  # skips or fails as the suite does when redis-server is absent
    redis_server.kill()
    redis_server.host = address
    redis_server.password = secrets.token_hex(16)
    redis_server.start()
    return redis_server


def _status(cluster: Cluster, name: str) -> str:
    listed = {
        w["name"]: w["status"]
        for w in httpx.get(f"{cluster.url}/api/workers", headers=cluster.headers, timeout=5).json()
    }
    return str(listed.get(name))
