"""CORS: browser apps on the origins in CORS_ORIGINS may call the API; no one else.

Starlette's middleware, held to two rules: an origin is echoed, never `*` (credentials are
allowed, so a wildcard would hand any site the answers), and an origin not on the list gets
no CORS header at all, preflight or not. The preflight allows the headers the API reads,
including graph/gate.py's preflight header, so an allowed app may upload files; a page
anywhere else still cannot (the browser sends no preflight it can pass).
"""

from __future__ import annotations

import re

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import PlainTextResponse

from graph import gate

ALLOWED_HEADERS = (
    "Authorization",
    "Content-Type",
    gate.PREFLIGHT,
    *(h.title() for h in gate.PREFLIGHT_HEADERS[1:]),
    "X-Purpose-Of-Use",
    "Idempotency-Key",
    "X-Request-Id",
)
# what a browser app may read of an answer besides the safelisted headers
EXPOSED_HEADERS = ("Retry-After", "Idempotent-Replayed", "WWW-Authenticate")


class _AllowList(CORSMiddleware):
    async def send(self, message, send, request_headers) -> None:
        origin = request_headers.get("origin")
        if origin is None or self.is_allowed_origin(origin):
            await super().send(message, send, request_headers)
            return
        # starlette would add Allow-Credentials and Expose-Headers for any origin
        if message["type"] == "http.response.start":
            message.setdefault("headers", []).append((b"vary", b"Origin"))
        await send(message)

    def preflight_response(self, request_headers):
        if not self.is_allowed_origin(request_headers["origin"]):
            return PlainTextResponse("Disallowed CORS origin", status_code=400,
                                     headers={"Vary": "Origin"})  # fmt: skip
        return super().preflight_response(request_headers)


def middleware(origins: tuple[str, ...]) -> list[Middleware]:
    """The CORS middleware for these origins (none when the list is empty)."""
    if not origins:
        return []
    # "http://localhost:*" matches that host without a port or on any port
    patterns = [re.escape(o.removesuffix(":*")) + (r"(:\d+)?" if o.endswith(":*") else "")
                for o in origins]  # fmt: skip
    return [
        Middleware(
            _AllowList,
            allow_origin_regex="|".join(f"(?:{p})" for p in patterns),
            allow_methods=("GET", "POST"),
            allow_headers=ALLOWED_HEADERS,
            allow_credentials=True,
            expose_headers=EXPOSED_HEADERS,
            max_age=600,
        )
    ]
