"""The suite runs against a real PostgreSQL: DATABASE_URL's server, else an embedded one.

Either way each run makes its own throwaway database, migrates it and loads the demo data.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import event, select

_STATE = Path(tempfile.mkdtemp(prefix="claimgraph-test-"))
_STATE.chmod(0o755)
os.environ["CLAIMGRAPH_HOME"] = str(_STATE / "home")  # signing key etc., never the user's
# and should a test drop CLAIMGRAPH_HOME, the default (the user data directory) is ours too
os.environ["XDG_DATA_HOME"] = str(_STATE / "data")
# Every test client comes from one address and the demo personas serve many tests: no rate
# limits (0) unless a test sets its own (tests/graph/test_limits.py).
for _limit in ("SIGNIN_PER_IP_PER_MINUTE", "SIGNIN_PER_EMAIL_PER_MINUTE",
               "PATIENT_LOOKUPS_PER_MINUTE"):  # fmt: skip
    os.environ.setdefault(_limit, "0")


def _server_url() -> str:
    configured = os.environ.get("DATABASE_URL")
    if configured:
        return configured
    from db.embedded import start

    return start(_STATE / "pg")


async def _admin(url: str, sql: str) -> None:
    import asyncpg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    conn = await asyncpg.connect(
        user=parsed.username or "postgres",
        password=parsed.password or None,
        host=parsed.query.get("host") or parsed.host,
        port=parsed.port,
        database=parsed.database or "postgres",
    )
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _database(server: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(server).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def server_url() -> str:
    return _server_url()


@pytest.fixture(scope="session")
def new_database(server_url):
    """A factory of empty throwaway databases on the test server, dropped at the end."""
    made: list[str] = []

    def make() -> str:
        name = f"claimgraph_test_{uuid.uuid4().hex[:10]}"
        asyncio.run(_admin(server_url, f'CREATE DATABASE "{name}"'))
        made.append(name)
        return _database(server_url, name)

    yield make
    for name in made:
        try:
            asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        except Exception:  # noqa: BLE001 - best effort cleanup
            pass


def demo_database(new_database) -> str:
    """A new throwaway database, migrated, with the demo data."""
    from db import migrate

    url = new_database()
    migrate.upgrade(url)

    async def load() -> None:
        from db.engine import make_engine
        from db.seed_demo import load_demo

        engine = make_engine(url, pool_size=1)
        async with engine.begin() as conn:
            await load_demo(conn)
        await engine.dispose()

    asyncio.run(load())
    return url


@pytest.fixture(scope="session")
def db_url(new_database) -> str:
    """The shared test database: migrated, with the demo data."""
    return demo_database(new_database)


@pytest.fixture(scope="session")
async def engine(db_url):
    from db.engine import make_engine

    eng = make_engine(db_url, pool_size=5)
    yield eng
    await eng.dispose()


# --- the whole HTTP stack in-process: the ASGI app over httpx, tokens for the personas ---
@pytest.fixture(scope="session")
async def app(db_url):
    from graph.app import create_app

    application = create_app(db_url)
    yield application
    await application.state.engine.dispose()


@pytest.fixture(scope="session")
async def client(app):
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


@pytest.fixture(scope="session")
async def users(engine) -> dict[str, dict]:
    from db.tables import users as users_table

    async with engine.connect() as conn:
        rows = (await conn.execute(select(users_table))).mappings().all()
    return {r["email"]: dict(r) for r in rows}


@pytest.fixture(scope="session")
def token_for(users):
    from graph.auth import issue_access_token
    from graph.config import Settings

    cache: dict[str, str] = {}

    def make(email: str) -> str:
        if email not in cache:
            user = users[email]
            cache[email] = issue_access_token(
                user_id=user["id"], role=user["role"], settings=Settings()
            )
        return cache[email]

    return make


@pytest.fixture(scope="session")
def gql(client, token_for):
    """POST a GraphQL operation as a persona; returns the decoded JSON body."""

    async def run(
        query: str,
        variables: dict | None = None,
        *,
        as_: str = "admin@example.com",
        headers: dict | None = None,
    ):
        response = await client.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {token_for(as_)}", **(headers or {})},
        )
        return response.json()

    return run


class StatementCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *args, **kwargs) -> None:
        self.count += 1


@pytest.fixture
def count_statements(app):
    """Counts every SQL statement the app's engine sends while the test runs."""
    counter = StatementCounter()
    sync_engine = app.state.engine.sync_engine
    event.listen(sync_engine, "before_cursor_execute", counter)
    yield counter
    event.remove(sync_engine, "before_cursor_execute", counter)


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_STATE, ignore_errors=True)
