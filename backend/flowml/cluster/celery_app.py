"""The Celery application, configured alike in the orchestrator and on every worker (ARCHITECTURE.md section 5).

Each setting is chosen on purpose:
- JSON only, in and out: a pickle payload from the broker would be code execution on every worker.
- `task_acks_late` + `task_reject_on_worker_lost`: a trial is acknowledged after it ran, so a worker process that
  dies mid-trial leaves the message to be redelivered instead of lost.
- Redis `visibility_timeout` longer than the longest hard time limit (Settings.visibility_timeout): otherwise
  Redis redelivers a long trial to a second worker while the first still runs it.
- Prefetch 1: a worker reserves only the trial it runs, so an idle worker elsewhere gets the next one.
- `task_track_started`: the orchestrator learns which worker took a trial, to give up on it if that worker dies.
- Per-task soft and hard time limits come from the trial's deadline (see cluster/executor.py), not from here.
- `control_queue_expires` off: kombu refreshes and sweeps expiring bindings with Lua scripts that touch every
  exchange's binding table, more than a worker's Redis user may (cluster/redis_acl.py). A stale remote-control
  binding costs nothing: control messages go out by pub/sub, not through the bindings.
- Each worker keeps its unacknowledged messages under keys of its own (`unacked`), given by the master at
  registration: see UnackedKeys in cluster/redis_acl.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from celery import Celery
from kombu import Queue

from flowml.cluster.queues import ALL_QUEUES, CPU

TRIAL_TASK = "flowml.trial"
DEFAULT_QUEUE = CPU
# Celery gives every queue declared without an exchange the default exchange, named after the default queue: all
# queue bindings live in one kombu table, `_kombu.binding.cpu`.
TRIAL_EXCHANGE = DEFAULT_QUEUE
# Celery's remote-control (pidbox) exchange, for the default control_exchange "celery".
CONTROL_EXCHANGE = "celery.pidbox"
# The Redis result backend's key (and pub/sub channel) for a task: this prefix and the task id.
RESULT_KEY_PREFIX = "celery-task-meta-"
# Results are read once by the orchestrator (and copied to SQL); an hour is plenty for a late reader.
RESULT_EXPIRES_SECONDS = 3600


def celery_config(
    broker_url: str,
    result_backend: str | None,
    visibility_timeout: int,
    worker_transport: dict[str, str] | None = None,
    plugin_queues: Iterable[str] = (),
) -> dict[str, Any]:
    """The settings every process of one cluster must share; `flowml worker` receives them from the master, with
    `worker_transport`: its own kombu keys (UnackedKeys.transport_options). `plugin_queues`: the plugin queues this
    process sends to or consumes (queues.plugin_queue), declared like the others: on the trial exchange, whose
    bindings are the only ones a worker's Redis user may write (cluster/redis_acl.py)."""
    transport: dict[str, Any] = {"visibility_timeout": visibility_timeout}
    return {
        "broker_url": broker_url,
        "result_backend": result_backend or broker_url,
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "result_accept_content": ["json"],
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_track_started": True,
        "broker_transport_options": {**transport, **(worker_transport or {})},
        "result_backend_transport_options": transport,
        "result_expires": RESULT_EXPIRES_SECONDS,
        "task_queues": [Queue(name) for name in (*ALL_QUEUES, *plugin_queues)],
        "task_default_queue": DEFAULT_QUEUE,
        "control_queue_expires": None,
        "broker_connection_retry_on_startup": True,
        # A worker that lost its broker connection cancels the trials it had reserved, so they are redelivered at
        # once instead of after the visibility timeout.
        "worker_cancel_long_running_tasks_on_connection_loss": True,
        "worker_hijack_root_logger": False,
    }


def create_celery(
    broker_url: str,
    result_backend: str | None,
    visibility_timeout: int,
    worker_transport: dict[str, str] | None = None,
    plugin_queues: Iterable[str] = (),
) -> Celery:
    app = Celery("flowml")
    app.conf.update(celery_config(broker_url, result_backend, visibility_timeout, worker_transport, plugin_queues))
    return app


def node_name(worker_name: str, hostname: str) -> str:
    """A worker's Celery node name; its remote-control mailbox is named after it."""
    return f"{worker_name}@{hostname}"
