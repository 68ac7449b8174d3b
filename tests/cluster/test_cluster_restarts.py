"""A real cluster survives its infrastructure restarting under a running job.

- Redis (broker, result backend and event bus at once) killed mid-job and started again empty on the same port:
  the job completes, the workers reconnect and take trials again, and WebSocket clients miss no durable event.
- The master SIGKILLed mid-job and started again on the same port, data dir and Redis: the job resumes from SQL and
  completes, the workers go on serving the new master, and a WebSocket client that reconnects with `?since=`
  misses no durable event.

Each test runs its own redis-server (tests/cluster/procs.py `private_redis`), never the shared one.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed, InvalidHandshake
from websockets.sync.client import ClientConnection, connect

from tests.cluster.procs import Cluster, cluster_on_private_redis, wait_for
from tests.cluster.test_cluster_e2e import start_job, trials, upload, wait_final

pytestmark = [pytest.mark.services, pytest.mark.slow, pytest.mark.timeout(300)]

WORKERS = ("alpha", "beta")
TERMINAL_EVENTS = {"training_completed", "training_failed", "training_cancelled"}
RESUMED = "resumed after a server restart"
# The deliberate outage: long enough that the workers, the executor and the event bus all notice Redis is gone.
OUTAGE_SECONDS = 3.0
# How often the follower thread looks up from a quiet socket to see whether the test asked it to disconnect.
RECV_POLL_SECONDS = 0.2


class EventFollower:
    """A WebSocket client of /ws/jobs/{id} in a thread, as a dashboard would be: it starts with `?since=0`, and
    whenever its connection drops (or the test drops it) reconnects with `?since=<last durable id seen>`, until it
    has seen the job's final event. Records every durable event it received, in order."""

    def __init__(self, url_for: Callable[[int], str], headers: dict[str, str]) -> None:
        self._url_for = url_for
        self._headers = headers
        self.events: list[dict[str, Any]] = []
        self.connections = 0
        self.finished = threading.Event()
        self._offline = threading.Event()  # set: stay disconnected until `reconnect`
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="event-follower", daemon=True)

    @property
    def ids(self) -> list[int]:
        return [int(event["id"]) for event in self.events]

    @property
    def last_id(self) -> int:
        return max(self.ids, default=0)

    def start(self) -> None:
        self._thread.start()

    def disconnect(self) -> None:
        """Close the socket and stay offline, like a browser tab that lost its network."""
        self._offline.set()

    def reconnect(self) -> None:
        self._offline.clear()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set() and not self.finished.is_set():
            if self._offline.is_set():
                time.sleep(RECV_POLL_SECONDS)
                continue
            try:
                url = self._url_for(self.last_id)
                with connect(url, proxy=None, open_timeout=5, additional_headers=self._headers) as socket_:
                    self.connections += 1
                    self._read(socket_)
            except (OSError, ConnectionClosed, InvalidHandshake):
                # The master is down or restarting: try again, as the dashboard does.
                time.sleep(RECV_POLL_SECONDS)

    def _read(self, socket_: ClientConnection) -> None:
        while not self._stop.is_set() and not self._offline.is_set():
            try:
                raw = socket_.recv(timeout=RECV_POLL_SECONDS)
            except TimeoutError:
                continue
            event = json.loads(raw)
            if "id" not in event:
                continue  # heartbeats and a worker's live-only progress: not durable, never replayed
            self.events.append(event)
            if event["type"] in TERMINAL_EVENTS:
                self.finished.set()
                return


def replay_ids(cluster: Cluster, job_id: str) -> list[int]:
    """Every durable event id of the job as a fresh client gets them with `?since=0`, up to the final event."""
    ids: list[int] = []
    with connect(cluster.ws_url(job_id, 0), proxy=None, open_timeout=10, additional_headers=cluster.headers) as socket_:
        while True:
            event = json.loads(socket_.recv(timeout=30))
            if "id" not in event:
                continue
            ids.append(int(event["id"]))
            if event["type"] in TERMINAL_EVENTS:
                return ids


def assert_saw_every_event(follower: EventFollower, replayed: list[int]) -> None:
    assert replayed == sorted(set(replayed)), "the replay lists each id once, in order"
    # Events a late tick emits after the final one are outside both views; compare up to the final event.
    final_id = replayed[-1]
    seen = {i for i in follower.ids if i <= final_id}
    missing, extra = sorted(set(replayed) - seen), sorted(seen - set(replayed))
    assert not missing and not extra, f"missing {missing}, not in the replay {extra}"


def started_after(trial: dict[str, Any], moment: float) -> bool:
    started = datetime.fromisoformat(trial["started_at"])
    # The API writes UTC; a value without an offset is UTC too, whatever this machine's time zone.
    return started.replace(tzinfo=started.tzinfo or UTC).timestamp() > moment


def completed_on_workers(cluster: Cluster, job_id: str, after: float = 0.0) -> int:
    return sum(
        1
        for t in trials(cluster, job_id)
        if t["worker"] in WORKERS and t["status"] == "completed" and started_after(t, after)
    )


def assert_trials_settled(cluster: Cluster, job_id: str) -> list[dict[str, Any]]:
    rows = trials(cluster, job_id)
    numbers = [t["trial_number"] for t in rows]
    assert len(numbers) == len(set(numbers)), f"a trial number recorded twice: {sorted(numbers)}"
    assert not [t for t in rows if t["status"] == "running"], "a trial left running"
    return rows


def workers_online(cluster: Cluster) -> bool:
    return all(cluster.worker_online(name) for name in WORKERS)


def test_a_redis_restart_mid_job_loses_nothing(tmp_path: Path) -> None:
    with cluster_on_private_redis(tmp_path) as (cluster, redis_server):
        cluster.start_workers(*WORKERS)
        # 75 s of budget: under a loaded CI machine the first trials, the outage and the workers' reconnect (Celery
        # backs off between tries) took most of a 45 s budget, and the job ended before a worker could run again.
        job_id = start_job(cluster, upload(cluster, "titanic.csv"), "survived", 1.25)
        # One client stays connected through the outage (the hub must catch it up from SQL), the other is offline
        # during it and comes back with ?since= (the replay must fill the gap).
        steady = EventFollower(lambda since: cluster.ws_url(job_id, since), cluster.headers)
        dropped = EventFollower(lambda since: cluster.ws_url(job_id, since), cluster.headers)
        steady.start()
        dropped.start()
        try:
            wait_for(lambda: completed_on_workers(cluster, job_id) >= 2, 60, "trials completed on the workers", 0.3)
            wait_for(lambda: dropped.connections and dropped.events, 10, "the second client's first events")
            dropped.disconnect()
            redis_server.kill()
            time.sleep(OUTAGE_SECONDS)  # the deliberate outage
            redis_server.start()  # same port, empty memory: queued messages, results and streams are gone
            restarted_at = time.time()
            dropped.reconnect()

            wait_for(
                lambda: completed_on_workers(cluster, job_id, after=restarted_at) >= 1,
                90,
                "a trial completed on a worker after the restart",
                0.3,
            )
            final = wait_final(cluster, job_id, 120)
            assert final["status"] == "completed", final
            rows = assert_trials_settled(cluster, job_id)
            # Trials lost in the outage end as timeout or failed (the search re-asks), never as "cancelled" in a
            # job nobody cancelled.
            assert not [t for t in rows if t["status"] == "cancelled"], rows
            assert workers_online(cluster)

            replayed = replay_ids(cluster, job_id)
            for follower in (steady, dropped):
                assert follower.finished.wait(30), "a client never saw the job's final event"
            assert steady.connections == 1, "the steady client was disconnected"
            assert dropped.connections >= 2
            assert_saw_every_event(steady, replayed)
            assert_saw_every_event(dropped, replayed)
        finally:
            steady.close()
            dropped.close()


def test_a_master_killed_mid_job_resumes_it(tmp_path: Path) -> None:
    with cluster_on_private_redis(tmp_path) as (cluster, _redis_server):
        cluster.start_workers(*WORKERS)
        registered = {
            w["name"]: w["id"]
            for w in httpx.get(f"{cluster.url}/api/workers", headers=cluster.headers, timeout=5).json()
        }
        # A short budget: the resumed job gets what is left of it (at least 20 s), and the wait for the dead master's
        # lease to run out (up to 30 s, then the next 15 s recovery scan) already makes this the slower test.
        job_id = start_job(cluster, upload(cluster, "titanic.csv"), "survived", 0.4)
        follower = EventFollower(lambda since: cluster.ws_url(job_id, since), cluster.headers)
        follower.start()
        try:
            wait_for(lambda: completed_on_workers(cluster, job_id) >= 2, 60, "trials completed on the workers", 0.3)
            cluster.restart_master()
            restarted_at = time.time()

            wait_for(
                lambda: any(
                    e["type"] == "training_started" and e["data"]["job"]["message"] == RESUMED for e in follower.events
                ),
                90,
                "the job to resume",
                0.3,
            )
            final = wait_final(cluster, job_id, 120)
            assert final["status"] == "completed", final
            assert_trials_settled(cluster, job_id)
            assert completed_on_workers(cluster, job_id, after=restarted_at) >= 1, "no worker served the new master"
            assert workers_online(cluster)
            listed = {
                w["name"]: w["id"]
                for w in httpx.get(f"{cluster.url}/api/workers", headers=cluster.headers, timeout=5).json()
            }
            assert all(listed[name] == registered[name] for name in WORKERS), (registered, listed)

            replayed = replay_ids(cluster, job_id)
            assert follower.finished.wait(30), "the client never saw the job's final event"
            assert follower.connections >= 2
            assert_saw_every_event(follower, replayed)
        finally:
            follower.close()
