"""Sensitive claims (mental health, substance use, reproductive health) reach exactly the
people ACCESS.md names: the patient, the submitting provider's organisation, adjudicators
and admins. For every persona, every entry point (the list, node(id:), the typed lookup,
nested relations, subscriptions) is compared with the contract written as plain SQL."""

from __future__ import annotations

import asyncio
import base64
from uuid import UUID

import pytest
from sqlalchemy import text

from tests.graph.test_subscriptions import _next, session
from tests.graph.test_subscriptions_access import _event

PERSONAS = [
    "member@example.com", "adult.child@example.com", "provider@example.com",
    "adjudicator@example.com", "employer@example.com", "regulator@example.com",
    "auditor@example.com", "admin@example.com",
]  # fmt: skip
ORG = "(SELECT id FROM providers WHERE id = :provider OR parent_id = :provider)"
# who sees which sensitive claim, by the contract
CONTRACT = {
    "member": "SELECT id FROM claims WHERE is_sensitive AND member_id = :member "
    "AND dependent_id IS NULL",
    "dependent": "SELECT id FROM claims WHERE is_sensitive AND dependent_id = :dependent",
    "provider": f"SELECT id FROM claims WHERE is_sensitive AND provider_id IN {ORG}",
    "adjudicator": "SELECT id FROM claims WHERE is_sensitive",
    "admin": "SELECT id FROM claims WHERE is_sensitive",
    "employer": "SELECT id FROM claims WHERE false",
    "regulator": "SELECT id FROM claims WHERE false",
    "auditor": "SELECT id FROM claims WHERE false",
}
NESTED = """{ me { member { claims(first: 100) { edges { node { id } } }
                      dependents { claims(first: 100) { edges { node { id } } } } }
               dependent { claims(first: 100) { edges { node { id } } } }
               provider { claims(first: 100) { edges { node { id } } } } }
  members(first: 100) { edges { node { claims(first: 100) { edges { node { id } } } } } }
  providers(first: 100) { edges { node { claims(first: 100) { edges { node { id } } } } } }
  appeals(first: 100) { edges { node { claim { id } } } }
  payments(first: 100) { edges { node { claim { id } } } } }"""


def _claim_ids(value, out: set[str]) -> set[str]:
    """Every claim id in a response (objects whose id decodes to a Claim)."""
    if isinstance(value, dict):
        for key, v in value.items():
            if key == "id" and isinstance(v, str):
                decoded = base64.urlsafe_b64decode(v + "==").decode(errors="replace")
                if decoded.startswith("Claim:"):
                    out.add(v)
            else:
                _claim_ids(v, out)
    elif isinstance(value, list):
        for v in value:
            _claim_ids(v, out)
    return out


@pytest.fixture(scope="module")
async def sensitive(engine):
    async with engine.connect() as conn:
        rows = (await conn.execute(text("SELECT id FROM claims WHERE is_sensitive"))).all()
    assert len(rows) >= 2  # the demo data has some: the test is about them
    return {r.id for r in rows}


async def _expected(engine, user: dict) -> set[UUID]:
    sql = CONTRACT[user["role"]]
    params = {"member": user["member_id"], "dependent": user["dependent_id"],
              "provider": user["provider_id"]}  # fmt: skip
    async with engine.connect() as conn:
        rows = await conn.execute(text(sql), {k: v for k, v in params.items() if f":{k}" in sql})
        return {r.id for r in rows}


def _turned_back(persona: str, ids: set[str]) -> set[UUID]:
    """Claim ids as rows: a regulator's are pseudonyms, which the server's key turns back."""
    from graph.keys import real_id

    out = set()
    for gid in ids:
        value = UUID(base64.urlsafe_b64decode(gid + "==").decode().split(":", 1)[1])
        out.add(real_id(value) if persona.startswith("regulator") else value)
    return out


async def _listed(gql, persona: str) -> set[str]:
    ids: set[str] = set()
    after = None
    while True:
        body = await gql(
            "query($a: String) { claims(first: 100, after: $a) { pageInfo { hasNextPage "
            "endCursor } edges { node { id } } } }",
            {"a": after},
            as_=persona,
        )
        page = (body.get("data") or {}).get("claims")
        if page is None:
            return ids
        _claim_ids(page, ids)
        if not page["pageInfo"]["hasNextPage"]:
            return ids
        after = page["pageInfo"]["endCursor"]


@pytest.mark.parametrize("persona", PERSONAS)
async def test_sensitive_claims_over_http_match_the_contract(
    gql, engine, users, sensitive, persona
):
    from graph.keys import pseudonym
    from graph.relay import to_global_id

    expected = await _expected(engine, users[persona])
    # the list
    listed = _turned_back(persona, await _listed(gql, persona)) & sensitive
    assert listed == expected, "claims list"
    # nested relations, wherever a claim hangs
    nested = _turned_back(persona, _claim_ids(await gql(NESTED, as_=persona), set())) & sensitive
    assert nested <= expected, "nested relations"
    # lookups of each sensitive claim by the id this persona would hold
    found = set()
    for claim_id in sensitive:
        handle = pseudonym(claim_id) if persona.startswith("regulator") else claim_id
        gid = to_global_id("Claim", handle)
        for field in ("node", "claim"):
            body = await gql(f'{{ {field}(id: "{gid}") {{ id }} }}', as_=persona)
            if (body.get("data") or {}).get(field):
                found.add(claim_id)
            else:
                assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert found == expected, "lookups"


async def test_sensitive_claims_over_subscriptions_match_the_contract(
    gql, servers, token_for, engine, users, sensitive
):
    """Every persona follows claimStatusChanged; an event of every sensitive claim is
    committed, then one of a non-sensitive claim each persona sees (its fence: once it has
    it, everything before it has arrived). What each receives of the sensitive ones is
    exactly the contract; a persona with no fence listens until the others are done."""
    from gql import gql as parse
    from gql.transport.exceptions import TransportQueryError

    query = parse("subscription { claimStatusChanged { claim { id } } }")
    fences: dict[str, UUID | None] = {}
    for persona in PERSONAS:
        visible = _turned_back(persona, await _listed(gql, persona)) - sensitive
        fences[persona] = min(visible) if visible else None
    received: dict[str, set[UUID]] = {}
    others_done = asyncio.Event()

    async def follow(persona: str, ready: asyncio.Event) -> None:
        got: set[UUID] = set()
        fence = fences[persona]
        try:
            async with session(servers[0], token_for(persona)) as s:
                events = s.subscribe(query).__aiter__()
                pending = asyncio.ensure_future(_next(events, 120))
                await asyncio.sleep(1.0)  # subscribed before the events are committed
                ready.set()
                while fence not in got:
                    if fence is None:
                        waiting = asyncio.ensure_future(others_done.wait())
                        await asyncio.wait({pending, waiting}, return_when="FIRST_COMPLETED")
                        if not pending.done():
                            await asyncio.sleep(2.0)  # a last chance for a stray event
                            if not pending.done():
                                pending.cancel()
                                break
                        waiting.cancel()
                    event = await pending
                    got |= _turned_back(persona, _claim_ids(event, set()))
                    pending = asyncio.ensure_future(_next(events, 120))
                pending.cancel()
        except TransportQueryError:
            ready.set()  # refused outright: it receives nothing
        received[persona] = got

    readiness = {p: asyncio.Event() for p in PERSONAS}
    fenced = [asyncio.ensure_future(follow(p, readiness[p])) for p in PERSONAS if fences[p]]
    unfenced = [asyncio.ensure_future(follow(p, readiness[p])) for p in PERSONAS if not fences[p]]
    await asyncio.wait_for(asyncio.gather(*(e.wait() for e in readiness.values())), 30)
    for claim_id in sorted(sensitive):
        await _event(engine, claim_id, "under_review")
    for fence in sorted({f for f in fences.values() if f}):
        await _event(engine, fence, "under_review")
    await asyncio.wait_for(asyncio.gather(*fenced), 120)
    others_done.set()
    await asyncio.wait_for(asyncio.gather(*unfenced), 30)
    for persona in PERSONAS:
        expected = await _expected(engine, users[persona])
        assert received[persona] & sensitive == expected, persona
