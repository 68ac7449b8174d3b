"""In-process rate limits: one token bucket per (bucket name, client IP) or (bucket name, user), as FastAPI
dependencies.

    @router.post("/model/{model_id}/predict", dependencies=[rate_limit("predict", lambda s: s.PREDICT_RATE_PER_MINUTE)])

A bucket holds up to a minute's worth of requests and refills continuously, so a client may burst and then keeps
the configured rate. Buckets live in this process: with several API processes each enforces its own share, which is
enough to stop one client from monopolizing the prediction workers (and, later, from guessing passwords).

The client is `request.client.host`. Behind a reverse proxy on the same machine, uvicorn already replaces it with
the address from X-Forwarded-For (its `forwarded_allow_ips` trusts 127.0.0.1 by default), so clients stay apart.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import FastAPI, HTTPException, Request, params

from flowml.api.auth import CurrentUser
from flowml.core.settings import Settings

# Buckets kept at most; past it the least recently used go first (a full bucket is the same as none at all).
MAX_BUCKETS = 10_000


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Token buckets keyed by (name, client). Used from the event loop only, so it needs no lock."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, max_buckets: int = MAX_BUCKETS) -> None:
        self._clock = clock
        self._max_buckets = max_buckets
        self._buckets: OrderedDict[tuple[str, str], _Bucket] = OrderedDict()

    def take(self, name: str, client: str, per_minute: float) -> float | None:
        """Spend one token; None when allowed, else the seconds until the next token."""
        capacity = max(1.0, per_minute)
        per_second = per_minute / 60.0
        now = self._clock()
        key = (name, client)
        bucket = self._buckets.pop(key, None) or _Bucket(tokens=capacity, updated=now)
        bucket.tokens = min(capacity, bucket.tokens + (now - bucket.updated) * per_second)
        bucket.updated = now
        self._buckets[key] = bucket  # most recently used last
        while len(self._buckets) > self._max_buckets:
            self._buckets.popitem(last=False)
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return None
        return (1.0 - bucket.tokens) / per_second


def install_rate_limiter(app: FastAPI, limiter: RateLimiter | None = None) -> None:
    """Give an app its own buckets, so two apps in one process (tests) never share counts."""
    app.state.rate_limiter = limiter or RateLimiter()


def rate_limit(name: str, per_minute: Callable[[Settings], float]) -> params.Depends:
    """A route dependency: 429 with Retry-After once the client used up bucket `name`.

    `per_minute` reads the rate from the app's settings, so tests and deployments set it like any other setting.
    Routes that share a name share one budget per client (/predict and /predict/batch do).
    """

    async def check(request: Request) -> None:
        client = request.client.host if request.client else "unknown"
        _spend(request, name, client, per_minute, who=f"from {client}")

    return params.Depends(check)


def user_rate_limit(name: str, per_minute: Callable[[Settings], float]) -> params.Depends:
    """`rate_limit` per signed-in user instead of per client IP, for work a user could spread over many addresses.
    The route is authenticated by it (FastAPI resolves `current_user` once per request however many ask for it)."""

    async def check(request: Request, user: CurrentUser) -> None:
        # "user:" keeps these buckets apart from the per-IP ones of the same name.
        _spend(request, name, f"user:{user.id}", per_minute, who=f"by {user.username}")

    return params.Depends(check)


def _spend(request: Request, name: str, key: str, per_minute: Callable[[Settings], float], *, who: str) -> None:
    limiter: RateLimiter = request.app.state.rate_limiter
    settings: Settings = request.app.state.settings
    rate = per_minute(settings)
    wait = limiter.take(name, key, rate)
    if wait is not None:
        retry_after = max(1, math.ceil(wait))
        raise HTTPException(
            status_code=429,
            detail=f"too many {name} requests {who}: the limit is {rate:g} per minute; retry in {retry_after} s",
            headers={"Retry-After": str(retry_after)},
        )
