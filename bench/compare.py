"""The server against its floor: the same reads, the same database, one run.

    python -m bench.compare --database-url postgresql://... --seconds 10

For each operation: the floor (bench/floor.py, N concurrent asyncio tasks in this process)
and the server (`claimgraph serve`, one worker, loaded by bench/run.py's generator). With
two or more cores the floor and the server each get core 0 (the floor's process, the
server's worker under `taskset -c 0`) and the load generator core 1; PostgreSQL is not
pinned. One JSON line per operation, and a concurrency-1 line for member-dashboard (the
target: a single dashboard under 10 ms p50).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bench import floor as floor_mod
from bench import run as load

ROOT = Path(__file__).resolve().parent.parent
READS = list(floor_mod.OPERATIONS)
TARGET_P50_MS = 10.0


def _summary(latencies: list[float], elapsed: float) -> dict:
    ordered = sorted(latencies)

    def pct(p: float) -> float | None:
        if not ordered:
            return None
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 2)

    return {
        "requests_per_s": round(len(ordered) / elapsed, 1),
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
    }


def _pin(cpu: int) -> None:
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {cpu})


# --- the floor ----------------------------------------------------------------------------------


async def run_floor(floor, operation: str, *, concurrency: int, seconds: float) -> dict:
    async def worker(deadline: float, latencies: list[float]) -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            await floor.run(operation)
            latencies.append(time.perf_counter() - started)

    await worker(time.perf_counter() + 1, [])  # warm up, as bench/run.py does
    latencies: list[float] = []
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(*(worker(deadline, latencies) for _ in range(concurrency)))
    return _summary(latencies, time.perf_counter() - started)


# --- the server ---------------------------------------------------------------------------------


def _env(url: str) -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    return {**os.environ, "DATABASE_URL": url, "PYTHONPATH": path}


def _cli(env: dict, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "graph.cli", *args], env=env,
                          capture_output=True, text=True, check=False)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"claimgraph {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


async def _scale(dsn: str) -> tuple[int, bool]:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        members = await conn.fetchval("SELECT count(*) FROM members")
        demo = await conn.fetchval("SELECT count(*) FROM users WHERE email = $1", floor_mod.MEMBER)
        return members, bool(demo)
    finally:
        await conn.close()


def prepare(url: str, dsn: str, members: int) -> int:
    env = _env(url)
    _cli(env, "migrate")
    have, demo = asyncio.run(_scale(dsn))
    if not demo:
        print(_cli(env, "seed", "--demo").strip(), file=sys.stderr)
        have, _ = asyncio.run(_scale(dsn))
    if have < members:
        print(f"seeding {members - have} members ...", file=sys.stderr)
        print(_cli(env, "seed", "--members", str(members - have)).strip(), file=sys.stderr)
        have, _ = asyncio.run(_scale(dsn))
    return have


async def sql_per_request(url: str) -> dict[str, int]:
    """Statements the app sends for one (warm) request of each read, counted in-process."""
    from sqlalchemy import event

    from graph.app import create_app

    app = create_app(url)
    logging.getLogger().setLevel(logging.WARNING)  # not its request lines, in this process
    counts: dict[str, int] = {}
    seen: list[int] = []

    def count(*_args) -> None:
        seen.append(1)

    engine = app.state.engine.sync_engine
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for op in READS:
                query, email = load.OPERATIONS[op]
                headers = {"Authorization": f"Bearer {load._token(email)}"}
                await client.post("/graphql", json={"query": query}, headers=headers)
                event.listen(engine, "before_cursor_execute", count)
                seen.clear()
                await client.post("/graphql", json={"query": query}, headers=headers)
                event.remove(engine, "before_cursor_execute", count)
                counts[op] = len(seen)
    finally:
        await app.state.engine.dispose()
    return counts


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, port: int, pin: bool) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "graph.cli", "serve", "--workers", "1", "--port", str(port)]
    if pin:
        cmd = ["taskset", "-c", "0", *cmd]  # taskset execs: the pid is the worker's
    # its own default log level (INFO: a line per request), to /dev/null
    quiet = subprocess.DEVNULL
    process = subprocess.Popen(cmd, env=_env(url), stdout=quiet, stderr=quiet)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the server exited on start")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start")


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


# --- the run ------------------------------------------------------------------------------------


def _line(operation: str, concurrency: int, members: int, floor: dict, server: dict) -> dict:
    ratio = None
    if floor["requests_per_s"]:
        ratio = round(server["requests_per_s"] / floor["requests_per_s"], 3)
    return {"operation": operation, "concurrency": concurrency, "members": members, "floor": floor,
            "server": server, "ratio": ratio}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.compare", description=__doc__.splitlines()[0])
    p.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    p.add_argument("--concurrency", type=int, default=32)
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--operations", default=",".join(READS),
                   help=f"comma-separated, of {', '.join(READS)}")  # fmt: skip
    p.add_argument("--members", type=int, default=20000,
                   help="seed members up to this many first (default 20000)")  # fmt: skip
    args = p.parse_args(argv)
    operations = [o.strip() for o in args.operations.split(",") if o.strip()]
    if unknown := [o for o in operations if o not in READS]:
        p.error(f"unknown operations {unknown}; choose from {READS}")
    if not args.database_url:
        p.error("--database-url (or DATABASE_URL) is required")
    if args.concurrency < 1 or args.seconds <= 0:
        p.error("--concurrency must be >= 1 and --seconds > 0")
    url = args.database_url
    dsn = url.replace("+asyncpg", "")
    os.environ.update(_env(url))  # `claimgraph token` (bench/run.py) on this database, this code
    have = prepare(url, dsn, args.members)
    pin = (os.cpu_count() or 1) > 1 and shutil.which("taskset") is not None
    runs = [(op, args.concurrency) for op in operations]
    if "member-dashboard" in operations and args.concurrency != 1:
        runs.append(("member-dashboard", 1))
    print(json.dumps({"members": have, "cpus": os.cpu_count(), "pinned": pin,
                      "seconds": args.seconds}), file=sys.stderr)  # fmt: skip

    async def floors() -> dict:
        floor = await floor_mod.Floor.connect(dsn, size=args.concurrency)
        try:
            return {r: await run_floor(floor, r[0], concurrency=r[1], seconds=args.seconds)
                    for r in runs}  # fmt: skip
        finally:
            await floor.close()

    if pin:
        _pin(0)  # the floor gets one core, as the server's worker does
    floor_results = asyncio.run(floors())
    sql = asyncio.run(sql_per_request(url))
    port = _free_port()
    server = start_server(url, port, pin)
    try:
        if pin:
            _pin(1)  # the load generator on the other core
        for operation, concurrency in runs:
            got = asyncio.run(load.run(operation, url=f"http://127.0.0.1:{port}/graphql",
                                       concurrency=concurrency, seconds=args.seconds,
                                       token=None))  # fmt: skip
            result = {k: got[k] for k in ("requests_per_s", "p50_ms", "p99_ms", "errors")}
            result["sql_per_request"] = sql.get(operation)
            result["rss_mb"] = rss_mb(server.pid)
            floor = floor_results[(operation, concurrency)]
            line = _line(operation, concurrency, have, floor, result)
            if concurrency == 1:
                line["target_p50_ms"] = TARGET_P50_MS
            print(json.dumps(line), flush=True)
    finally:
        server.terminate()
        server.wait(timeout=15)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
