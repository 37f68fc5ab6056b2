"""Fixtures of the fault tests: a private PostgreSQL they may stop and crash, and server
processes (this worktree's code) serving it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.faults.pg import PrivatePostgres

ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/faults/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.faults)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(base: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("the server did not start")


def launch(args: list[str], db_url: str, log: Path, **env: str) -> subprocess.Popen:
    """A process running this worktree's code (whatever the installed package points at)."""
    environment = {**os.environ, "DATABASE_URL": db_url, "LOG_LEVEL": "INFO",
                   "PYTHONPATH": str(ROOT), **env}  # fmt: skip
    with open(log, "ab") as out:
        return subprocess.Popen([sys.executable, *args], env=environment, cwd=ROOT,
                                stdout=out, stderr=subprocess.STDOUT)  # fmt: skip


@contextlib.contextmanager
def server(db_url: str, log: Path, **env: str):
    """One uvicorn process serving the app on `db_url`; yields its base URL."""
    port = free_port()
    process = launch(["-m", "uvicorn", "graph.app:create_app", "--factory", "--host",
                      "127.0.0.1", "--port", str(port)], db_url, log, **env)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


async def _prepare(url: str) -> None:
    from db.engine import make_engine
    from db.seed_demo import load_demo

    engine = make_engine(url, pool_size=1)
    async with engine.begin() as conn:
        await load_demo(conn)
    await engine.dispose()


def _copy(pg: PrivatePostgres, source_url: str) -> bool:
    """The suite's migrated demo database, copied (a second or two, where migrating and
    seeding take fifteen)."""
    from db.engine import libpq_url

    dump = subprocess.run([str(pg.bin / "pg_dump"), "--no-owner", "--no-privileges",
                           "-d", libpq_url(source_url)], capture_output=True, timeout=60)  # fmt: skip
    if dump.returncode != 0:
        return False
    restore = subprocess.run([str(pg.bin / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "-d",
                              pg.url("claimgraph")], input=dump.stdout, capture_output=True,
                             timeout=60)  # fmt: skip
    return restore.returncode == 0


@pytest.fixture(scope="module")
def private_pg(db_url):
    """A private server with a migrated database holding the demo data."""
    from db import migrate

    pg = PrivatePostgres()
    try:
        pg.start()
        pg._run("createdb", "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres", "claimgraph")
        url = pg.url("claimgraph")
        if not _copy(pg, db_url):
            pg._run("dropdb", "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres",
                    "claimgraph")  # fmt: skip
            pg._run("createdb", "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres",
                    "claimgraph")  # fmt: skip
            migrate.upgrade(url)
            asyncio.run(_prepare(url))
        yield pg
    finally:
        pg.destroy()


@pytest.fixture(scope="module")
def fault_tokens(private_pg):
    """Access tokens of the demo personas of the private database."""
    import asyncpg

    from graph.auth import issue_access_token
    from graph.config import Settings

    async def users():
        conn = await asyncpg.connect(private_pg.url("claimgraph"))
        try:
            return await conn.fetch("SELECT id, email, role FROM users")
        finally:
            await conn.close()

    rows = asyncio.run(users())
    settings = Settings()
    return {
        r["email"]: issue_access_token(user_id=r["id"], role=r["role"], settings=settings)
        for r in rows
    }
