"""Answers are written by orjson (graph/encoding.py): the same JSON json.dumps wrote."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from graph.encoding import dumps

SAMPLES = [
    {"data": {"me": {"member": {"firstName": "José Ñúñez", "dependents": [], "id": "TWVt"}}}},
    {
        "data": None,
        "errors": [{"message": "x", "path": ["a", 0, "b"], "extensions": {"code": "FORBIDDEN"}}],
    },
    {
        "data": {
            "n": 0,
            "f": 1.5,
            "big": 2**53 + 1,
            "neg": -7,
            "t": True,
            "u": None,
            "s": "\u2028<>&'\"",
        }
    },
    [{"data": {"a": 1}}, {"data": {"b": [1, [2, [3]]]}}],
]


@pytest.mark.parametrize("data", SAMPLES)
def test_the_json_is_the_same(data):
    assert json.loads(dumps(data)) == json.loads(json.dumps(data, separators=(",", ":")))


def test_what_json_dumps_cannot_write_it_still_refuses_or_writes_the_same():
    for value in (date(2020, 1, 2), Decimal("1.10"), object()):
        with pytest.raises(TypeError):
            dumps({"v": value})
    assert dumps({"v": 2**70}) == b'{"v":1180591620717411303424}'  # past orjson's 64 bits
    assert dumps({1: "a"}) == b'{"1":"a"}'  # a key that is not a string, as json.dumps writes it


async def test_http_answers_are_orjson_bytes_and_parse_alike(client, token_for):
    response = await client.post(
        "/graphql",
        json={"query": "{ me { email displayName } }"},
        headers={"Authorization": f"Bearer {token_for('member@example.com')}"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert int(response.headers["content-length"]) == len(response.content)
    assert response.json()["data"]["me"]["email"] == "member@example.com"
