"""Answers serialized with orjson (mixed into strawberry's ASGI view).

The JSON is the one `json.dumps` wrote, up to spelling: GraphQL has already turned every
value into a string, number, boolean or null (dates, enums, Decimal amounts and ids are
strings by then), and non-ASCII characters are written as UTF-8 instead of \\u escapes.
Anything orjson would write differently from `json.dumps`, or not at all (a datetime, a
dataclass, an integer beyond 64 bits), is handed to `json.dumps`, which writes it or raises
as it always did."""

from __future__ import annotations

import json

import orjson
from starlette import status
from starlette.responses import Response

# orjson would write these itself; json.dumps refuses them: keep refusing
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def _refuse(value: object) -> object:
    raise TypeError


def dumps(data: object) -> bytes:
    try:
        return orjson.dumps(data, default=_refuse, option=_OPTIONS)
    except TypeError:
        return json.dumps(data, separators=(",", ":")).encode()


class OrjsonAnswers:
    """HTTP answers as orjson's bytes; WebSocket and event-stream messages, which must be
    text frames, as the same JSON in a str."""

    def encode_json(self, data: object) -> str:
        return dumps(data).decode()

    def create_response(self, response_data, sub_response: Response) -> Response:
        # strawberry.asgi.GraphQL.create_response, with the body encoded once, as bytes
        response = Response(
            dumps(response_data), status_code=status.HTTP_200_OK, media_type="application/json"
        )
        response.headers.raw.extend(sub_response.headers.raw)
        if sub_response.background:
            response.background = sub_response.background
        if sub_response.status_code:
            response.status_code = sub_response.status_code
        return response
