"""Per-worker Redis users: each worker reaches only the keys and channels its Celery worker and runtime need.

The master holds the admin credential (CELERY_BROKER_URL, CELERY_RESULT_BACKEND, REDIS_URL). At registration it
creates an ACL user `flowml-worker-<worker id>` with a random password on every Redis server those URLs name, and
hands the worker URLs with that user's credentials; revoking the token, deregistering or the offline sweep deletes
the user, which also closes its connections. Redis keeps ACL users in memory only (unless an ACL file is saved), so
after a Redis restart the master creates them again from the password's SHA-256 it keeps in SQL, at the worker's
next heartbeat.

The rules were found by running a real worker under a restricted user and reading `ACL LOG` (tests/cluster/
test_worker_acl.py runs one). Selectors (Redis 7) pair each group of keys with the only commands used on them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

import redis.asyncio as aioredis
from kombu.transport.redis import PRIORITY_STEPS, Channel
from redis.exceptions import ResponseError

from flowml.cluster.celery_app import CONTROL_EXCHANGE, RESULT_KEY_PREFIX, TRIAL_EXCHANGE
from flowml.cluster.worker_runtime import CANCEL_KEY
from flowml.events.redis_bus import EventKeys

USER_PREFIX = "flowml-worker-"
# ACL selectors, which pair each group of keys with its own commands, came with Redis 7.0.
MIN_REDIS_MAJOR = 7
PROBE_USER = "flowml-acl-probe"
TIMEOUT_SECONDS = 5.0


class AclUnsupported(Exception):
    """This Redis has no ACLs (before 6.0), or the master's credential may not manage them."""


@dataclass(frozen=True)
class UnackedKeys:
    """kombu keeps each message a worker has taken but not yet acknowledged in these keys. One set per worker
    instead of kombu's shared `unacked`, so no worker reads or changes another's messages in flight. kombu moves
    abandoned entries back to their queue only after the visibility timeout, which outlasts every trial's
    deadline, so a copy restored by another worker would be dropped as expired anyway: nothing is lost."""

    key: str
    index_key: str
    mutex_key: str

    @classmethod
    def of(cls, worker_id: str) -> UnackedKeys:
        return cls(f"unacked:{worker_id}", f"unacked_index:{worker_id}", f"unacked_mutex:{worker_id}")

    def transport_options(self) -> dict[str, str]:
        return {"unacked_key": self.key, "unacked_index_key": self.index_key, "unacked_mutex_key": self.mutex_key}


@dataclass(frozen=True)
class WorkerScope:
    """What one worker consumes and where: everything its rules are made from."""

    worker_id: str
    queues: tuple[str, ...]
    node_name: str  # the Celery node name, `<name>@<host>` (cluster/celery_app.py node_name)
    broker_db: int

    @property
    def username(self) -> str:
        return acl_username(self.worker_id)


def acl_username(worker_id: str) -> str:
    return f"{USER_PREFIX}{worker_id}"


def worker_rules(scope: WorkerScope, password_sha256: str) -> list[str]:
    """The ACL SETUSER arguments for one worker. Each rule is there because a worker failed without it."""
    unacked = UnackedKeys.of(scope.worker_id)
    pidbox_queue = f"{scope.node_name}.{CONTROL_EXCHANGE}"
    return [
        # From nothing: no password but this one, no keys, no channels, no commands (not FLUSHALL, CONFIG, KEYS...).
        "reset",
        "resetchannels",
        "on",
        f"#{password_sha256}",
        # Connecting (RESP3 HELLO carries AUTH), the database number in the URL, pipelines and kombu's transactions.
        "+hello",
        "+auth",
        "+ping",
        "+select",
        "+multi",
        "+exec",
        "+discard",
        "+unwatch",
        # redis-py's Lock (kombu's unacked mutex) releases with a Lua script it loads on first use. Redis checks
        # every command inside a script against these same rules, so a script reaches nothing more.
        "+script|load",
        # Remote control (the master's revoke of a cancelled trial) arrives on the pidbox fanout channel. Subscribe
        # only: PUBLISH is not in this root set, so a worker cannot send control commands to other workers.
        "+psubscribe",
        "+punsubscribe",
        f"&/{scope.broker_db}.{CONTROL_EXCHANGE}",  # PSUBSCRIBE is matched literally: no glob here
        # The queues it consumes (with kombu's priority sub-lists): pop, count at declare, and push back what it
        # had taken when it stops cold or a pool process dies (task_reject_on_worker_lost).
        _selector("+brpop +llen +lpush +rpush", _keys(k for q in scope.queues for k in _priority_lists(q))),
        # Declaring its queues binds them to the trial exchange; putting a message back looks the binding up.
        _selector("+sadd +smembers", _keys(_bindings(TRIAL_EXCHANGE))),
        # Its own remote-control mailbox: declared (and its binding added) at start, deleted at shutdown.
        _selector("+sadd +srem", _keys(_bindings(CONTROL_EXCHANGE))),
        _selector("+llen +del", _keys(_priority_lists(pidbox_queue))),
        # Its own messages in flight (see UnackedKeys), and the mutex kombu takes to restore them.
        _selector("+zadd +zrem +zrange +hset +hget +hdel +watch", _keys([unacked.key, unacked.index_key])),
        _selector("+set +get +del +evalsha", _keys([unacked.mutex_key])),
        # Task states and results: Celery reads the current state before writing (it never overwrites SUCCESS),
        # writes with a TTL and publishes to the key's channel for the master's result consumer.
        f"(+get +setex +publish ~{RESULT_KEY_PREFIX}* &{RESULT_KEY_PREFIX}*)",
        # The master's cancel flags, read only (cluster/worker_runtime.py CancelWatcher).
        f"(+exists %R~{CANCEL_KEY.format(job_id='*')})",
        # Signed trial announcements (cluster/signing.py): the worker channel only, never the master's event
        # channel or the job streams, which it can neither read nor write.
        _selector("+publish", [_quoted(f"&{_glob(EventKeys().worker_channel)}")]),
    ]


class RedisAcl:
    """Manages worker users on every Redis server the master's URLs name (the admin credential in each)."""

    def __init__(self, admin_urls: Iterable[str]) -> None:
        servers: dict[str, str] = {}
        for url in admin_urls:
            servers.setdefault(server_of(url), url)
        self._clients = [
            aioredis.Redis.from_url(url, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS)
            for url in servers.values()
        ]

    async def probe(self) -> None:
        """Raise AclUnsupported when any server cannot hold worker users (RedisError when one is unreachable)."""
        for client in self._clients:
            await _require_selectors(client)
            await _acl(client, "SETUSER", PROBE_USER, "reset", "off")
            await _acl(client, "DELUSER", PROBE_USER)

    async def put_user(self, scope: WorkerScope, password_sha256: str) -> None:
        """Create the worker's user, or replace it (a new registration): connections that authenticated with an
        earlier password are closed, since Redis does not check a connection's password again."""
        for client in self._clients:
            await _require_selectors(client)
            await _acl(client, "SETUSER", scope.username, *worker_rules(scope, password_sha256))
            await client.execute_command("CLIENT", "KILL", "USER", scope.username)

    async def ensure_user(self, scope: WorkerScope, password_sha256: str) -> bool:
        """Create the user where it is missing (Redis restarted, or the sweep removed it); True if it was."""
        created = False
        for client in self._clients:
            if await _acl(client, "GETUSER", scope.username) is None:
                await _acl(client, "SETUSER", scope.username, *worker_rules(scope, password_sha256))
                created = True
        return created

    async def delete_user(self, worker_id: str) -> None:
        """Remove the user (ACL DELUSER also closes its connections) and its messages in flight."""
        unacked = UnackedKeys.of(worker_id)
        for client in self._clients:
            await _acl(client, "DELUSER", acl_username(worker_id))
            await client.delete(unacked.key, unacked.index_key, unacked.mutex_key)

    async def close(self) -> None:
        for client in self._clients:
            await client.aclose()


async def _require_selectors(client: aioredis.Redis) -> None:
    try:
        version = str((await client.info("server")).get("redis_version", "0"))
    except ResponseError as exc:  # a credential that may not even run INFO manages no ACL users either
        raise AclUnsupported(f"cannot read the Redis version: {exc}") from exc
    head = version.split(".", 1)[0]
    major = int(head) if head.isdigit() else 0
    if major < MIN_REDIS_MAJOR:
        raise AclUnsupported(f"Redis {version} has no ACL selectors; per-worker users need Redis {MIN_REDIS_MAJOR}")


async def _acl(client: aioredis.Redis, *args: str) -> object:
    try:
        return await client.execute_command("ACL", *args)
    except ResponseError as exc:  # NOPERM is a ResponseError too
        message = str(exc)
        if "unknown command" in message.lower() or "permission" in message.lower():
            raise AclUnsupported(message) from exc
        raise


def server_of(url: str) -> str:
    """Which Redis server a URL names (host and port, or socket path): one user per server serves all its DBs."""
    parts = urlsplit(url)
    if parts.scheme.lower() in {"unix", "redis+socket"}:
        return f"unix:{parts.path}"
    return f"{parts.hostname or 'localhost'}:{parts.port or 6379}"


def broker_db(url: str) -> int:
    """The database number of a Redis URL (path `/3`, or `?db=3` for a socket), as kombu names channels by it."""
    parts = urlsplit(url)
    match = re.fullmatch(r"/?(\d+)", parts.path) or re.search(r"(?:^|&)db=(\d+)", parts.query)
    return int(match.group(1)) if match else 0


def worker_url(url: str, username: str, password: str) -> str:
    """`url` with the worker's credentials in place of the master's."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{quote(username, safe='')}:{quote(password, safe='')}@{host}"))


def _priority_lists(queue: str) -> list[str]:
    """kombu keeps a queue's messages of priority p > 0 in a list of its own, `<queue><sep><p>`."""
    return [queue if step == 0 else f"{queue}{Channel.sep}{step}" for step in PRIORITY_STEPS]


def _bindings(exchange: str) -> list[str]:
    return [Channel.keyprefix_queue % exchange, Channel.keyprefix_binding_permanent % exchange]


def _keys(keys: Iterable[str]) -> list[str]:
    return [_quoted(f"~{_glob(key)}") for key in keys]


def _selector(commands: str, patterns: list[str]) -> str:
    return f"({commands} {' '.join(patterns)})"


def _quoted(rule: str) -> str:
    """One rule inside a selector, which Redis splits like a command line (sdssplitargs): in double quotes, with
    quotes, backslashes and anything unprintable escaped, so a space or quote in a worker's name stays literal."""
    return '"' + "".join(_escape(char) for char in rule) + '"'


def _escape(char: str) -> str:
    if char in '"\\':
        return "\\" + char
    if " " <= char <= "~":
        return char
    return "".join(f"\\x{byte:02x}" for byte in char.encode())


def _glob(text: str) -> str:
    """`text` as a literal in a Redis glob pattern (a worker named `gpu*` must not match other keys). Redis refuses
    whitespace in a pattern, so `?` (any one character) stands for it: the pattern then also matches that name with
    another character there, which widens nothing that matters (a mailbox of that other name, if one existed)."""
    return re.sub(r"\s", "?", re.sub(r"([*?\[\]\\])", r"\\\1", text))
