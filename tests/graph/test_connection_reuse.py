"""The app's pool is of fixed size (graph/app.py): under a burst of requests larger than it,
requests wait for a connection and every connection the pool opens is kept, where overflow
connections were opened and closed again request by request (each a new backend, SSL
negotiation and every statement prepared again)."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy import event

from graph.app import LISTENERS, create_app
from graph.config import Settings

POOL = 3
READ = {"query": "{ me { member { memberNumber firstName } } }"}


async def test_a_burst_beyond_the_pool_waits_for_its_connections_and_opens_no_more(
    db_url, token_for
):
    opened, closed = [], []
    app = create_app(db_url, settings=Settings(db_pool_size=POOL))
    pool = app.state.engine.sync_engine.pool
    event.listen(pool, "connect", lambda *a: opened.append(1))
    event.listen(pool, "close", lambda *a: closed.append(1))
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            bearer = {"Authorization": f"Bearer {token_for('member@example.com')}"}
            for _ in range(3):
                answers = await asyncio.gather(
                    *(client.post("/graphql", json=READ, headers=bearer) for _ in range(4 * POOL))
                )
                for answer in answers:
                    assert answer.json()["data"]["me"]["member"]["firstName"] == "Maria", (
                        answer.text
                    )
        assert len(opened) <= POOL + LISTENERS  # no listener runs here: requests may use all
        assert closed == []
    finally:
        await app.state.engine.dispose()


async def test_the_smallest_pool_still_answers_beside_the_listeners(db_url, token_for):
    """The two LISTEN connections a running process holds come on top of DB_POOL_SIZE."""
    app = create_app(db_url, settings=Settings(db_pool_size=1))
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                bearer = {"Authorization": f"Bearer {token_for('member@example.com')}"}
                for _ in range(3):
                    answer = await client.post("/graphql", json=READ, headers=bearer)
                    assert answer.status_code == 200, answer.text
                    assert answer.json()["data"]["me"]["member"]["firstName"] == "Maria"
    finally:
        await app.state.engine.dispose()


def test_a_pool_of_no_connections_is_refused_at_start(monkeypatch):
    monkeypatch.setenv("DB_POOL_SIZE", "0")
    with pytest.raises(SystemExit, match="DB_POOL_SIZE must be at least 1"):
        Settings()
