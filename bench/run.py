"""Load generator: one GraphQL operation, fixed concurrency, fixed time, one JSON line out.

    python -m bench.run member-dashboard --concurrency 16 --seconds 20

Every response must have `data` and no `errors`; anything else counts as an error. The
requests go out through aiohttp, whose client costs a fraction of httpx's per request: with
httpx on the load generator's core, the generator ran out of CPU before a one-worker server
did (member dashboards: 207 requests/s with httpx, 309 with aiohttp, from the same server).
Writes prepare their bodies with httpx before the clock starts.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import statistics
import subprocess
import sys
import time

import aiohttp
import httpx

from bench.operations import OPERATIONS, WRITES
from bench.workloads import prepare


def _token(email: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "graph.cli", "token", "--email", email],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"could not get a token for {email}: {result.stderr.strip()}")
    return result.stdout.strip()


def _ok(payload: dict, expect: str | None) -> bool:
    data = payload.get("data")
    if not data or payload.get("errors"):
        return False
    return expect is None or next(iter(data.values()))["__typename"] == expect


async def _worker(session, url, bodies, headers, deadline, latencies, errors, expect=None) -> None:
    while time.perf_counter() < deadline:
        body = next(bodies, None)
        if body is None:
            return  # a write workload ran out of prepared work
        started = time.perf_counter()
        try:
            async with session.post(url, data=body, headers=headers) as response:
                payload = await response.read()
            ok = response.status == 200 and _ok(json.loads(payload), expect)
        except (TimeoutError, aiohttp.ClientError, ValueError):
            ok = False
        latencies.append(time.perf_counter() - started)
        if not ok:
            errors.append(1)


async def run(operation: str, *, url: str, concurrency: int, seconds: float, token: str | None):
    if operation in WRITES:
        query, email, expect = WRITES[operation]
    else:
        (query, email), expect = OPERATIONS[operation], None
    token = token or _token(email)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    latencies: list[float] = []
    errors: list[int] = []
    if operation in WRITES:
        admin = {**headers, "Authorization": f"Bearer {_token('admin@example.com')}"}
        async with httpx.AsyncClient(timeout=30) as client:
            bodies = await prepare(operation, client, url, admin, query, seconds=seconds)
    else:
        bodies = itertools.repeat(json.dumps({"query": query}).encode())
    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        # warm up: caches, pool, JIT-free but still worth one round
        await _worker(session, url, bodies, headers, time.perf_counter() + 1, [], [], expect)
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(
            *(
                _worker(session, url, bodies, headers, deadline, latencies, errors, expect)
                for _ in range(concurrency)
            )
        )
        elapsed = time.perf_counter() - started
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 2)

    return {
        "operation": operation,
        "concurrency": concurrency,
        "seconds": round(elapsed, 2),
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": pct(0.50) if ordered else None,
        "p99_ms": pct(0.99) if ordered else None,
        "mean_ms": round(statistics.fmean(ordered) * 1000, 2) if ordered else None,
        "errors": len(errors),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    p.add_argument("operation", choices=sorted(OPERATIONS) + sorted(WRITES))
    p.add_argument("--url", default="http://127.0.0.1:8000/graphql")
    p.add_argument("--concurrency", type=int, default=16)
    p.add_argument("--seconds", type=float, default=20)
    p.add_argument("--token", help="bearer token (default: `claimgraph token` for the persona)")
    args = p.parse_args(argv)
    if args.concurrency < 1 or args.seconds <= 0:
        p.error("--concurrency must be >= 1 and --seconds > 0")
    result = asyncio.run(
        run(
            args.operation,
            url=args.url,
            concurrency=args.concurrency,
            seconds=args.seconds,
            token=args.token,
        )
    )
    print(json.dumps(result))
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
