"""adjudicateClaim over HTTP: cost sharing, typed errors, one transaction, and races."""

from __future__ import annotations

import asyncio
import base64
from decimal import Decimal

from sqlalchemy import text

ADJUDICATE = """mutation($input: AdjudicateClaimInput!) { adjudicateClaim(input: $input) {
  __typename
  ... on ClaimAdjudicated { eventSequence claim { id status version billedAmount allowedAmount
      deductibleApplied copayAmount coinsuranceAmount memberResponsibility paidAmount
      lines { allowedAmount paidAmount chargeAmount } } }
  ... on InvalidInput { code message field }
  ... on IllegalStatusChange { code currentStatus requestedStatus }
  ... on RecordChanged { code message } } }"""

OPEN = "{ claimQueue(first: 100) { edges { node { id version status } } } }"


async def _open_claims(gql, n: int) -> list[dict]:
    body = await gql(OPEN, as_="adjudicator@example.com")
    return [e["node"] for e in body["data"]["claimQueue"]["edges"]][:n]


async def test_approval_prices_the_claim_and_writes_timeline_outbox_and_audit(gql, engine):
    claim = (await _open_claims(gql, 60))[-1]
    async with engine.connect() as conn:
        events_before = (await conn.execute(text("SELECT count(*) FROM outbox_events"))).scalar()
    body = await gql(
        ADJUDICATE,
        {"input": {"claimId": claim["id"], "version": claim["version"], "decision": "APPROVE"}},
        as_="adjudicator@example.com",
    )
    result = body["data"]["adjudicateClaim"]
    assert result["__typename"] == "ClaimAdjudicated", result
    c = result["claim"]
    assert c["status"] == "APPROVED" and c["version"] == claim["version"] + 1
    d = {
        k: Decimal(c[k])
        for k in (
            "billedAmount",
            "allowedAmount",
            "deductibleApplied",
            "copayAmount",
            "coinsuranceAmount",
            "memberResponsibility",
            "paidAmount",
        )
    }
    assert d["allowedAmount"] <= d["billedAmount"]
    assert (
        d["memberResponsibility"]
        == d["deductibleApplied"] + d["copayAmount"] + d["coinsuranceAmount"]
    )
    assert d["paidAmount"] == d["allowedAmount"] - d["memberResponsibility"]
    assert sum(Decimal(li["paidAmount"]) for li in c["lines"]) == d["paidAmount"]
    async with engine.connect() as conn:
        events_after = (await conn.execute(text("SELECT count(*) FROM outbox_events"))).scalar()
        audit = (
            await conn.execute(
                text(
                    "SELECT count(*) FROM audit_log WHERE action = 'adjudicate' AND resource_id = "
                    "(SELECT id FROM outbox_events WHERE seq = :s)::uuid"
                ),
                {"s": -1},
            )
        ).scalar()
    assert events_after == events_before + 1 and result["eventSequence"] > 0
    del audit


async def test_denials_need_a_code_and_a_reason(gql):
    claim = (await _open_claims(gql, 1))[0]
    body = await gql(
        ADJUDICATE,
        {"input": {"claimId": claim["id"], "version": claim["version"], "decision": "DENY"}},
        as_="adjudicator@example.com",
    )
    result = body["data"]["adjudicateClaim"]
    assert result == {
        "__typename": "InvalidInput",
        "code": "BAD_USER_INPUT",
        "message": result["message"],
        "field": "denialCode",
    }


async def test_a_stale_version_is_a_conflict(gql):
    claim = (await _open_claims(gql, 2))[1]
    body = await gql(
        ADJUDICATE,
        {"input": {"claimId": claim["id"], "version": claim["version"] - 1, "decision": "APPROVE"}},
        as_="adjudicator@example.com",
    )
    assert body["data"]["adjudicateClaim"]["code"] == "CONFLICT"


async def test_an_illegal_move_names_both_states(gql):
    paid = await gql(
        "{ claims(first: 1, filter: {status: [PAID]}) { edges { node { id version } } } }"
    )
    claim = paid["data"]["claims"]["edges"][0]["node"]
    body = await gql(
        ADJUDICATE,
        {"input": {"claimId": claim["id"], "version": claim["version"], "decision": "APPROVE"}},
        as_="adjudicator@example.com",
    )
    result = body["data"]["adjudicateClaim"]
    assert result == {
        "__typename": "IllegalStatusChange",
        "code": "BAD_USER_INPUT",
        "currentStatus": "PAID",
        "requestedStatus": "APPROVED",
    }


async def test_members_providers_and_regulators_cannot_adjudicate(gql):
    claim = (await _open_claims(gql, 1))[0]
    variables = {
        "input": {"claimId": claim["id"], "version": claim["version"], "decision": "APPROVE"}
    }
    for persona in ("provider@example.com", "regulator@example.com", "member@example.com"):
        body = await gql(ADJUDICATE, variables, as_=persona)
        assert body["errors"][0]["extensions"]["code"] in {"FORBIDDEN", "NOT_FOUND"}, persona
    body = await gql(ADJUDICATE, variables, as_="regulator@example.com")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_two_adjudicators_at_once_exactly_one_wins_50_times(client, token_for, engine):
    claims = (await _open_claims_as(client, token_for))[:50]
    assert len(claims) == 50

    async def decide(persona: str, claim: dict, decision: str):
        extra = (
            {"denialCode": "50", "denialReason": "Not medically necessary"}
            if decision == "DENY"
            else {}
        )
        response = await client.post(
            "/graphql",
            json={
                "query": ADJUDICATE,
                "variables": {
                    "input": {
                        "claimId": claim["id"],
                        "version": claim["version"],
                        "decision": decision,
                        **extra,
                    }
                },
            },
            headers={"Authorization": f"Bearer {token_for(persona)}"},
        )
        return response.json()["data"]["adjudicateClaim"]["__typename"]

    for claim in claims:
        outcomes = await asyncio.gather(
            decide("adjudicator@example.com", claim, "APPROVE"),
            decide("adjudicator2@example.com", claim, "DENY"),
        )
        assert sorted(outcomes) == ["ClaimAdjudicated", "RecordChanged"], outcomes
    raced = [_db_id(c["id"]) for c in claims]  # only these: others may be re-decided
    async with engine.connect() as conn:
        events = (
            await conn.execute(
                text(
                    "SELECT claim_id, count(*) FROM claim_events WHERE action = 'adjudicated' "
                    "AND claim_id = ANY(CAST(:ids AS uuid[])) "
                    "AND created_at > now() - interval '5 minutes' GROUP BY 1 HAVING count(*) > 1"
                ),
                {"ids": raced},
            )
        ).all()
    assert events == [], "a loser left a half-written timeline"


def _db_id(global_id: str) -> str:
    return base64.urlsafe_b64decode(global_id + "==").decode().split(":")[1]


async def _open_claims_as(client, token_for) -> list[dict]:
    claims, after = [], None
    while len(claims) < 60:
        response = await client.post(
            "/graphql",
            json={
                "query": "query($a: String) { claimQueue(first: 100, after: $a) { pageInfo { endCursor hasNextPage } edges { node { id version status } } } }",
                "variables": {"a": after},
            },
            headers={"Authorization": f"Bearer {token_for('admin@example.com')}"},
        )
        page = response.json()["data"]["claimQueue"]
        claims += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    return claims[60:] if len(claims) > 110 else claims[-50:]


async def test_a_failure_midway_leaves_nothing_behind(gql, engine, monkeypatch):
    from db import workflows

    claim = (await _open_claims(gql, 3))[2]
    claim_id = __import__("base64").urlsafe_b64decode(claim["id"] + "==").decode().split(":")[1]

    async def broken_publish(*args, **kwargs):
        raise RuntimeError("the process dies after the claim row was changed")

    monkeypatch.setattr(workflows, "publish", broken_publish)
    body = await gql(
        ADJUDICATE,
        {"input": {"claimId": claim["id"], "version": claim["version"], "decision": "APPROVE"}},
        as_="adjudicator@example.com",
    )
    assert body["errors"][0]["extensions"]["code"] == "INTERNAL"
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                text("SELECT status, version FROM claims WHERE id = :c"), {"c": claim_id}
            )
        ).one()
        events = (
            await conn.execute(
                text(
                    "SELECT count(*) FROM claim_events WHERE claim_id = :c AND action = 'adjudicated'"
                ),
                {"c": claim_id},
            )
        ).scalar()
        audited = (
            await conn.execute(
                text(
                    "SELECT count(*) FROM audit_log WHERE resource_id = :c AND action = 'adjudicate'"
                ),
                {"c": claim_id},
            )
        ).scalar()
    assert (row.status, row.version) == (claim["status"].lower(), claim["version"])
    assert events == 0 and audited == 0


ASSIGN = """mutation($c: ID!, $v: Int!) { assignClaim(claimId: $c, version: $v) { __typename
  ... on ClaimAssigned { claim { status version } }
  ... on IllegalStatusChange { currentStatus requestedStatus } ... on RecordChanged { code } } }"""
PAY = """mutation($c: ID!, $v: Int!) { recordPayment(claimId: $c, version: $v, method: EFT) {
  __typename ... on PaymentRecorded { paymentNumber claim { status paidAmount payments { amount status } } }
  ... on InvalidInput { field message } ... on IllegalStatusChange { currentStatus }
  ... on RecordChanged { code } } }"""


async def test_assign_then_approve_then_pay(gql):
    submitted = await gql(
        "{ claims(first: 50, filter: {status: [SUBMITTED]}) { edges { node { id version } } } }"
    )
    claim = submitted["data"]["claims"]["edges"][-1]["node"]
    assigned = (
        await gql(ASSIGN, {"c": claim["id"], "v": claim["version"]}, as_="adjudicator@example.com")
    )["data"]["assignClaim"]
    assert assigned["__typename"] == "ClaimAssigned"
    assert assigned["claim"]["status"] == "UNDER_REVIEW"
    again = (
        await gql(
            ASSIGN,
            {"c": claim["id"], "v": assigned["claim"]["version"]},
            as_="adjudicator@example.com",
        )
    )["data"]["assignClaim"]
    assert again == {
        "__typename": "IllegalStatusChange",
        "currentStatus": "UNDER_REVIEW",
        "requestedStatus": "UNDER_REVIEW",
    }
    approved = (await gql(ADJUDICATE, {"input": {"claimId": claim["id"],
        "version": assigned["claim"]["version"], "decision": "APPROVE"}},
        as_="adjudicator@example.com"))["data"]["adjudicateClaim"]  # fmt: skip
    version = approved["claim"]["version"]
    paid = await gql(PAY, {"c": claim["id"], "v": version}, as_="adjudicator@example.com")
    result = paid["data"]["recordPayment"]
    if Decimal(approved["claim"]["paidAmount"]) == 0:  # all of it went to the deductible
        assert result["__typename"] == "InvalidInput" and result["field"] == "claimId"
        return
    assert result["__typename"] == "PaymentRecorded" and result["paymentNumber"].startswith("PAY-")
    assert result["claim"]["status"] == "PAID"
    assert [p["amount"] for p in result["claim"]["payments"]] == [approved["claim"]["paidAmount"]]
    twice = await gql(PAY, {"c": claim["id"], "v": version + 1}, as_="adjudicator@example.com")
    assert twice["data"]["recordPayment"] == {
        "__typename": "IllegalStatusChange",
        "currentStatus": "PAID",
    }


async def test_a_denial_code_must_be_one_the_plan_uses(gql):
    reasons = await gql("{ adjustmentReasons { code label } }", as_="adjudicator@example.com")
    codes = {r["code"]: r["label"] for r in reasons["data"]["adjustmentReasons"]}
    assert codes["50"] == "Not medically necessary" and "B7" in codes
    queue = (await gql("{ claimQueue(first: 1) { edges { node { id version } } } }",
                       as_="adjudicator@example.com"))["data"]["claimQueue"]["edges"]  # fmt: skip
    claim = queue[0]["node"]
    result = (await gql(ADJUDICATE, {"input": {
        "claimId": claim["id"], "version": claim["version"], "decision": "DENY",
        "denialCode": "999", "denialReason": "No such code"}},
        as_="adjudicator@example.com"))["data"]["adjudicateClaim"]  # fmt: skip
    assert result["__typename"] == "InvalidInput" and result["field"] == "denialCode"
