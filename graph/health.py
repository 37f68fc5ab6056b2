"""/healthz (the process answers) and /readyz (its database answers, at the newest migration)."""

from __future__ import annotations

import contextlib

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from db import migrate, repos
from db.session import RequestConnection


def routes(engine: AsyncEngine) -> list[Route]:
    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> JSONResponse:
        db = RequestConnection(engine)
        try:
            revision = await repos.schema_revision(db)
        except Exception:  # noqa: BLE001 - any failure means not ready
            return JSONResponse({"status": "unavailable", "database": "unreachable"}, 503)
        finally:
            with contextlib.suppress(Exception):
                await db.close()
        head = migrate.head()
        if revision != head:
            body = {
                "status": "unavailable",
                "database": "reachable",
                "migration": revision,
                "expected": head,
            }
            return JSONResponse(body, 503)
        return JSONResponse({"status": "ready", "migration": revision})

    return [Route("/healthz", healthz), Route("/readyz", readyz)]
