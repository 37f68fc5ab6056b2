"""Rate limits: token buckets per principal (and per address for sign-in), in this process.

Each server process keeps its own buckets, so N replicas allow up to N times a limit in
total; that bounds a sweep without a shared store (a PostgreSQL-backed bucket would make it
exact across replicas). Which actions a principal's calls count against, and in which
bucket, is the policy's answer (`rate_limit` in policies/base.polar); how many per minute
is configuration (Settings.rate_per_minute).
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache

from strawberry.extensions import FieldExtension

from graph.errors import ApiError


class RateLimited(ApiError):
    code = "RATE_LIMITED"


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float


class Limiter:
    """Token buckets keyed by (bucket, key): `per_minute` tokens, refilled evenly, the same
    number at most in reserve (a minute's worth at once, then the steady rate)."""

    def __init__(self, *, max_keys: int = 100_000, clock: Callable[[], float] = time.monotonic):
        self._buckets: OrderedDict[tuple[str, str], _Bucket] = OrderedDict()
        self._max_keys = max_keys
        self._clock = clock

    def take(self, *wanted: tuple[str, str, int]) -> int:
        """Take one token from each (bucket, key, per_minute), all or none: 0 when taken,
        else the seconds until all of them have one. A rate of 0 or less is no limit."""
        now = self._clock()
        waits, found = [], []
        for bucket, key, per_minute in wanted:
            if per_minute <= 0:
                continue
            state = self._refilled((bucket, key), per_minute, now)
            found.append(state)
            if state.tokens < 1:
                waits.append((1 - state.tokens) * 60 / per_minute)
        if waits:
            return max(1, math.ceil(max(waits)))
        for state in found:
            state.tokens -= 1
        return 0

    def _refilled(self, key: tuple[str, str], per_minute: int, now: float) -> _Bucket:
        state = self._buckets.get(key)
        if state is None:
            state = _Bucket(float(per_minute), now)
            self._buckets[key] = state
            while len(self._buckets) > self._max_keys:  # the longest idle go first
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
            state.tokens = min(per_minute, state.tokens + (now - state.at) * per_minute / 60)
            state.at = now
        return state


@cache
def shared() -> Limiter:
    """The buckets of GraphQL operations in this process (made on first use)."""
    return Limiter()


# The largest Retry-After of this HTTP request's refusals; the app adds it as a header.
_RETRY_AFTER: ContextVar[list[int] | None] = ContextVar("claimgraph_retry_after", default=None)


def watch_retry_after() -> list[int]:
    """Start collecting this request's Retry-After (call before the operation runs)."""
    holder: list[int] = []
    _RETRY_AFTER.set(holder)
    return holder


def _note_retry_after(seconds: int) -> None:
    holder = _RETRY_AFTER.get()
    if holder is not None:
        holder.append(seconds)


class RateLimits(FieldExtension):
    """On root fields: a call the policy counts against a bucket takes a token from the
    principal's bucket, or is refused with RATE_LIMITED (and Retry-After) before it runs."""

    def _check(self, info) -> None:
        ctx = info.context
        bucket = ctx.authorizer.rate_limit(ctx.principal, info.field_name)
        if bucket is None:
            return
        per_minute = ctx.settings.rate_per_minute(bucket)
        wait = shared().take((bucket, str(ctx.principal.user_id), per_minute))
        if wait:
            _note_retry_after(wait)
            ctx.audit.event(f"{info.field_name}_rate_limited", "Operation", None,
                            success=False, error="RATE_LIMITED")  # fmt: skip
            raise RateLimited(
                f"Too many {info.field_name} calls; retry in {wait} s.", retryAfter=wait
            )

    def resolve(self, next_, source, info, **kwargs):
        self._check(info)
        return next_(source, info, **kwargs)

    async def resolve_async(self, next_, source, info, **kwargs):
        self._check(info)
        result = next_(source, info, **kwargs)
        return await result if hasattr(result, "__await__") else result


def gate(root_type: type) -> type:
    """Put RateLimits on every field of a root type (idempotent)."""
    for field in root_type.__strawberry_definition__.fields:
        if not any(isinstance(e, RateLimits) for e in field.extensions):
            field.extensions.append(RateLimits())
    return root_type
