"""What POST /graphql accepts over HTTP, checked before the token is: JSON, or multipart
uploads that carry a preflight header; bodies within their limits, announced or streamed.

A browser sends text/plain, form-encoded and multipart bodies (and GETs) to another site
without asking it first; JSON, or any custom header, needs a CORS preflight this API never
grants. So a page elsewhere cannot make a signed-in browser post an operation here (CSRF).
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse

from graph.config import Settings
from graph.errors import error_body

# Either header (any non-empty value) marks a multipart request as sent by a client that
# passed a preflight; GraphQL-Require-Preflight is ours, Apollo-Require-Preflight is what
# Apollo's upload clients send.
PREFLIGHT = "GraphQL-Require-Preflight"
PREFLIGHT_HEADERS = (PREFLIGHT.lower(), "apollo-require-preflight")


class BodyTooLarge(Exception):
    """The body grew past its limit while it was read (no or a false Content-Length)."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


def check(request: Request, settings: Settings) -> tuple[JSONResponse | None, int]:
    """(a refusal or None, the largest body this request may have)."""
    if request.method == "GET":
        if settings.allow_get_queries:
            return None, 0
        body = error_body("BAD_USER_INPUT", "Send operations as POST with Content-Type: "
                          "application/json.")  # fmt: skip
        return JSONResponse(body, status_code=405, headers={"Allow": "POST"}), 0
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type == "application/json":
        limit, what = settings.max_json_body_bytes, "body"
    elif media_type == "multipart/form-data":
        if not any(request.headers.get(h, "").strip() for h in PREFLIGHT_HEADERS):
            body = error_body("BAD_USER_INPUT", "A multipart upload needs the header "
                              f"'{PREFLIGHT}: 1'.", field=PREFLIGHT)  # fmt: skip
            return JSONResponse(body, status_code=400), 0
        limit, what = upload_limit(settings), "file"
    else:
        body = error_body("BAD_USER_INPUT", "Send the operation as JSON (Content-Type: "
                          "application/json), or files as multipart/form-data.")  # fmt: skip
        return JSONResponse(body, status_code=415), 0
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return too_large(limit, field=what), limit
    return None, limit


def upload_limit(settings: Settings) -> int:
    """The largest multipart body: the largest upload (plus room for the operation)."""
    return max(settings.max_upload_bytes, settings.max_document_bytes * 10) + 1024 * 1024


def too_large(limit: int, *, field: str = "body") -> JSONResponse:
    if limit >= 2**20:
        size = f"{limit / 2**20:.0f} MB"
    else:
        size = f"{limit} bytes"
    body = error_body("BAD_USER_INPUT", f"The request is larger than {size}.", field=field)
    return JSONResponse(body, status_code=413)


def capped(receive, limit: int):
    """`receive` that raises BodyTooLarge once more than `limit` bytes have come in."""
    total = 0

    async def receive_capped():
        nonlocal total
        message = await receive()
        if message["type"] == "http.request":
            total += len(message.get("body", b""))
            if total > limit:
                raise BodyTooLarge(limit)
        return message

    return receive_capped


# --- every route's refusals ------------------------------------------------------------------
_HTTP_CODES = {401: "UNAUTHENTICATED", 403: "FORBIDDEN", 404: "NOT_FOUND"}
_HTTP_WORDS = {404: "There is nothing at this path.",
               405: "This path does not take that method."}  # fmt: skip


def http_code(status: int) -> str:
    """The `extensions.code` of an HTTP refusal."""
    return _HTTP_CODES.get(status, "INTERNAL" if status >= 500 else "BAD_USER_INPUT")


async def coded_http_error(request: Request, exc: Exception) -> JSONResponse:
    """The app's handler of HTTPException, whatever route (or none) raised it: an unknown
    path, a method a route does not take, a missing console asset. It leaves as a coded JSON
    error document, never Starlette's plain text."""
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    message = _HTTP_WORDS.get(status) or (exc.detail if isinstance(exc.detail, str) else "")
    body = error_body(http_code(status), message or "The request was refused.")
    return JSONResponse(body, status_code=status, headers=exc.headers)
