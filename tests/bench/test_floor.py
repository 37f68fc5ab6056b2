"""The floor answers what the server answers: the same `data`, byte for byte once parsed.

Nothing is excluded. The one field that cannot be equal as sent is the payer queue's
`cursor`: the server seals each one (AES-GCM, graph/relay.py) under a fresh random nonce,
so two seals of the same position differ. The floor seals its cursors the same way, and
both are compared opened (graph.relay.decode_cursor, bound to the adjudicator): the same
list, ordering and position.
"""

from __future__ import annotations

import pytest

from bench.floor import ADJUDICATOR, Floor
from bench.floor import OPERATIONS as FLOOR
from bench.operations import OPERATIONS
from graph.claim.inputs import QUEUE
from graph.relay import decode_cursor, to_global_id


@pytest.fixture(scope="module")
async def floor(db_url):
    opened = await Floor.connect(db_url.replace("+asyncpg", ""), size=2)
    yield opened
    await opened.close()


def _opened(data: dict, owner) -> dict:
    """The payer queue with its cursors opened (ordering key and position)."""
    for edge in data["claimQueue"]["edges"]:
        edge["cursor"] = decode_cursor(edge["cursor"], QUEUE.key, QUEUE._parsers, owner=owner)
    return data


@pytest.mark.parametrize("operation", sorted(FLOOR))
async def test_floor_returns_the_servers_data(operation, floor, gql, users):
    query, persona = OPERATIONS[operation]
    served = await gql(query, as_=persona)
    assert "errors" not in served, served.get("errors")
    mine = await floor.run(operation)
    theirs = served["data"]
    if operation == "payer-queue":
        owner = users[ADJUDICATOR]["id"]
        theirs, mine = _opened(theirs, owner), _opened(mine, owner)
    assert mine == theirs


async def test_the_operations_have_something_to_compare(floor):
    """An empty list equals an empty list: the demo data must fill every level."""
    dashboard = (await floor.run("member-dashboard"))["me"]["member"]
    assert dashboard["policies"] and dashboard["dependents"]
    claims = [e["node"] for e in dashboard["claims"]["edges"]]
    assert claims and any(c["appeals"] for c in claims)
    queue = (await floor.run("payer-queue"))["claimQueue"]
    assert queue["totalCount"] > 1 and queue["edges"][0]["node"]["policy"]
    roster = (await floor.run("employer-roster"))["me"]["employer"]["members"]
    assert roster["totalCount"] > 1 and any(e["node"]["dependentCount"] for e in roster["edges"])


async def test_a_minors_sensitive_claim_is_left_out_by_both(floor, gql, users):
    """The demo's sensitive claims are an adult's (out of the member's view anyway): make one
    of a minor's claims sensitive for this test, so the floor's `NOT is_sensitive` counts."""
    query, persona = OPERATIONS["member-dashboard"]
    async with floor.pool.acquire() as conn:
        claim = await conn.fetchval(
            "SELECT id FROM claims WHERE member_id = $1 AND dependent_id = ANY($2::uuid[])"
            " AND NOT is_sensitive ORDER BY submission_date DESC LIMIT 1",
            floor.member_id,
            floor.family_claims,
        )
        assert claim is not None, "the demo member has a minor with claims"
        await conn.execute("UPDATE claims SET is_sensitive = true WHERE id = $1", claim)
        try:
            served = await gql(query, as_=persona)
            mine = await floor.run("member-dashboard")
        finally:
            await conn.execute("UPDATE claims SET is_sensitive = false WHERE id = $1", claim)
    assert "errors" not in served, served.get("errors")
    assert mine == served["data"]
    ids = [e["node"]["id"] for e in mine["me"]["member"]["claims"]["edges"]]
    assert to_global_id("Claim", claim) not in ids
