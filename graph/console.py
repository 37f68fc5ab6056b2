"""The staff console: GraphiQL at /console, talking to /graphql (which serves no HTML).

Off unless CONSOLE_ENABLED (`serve --demo` turns it on). The page holds no data and no
token; staff paste their bearer token into its headers pane, and introspection answers
only the roles the policy lets in.
"""

from __future__ import annotations

from functools import cache

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route
from strawberry.http.ides import get_graphql_ide_html

from graph.config import Settings

PATH = "/console"
_FETCH_FROM_PAGE = 'const fetchURL = window.location.href.split("?")[0];'
_FETCH_FROM_API = 'const fetchURL = new URL("/graphql", window.location.href).toString();'
_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


@cache
def page() -> str:
    """strawberry's GraphiQL page, pointed at /graphql instead of its own address."""
    html = get_graphql_ide_html("graphiql")
    if _FETCH_FROM_PAGE not in html:  # strawberry changed its page: fail loudly, not wrongly
        raise RuntimeError("GraphiQL page without the expected fetch URL line")
    return html.replace(_FETCH_FROM_PAGE, _FETCH_FROM_API)


def routes(settings: Settings) -> list[Route]:
    if not settings.console_enabled:
        return []
    html = page()

    async def console(request: Request) -> HTMLResponse:
        return HTMLResponse(html, headers=_HEADERS)

    return [Route(PATH, console, methods=["GET"])]
