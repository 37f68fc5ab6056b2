"""One worker against two: does `serve --workers 2` serve close to twice the requests?

    python -m bench.workers member-dashboard --concurrency 16 --seconds 20

Starts `claimgraph serve --workers 1`, then `--workers 2`, on a free port against the
database of DATABASE_URL (or the embedded one), runs bench.run's load against each, and
prints one JSON line: both results, the ratio of their requests per second, and how the
two workers split the requests (from the request log lines, which carry the worker's pid).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

from bench.operations import OPERATIONS, WRITES
from bench.run import run


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _serve(workers: int, log: Path):
    port = _free_port()
    env = {**os.environ, "LOG_LEVEL": "INFO", "PATIENT_LOOKUPS_PER_MINUTE": "0"}
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "graph.cli", "serve", "--workers", str(workers),
             "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            if process.poll() is not None:
                raise SystemExit(f"the server exited; see {log}")
            time.sleep(0.2)
        yield f"{base}/graphql"
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


def _split(log: Path) -> list[int]:
    """Requests per worker, most first, from the request log lines."""
    served: Counter[int] = Counter()
    for line in log.read_text(errors="replace").splitlines():
        with contextlib.suppress(ValueError):
            record = json.loads(line)
            if isinstance(record, dict) and record.get("logger") == "claimgraph.request":
                served[record.get("pid")] += 1
    return sorted(served.values(), reverse=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.workers", description=__doc__.splitlines()[0])
    p.add_argument("operation", choices=sorted(OPERATIONS) + sorted(WRITES))
    p.add_argument("--concurrency", type=int, default=16)
    p.add_argument("--seconds", type=float, default=20)
    args = p.parse_args(argv)
    results = {}
    with tempfile.TemporaryDirectory(prefix="claimgraph-bench-") as tmp:
        for workers in (1, 2):
            log = Path(tmp) / f"workers-{workers}.log"
            with _serve(workers, log) as url:
                result = asyncio.run(run(args.operation, url=url, concurrency=args.concurrency,
                                         seconds=args.seconds, token=None))  # fmt: skip
            result["per_worker"] = _split(log)
            results[f"workers_{workers}"] = result
    one, two = results["workers_1"]["requests_per_s"], results["workers_2"]["requests_per_s"]
    results["ratio"] = round(two / one, 2) if one else None
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
