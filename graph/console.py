"""The staff console: GraphiQL at /console, talking to /graphql (which serves no HTML).

Off unless CONSOLE_ENABLED (`serve --demo` turns it on). The page is built from npm's
graphiql by console/ (`npm ci && npm run build`) into graph/console_assets/, which ships as
package data: nothing is fetched from anywhere but this server, and the page's
Content-Security-Policy says so. The page signs in at /auth/token and keeps its tokens in
memory. With CONSOLE_PERSONAS (`serve --demo`) /console/personas lists the demo personas
and their password so the page can sign in as any of them with one click; without it that
address does not exist.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from graph.config import Settings

PATH = "/console"
ASSETS = Path(__file__).with_name("console_assets")

# GraphiQL's editor (Monaco) and React set styles at run time (<style> elements and style
# attributes), so styles need 'unsafe-inline'; scripts, workers and requests stay 'self'.
# Its fonts are data: URLs inside its CSS.
CSP = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "worker-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "font-src 'self' data:",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": CSP,
    "Cross-Origin-Opener-Policy": "same-origin",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
# built file names carry a digest of their content: a file never changes under its name
_ASSET_HEADERS = {
    "Cache-Control": "public, max-age=31536000, immutable",
    "X-Content-Type-Options": "nosniff",
}


class _Assets(StaticFiles):
    def file_response(self, *args, **kwargs):
        response = super().file_response(*args, **kwargs)
        response.headers.update(_ASSET_HEADERS)
        return response


@cache
def page() -> str:
    """The built page; a checkout without the build says how to make it."""
    index = ASSETS / "index.html"
    if not index.is_file():
        raise RuntimeError(
            f"The staff console is not built ({index} is missing): "
            "run `npm ci && npm run build` in console/."
        )
    return index.read_text(encoding="utf-8")


def _personas() -> list[dict[str, str]]:
    from db.seed_demo import DEMO_PASSWORD, PERSONAS

    return [
        {"email": email, "role": role, "description": about, "password": DEMO_PASSWORD}
        for email, role, about in PERSONAS
    ]


def routes(settings: Settings) -> list[BaseRoute]:
    if not settings.console_enabled:
        return []
    html = page()

    async def console(request: Request) -> HTMLResponse:
        return HTMLResponse(html, headers=_HEADERS)

    found: list[BaseRoute] = [
        Route(PATH, console, methods=["GET"]),
        Mount(f"{PATH}/assets", app=_Assets(directory=ASSETS / "assets"), name="console-assets"),
    ]
    if settings.console_personas:
        listed = {"personas": _personas()}

        async def personas(request: Request) -> JSONResponse:
            return JSONResponse(listed, headers={"Cache-Control": "no-store"})

        found.append(Route(f"{PATH}/personas", personas, methods=["GET"]))
    return found
