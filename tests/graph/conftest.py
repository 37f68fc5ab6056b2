"""Fixtures of the graph tests that need real server processes, and the employers the
enrolment tests enrol people with."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

# module-scoped, as when they lived in test_enrolment.py: each enrolment test file gets its own
from tests.graph.enrolment_support import other_employer, own_employer  # noqa: F401
from tests.graph.signin_support import make_user  # noqa: F401


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db_url: str, **env_overrides: str) -> tuple[subprocess.Popen, str]:
    """A uvicorn process serving the app on `db_url` (with these environment overrides)."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": db_url, "LOG_LEVEL": "WARNING", **env_overrides}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "graph.app:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return process, base
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("the server did not start")


@pytest.fixture(scope="module")
def servers(db_url):
    """Two server processes on the one test database."""
    started = [start_server(db_url), start_server(db_url)]
    yield [base for _, base in started]
    for process, _ in started:
        process.terminate()
        process.wait(timeout=10)


@contextlib.asynccontextmanager
async def app_with(db_url, **settings):
    """An in-process app of its own with these settings, and a client for it."""
    from graph.app import create_app
    from graph.config import Settings

    app = create_app(db_url, settings=Settings(**settings))
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client
    finally:
        await app.state.engine.dispose()
