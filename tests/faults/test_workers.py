"""Issue 13, item 4: `claimgraph serve --workers 2` spreads new connections over both
workers (each accepts on its own SO_REUSEPORT socket), counted from the request log lines,
which carry the pid of the worker that wrote them."""

from __future__ import annotations

import http.client
import json
import subprocess
import time
from collections import Counter

from tests.faults.conftest import free_port, launch, wait_ready

ME = {"query": "{ me { email } }"}


def _ask(port: int, headers: dict) -> None:
    """One request on a new connection: the kernel picks a worker per connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("POST", "/graphql", body=json.dumps(ME), headers=headers)
        answer = connection.getresponse()
        assert answer.status == 200, answer.read()
        answer.read()
    finally:
        connection.close()


def _answered_by(log) -> list[int]:
    """The pid of the worker that answered each request so far, in order."""
    pids = []
    for line in log.read_text().splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            if record.get("logger") == "claimgraph.request":
                pids.append(record["pid"])
    return pids


def test_two_workers_share_fresh_connections(db_url, token_for, tmp_path):
    log = tmp_path / "serve.log"
    port = free_port()
    process = launch(["-m", "graph.cli", "serve", "--workers", "2", "--port", str(port)],
                     db_url, log, LOG_LEVEL="INFO", PYTHONUNBUFFERED="1")  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, process, seconds=60)
        headers = {"Authorization": f"Bearer {token_for('admin@example.com')}",
                   "Content-Type": "application/json"}  # fmt: skip
        # /readyz proves one worker listens; the other may still be starting (and until it
        # binds its socket every connection goes to the first): count from when both answer
        deadline = time.monotonic() + 30
        while len(set(_answered_by(log))) < 2 and time.monotonic() < deadline:
            _ask(port, headers)
            time.sleep(0.05)
        before = len(_answered_by(log))
        for _ in range(200):
            _ask(port, headers)
        time.sleep(0.5)  # the last line written
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
    served = Counter(_answered_by(log)[before:])
    assert sum(served.values()) == 200, served
    assert len(served) == 2, served
    assert min(served.values()) >= 50, served  # an even split is 100 each
