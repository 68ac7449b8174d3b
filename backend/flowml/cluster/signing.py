"""What the master signs for its workers, and checks when they come back (ARCHITECTURE.md section 12).

Every key derives from the master's signing key (auth/secret.py) with HMAC-SHA256 and a purpose label, so nothing
here is stored and every API process of one master checks alike:

- A trial capability: the task payload carries it, the worker presents it with its join token to fetch the trial's
  dataset and to upload its out-of-fold predictions, and signs its events with it attached. It names one job, one
  trial number and one dataset hash, and expires shortly after the trial's deadline, so a worker reaches the data of
  the trials it was sent and nothing else. It is worker-agnostic: the master cannot know which worker takes a task.
- A worker's event key, HMAC(signing key, worker id and name), handed out at registration: the worker signs the
  events it publishes straight to Redis, and the master drops any that do not verify.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field

from loguru import logger
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from flowml.core.errors import ForbiddenError
from flowml.events.schemas import Event, EventType, parse_payload

# A worker uploads the predictions after the trial ends, which may be at its deadline; a large upload takes a while.
CAPABILITY_GRACE_SECONDS = 300
# The only events workers publish; anything else claiming to come from a worker is dropped.
WORKER_EVENT_TYPES = frozenset({EventType.TRIAL_RUNNING})
# A signed event is live news: one older than this (or from the future by more) is a replay and dropped.
EVENT_MAX_AGE_SECONDS = 120
# Dropped worker events are logged at most this often, with a count: a flood must not flood the log too.
DROP_LOG_SECONDS = 60.0
CAPABILITY_HEADER = "X-Trial-Capability"
_CAPABILITY_PURPOSE = "flowml trial capability v1"
_EVENT_KEY_PURPOSE = "flowml worker event key v1"


def _mac(key: bytes | str, *parts: object) -> str:
    """HMAC-SHA256 over an unambiguous encoding of `parts` (a JSON list: no separator can be smuggled in)."""
    raw = key.encode() if isinstance(key, str) else key
    return hmac.new(raw, json.dumps(parts, separators=(",", ":")).encode(), hashlib.sha256).hexdigest()


class CapabilityRefused(ForbiddenError):
    """A data request without a valid capability for exactly this dataset or trial (403)."""


class TrialCapability(BaseModel):
    """The trial a capability was issued for. Only the master can mint one (it holds the signing key)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    job_id: str = Field(min_length=1, max_length=64)
    trial_number: int = Field(ge=0)
    dataset_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    expires: int = Field(description="Unix time after which the master refuses it")

    def issue(self, signing_key: str) -> str:
        """The token: the fields, base64url JSON, a dot, and their HMAC."""
        body = base64.urlsafe_b64encode(self.model_dump_json().encode()).decode().rstrip("=")
        return f"{body}.{_mac(signing_key, _CAPABILITY_PURPOSE, body)}"

    @classmethod
    def for_trial(cls, job_id: str, trial_number: int, dataset_sha256: str, deadline: float) -> TrialCapability:
        return cls(
            job_id=job_id,
            trial_number=trial_number,
            dataset_sha256=dataset_sha256,
            expires=int(deadline) + CAPABILITY_GRACE_SECONDS,
        )

    @classmethod
    def verify(cls, signing_key: str, token: str | None, now: float | None = None) -> TrialCapability:
        """The capability a token carries, or CapabilityRefused saying why not."""
        if not token:
            raise CapabilityRefused(f"missing {CAPABILITY_HEADER}: send the capability that came with the trial")
        body, _, mac = token.partition(".")
        if not hmac.compare_digest(mac.encode(), _mac(signing_key, _CAPABILITY_PURPOSE, body).encode()):
            raise CapabilityRefused(f"{CAPABILITY_HEADER} was not issued by this master")
        try:  # signed by this master, so well-formed unless the format changed between versions
            capability = cls.model_validate_json(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        except ValueError:
            raise CapabilityRefused(f"{CAPABILITY_HEADER} is not in a format this master reads") from None
        if capability.expires < (time.time() if now is None else now):
            raise CapabilityRefused(f"{CAPABILITY_HEADER} of trial {capability.trial_number} has expired")
        return capability

    def require_dataset(self, sha256: str) -> None:
        if sha256 != self.dataset_sha256:
            raise CapabilityRefused("the trial capability does not cover this dataset")

    def require_trial(self, job_id: str, trial_number: int) -> None:
        if (job_id, trial_number) != (self.job_id, self.trial_number):
            raise CapabilityRefused("the trial capability does not cover this job's trial")


def worker_event_key(signing_key: str, worker_id: str, worker_name: str) -> str:
    """The key a worker signs its events with; the master derives it again to check them."""
    return _mac(signing_key, _EVENT_KEY_PURPOSE, worker_id, worker_name)


class SignedWorkerEvent(BaseModel):
    """What a worker publishes on the worker channel: the event as sent, who sent it, for which trial, signed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    worker_id: str = Field(max_length=64)
    worker: str = Field(max_length=255)
    capability: str = Field(max_length=4096)
    event: str = Field(max_length=65536, description="The Event's JSON, exactly as signed")
    signature: str = Field(max_length=64)

    @classmethod
    def sign(cls, event: Event, *, worker_id: str, worker: str, capability: str, event_key: str) -> SignedWorkerEvent:
        payload = event.model_dump_json()
        return cls(
            worker_id=worker_id,
            worker=worker,
            capability=capability,
            event=payload,
            signature=_mac(event_key, worker_id, worker, capability, payload),
        )

    def signed_by(self, event_key: str) -> bool:
        expected = _mac(event_key, self.worker_id, self.worker, self.capability, self.event)
        return hmac.compare_digest(self.signature.encode(), expected.encode())


@dataclass
class WorkerEventVerifier:
    """The master's check of worker events from Redis: the event if it holds, else None (the drop is logged,
    rate-limited). It holds when the worker's signature verifies, the event is a worker's kind and recent, it
    names the signing worker, and the capability attached covers that job and trial and has not expired."""

    signing_key: str
    _dropped: int = field(default=0, init=False)
    _logged_at: float = field(default=float("-inf"), init=False)

    def __call__(self, raw: str | bytes) -> Event | None:
        checked = self._check(raw)
        if isinstance(checked, str):
            self._drop(checked)
            return None
        return checked

    def _check(self, raw: str | bytes) -> Event | str:
        """The event, or why it is dropped."""
        try:
            signed = SignedWorkerEvent.model_validate_json(raw)
        except ValidationError:
            return "not a signed worker event"
        if not signed.signed_by(worker_event_key(self.signing_key, signed.worker_id, signed.worker)):
            return f"bad signature (claims worker {signed.worker!r})"
        try:
            event = Event.model_validate_json(signed.event)
            parse_payload(event.type, event.data)  # the payload its type carries, or a ValidationError
            capability = TrialCapability.verify(self.signing_key, signed.capability)
        except (ValueError, CapabilityRefused) as exc:  # pydantic's ValidationError is a ValueError
            return f"from {signed.worker!r}: {exc}"
        problem = _event_problem(event, signed.worker, capability)
        return f"from {signed.worker!r}: {problem}" if problem else event

    def _drop(self, reason: str) -> None:
        self._dropped += 1
        now = time.monotonic()
        if now - self._logged_at >= DROP_LOG_SECONDS:
            logger.warning("dropped {} worker event(s) from Redis; the latest: {}", self._dropped, reason)
            self._dropped, self._logged_at = 0, now
        else:
            logger.debug("dropped a worker event from Redis: {}", reason)


def _event_problem(event: Event, worker: str, capability: TrialCapability) -> str | None:
    """Why a correctly signed event is still not accepted, or None."""
    if event.durable or event.type not in WORKER_EVENT_TYPES:
        return f"workers may not publish {event.type.value} events" + (" with an id" if event.durable else "")
    if abs(time.time() - event.timestamp.timestamp()) > EVENT_MAX_AGE_SECONDS:
        return "stale or future timestamp (a replay?)"
    if event.job_id != capability.job_id or event.data.get("trial_number") != capability.trial_number:
        return "the capability does not cover this job's trial"
    if event.data.get("worker") != worker:
        return "the event names another worker"
    return None
