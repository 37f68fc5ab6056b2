"""A database that goes away answers a clear error; when it is back the server recovers."""

from __future__ import annotations

import asyncio
import contextlib

import httpx
from sqlalchemy.engine import make_url

ME = {"query": "{ me { email } }"}


class Proxy:
    """A TCP proxy in front of the test database that the test can cut and restore."""

    def __init__(self, db_url: str) -> None:
        self.target = make_url(db_url)
        self.server: asyncio.base_events.Server | None = None
        self.port = 0
        self.tasks: set[asyncio.Task] = set()
        self.writers: set[asyncio.StreamWriter] = set()

    async def _open_target(self):
        socket_dir = self.target.query.get("host")
        if socket_dir:
            port = self.target.port or 5432
            return await asyncio.open_unix_connection(f"{socket_dir}/.s.PGSQL.{port}")
        return await asyncio.open_connection(self.target.host, self.target.port or 5432)

    async def _pipe(self, reader, writer) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()

    async def _handle(self, client_reader, client_writer) -> None:
        server_reader, server_writer = await self._open_target()
        self.writers |= {client_writer, server_writer}
        for task in (
            asyncio.create_task(self._pipe(client_reader, server_writer)),
            asyncio.create_task(self._pipe(server_reader, client_writer)),
        ):
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        self.port = self.server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        self.server.close()
        for writer in self.writers:
            writer.close()
        self.writers.clear()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.server.wait_closed()

    def url(self) -> str:
        t = self.target
        return (
            f"postgresql://{t.username or 'postgres'}:{t.password or ''}"
            f"@127.0.0.1:{self.port}/{t.database}"
        )


async def test_the_server_recovers_by_itself_when_the_database_is_back(db_url, token_for):
    from graph.app import create_app

    proxy = Proxy(db_url)
    await proxy.start()
    app = create_app(proxy.url())
    headers = {"Authorization": f"Bearer {token_for('admin@example.com')}"}
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            up = await client.post("/graphql", json=ME, headers=headers)
            assert up.status_code == 200 and up.json()["data"]["me"]

            await proxy.stop()
            down = await client.post("/graphql", json=ME, headers=headers)
            assert down.status_code == 503
            assert down.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
            assert (await client.get("/readyz")).status_code == 503

            await proxy.start()
            back = await client.post("/graphql", json=ME, headers=headers)
            assert back.status_code == 200, back.text
            assert back.json()["data"]["me"]["email"] == "admin@example.com"
            assert (await client.get("/readyz")).status_code == 200
    finally:
        await app.state.engine.dispose()
        with contextlib.suppress(Exception):
            await proxy.stop()
