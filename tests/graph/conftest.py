"""The whole HTTP stack in-process: the ASGI app over httpx, tokens for the demo personas."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import event, select


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

    async def run(query: str, variables: dict | None = None, *, as_: str = "admin@example.com"):
        response = await client.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {token_for(as_)}"},
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
