"""Appeals over HTTP on freshly submitted claims: withdrawal by whoever filed, upheld or
withdrawn appeals return the claim to the appealed decision, and invisible claims are
NOT_FOUND to a member."""

from __future__ import annotations

import json

from sqlalchemy import text

from tests.graph.test_adjudication import ADJUDICATE
from tests.graph.test_submission import PROVIDER, SUBMIT, claim_input, maria  # noqa: F401

MEMBER = "member@example.com"
FILE = """mutation($c: ID!) { fileAppeal(claimId: $c, reason: "Please look again") {
  __typename ... on AppealFiled { appeal { id status } claim { status } }
  ... on InvalidInput { field message } } }"""
WITHDRAW = """mutation($a: ID!) { withdrawAppeal(appealId: $a, reason: "Resolved by phone") {
  __typename ... on AppealWithdrawn { appeal { status decisionReason } claim { status version } }
  ... on IllegalStatusChange { currentStatus requestedStatus } } }"""
DECIDE = """mutation($a: ID!, $o: AppealOutcome!) { decideAppeal(appealId: $a, outcome: $o,
  reason: "Reviewed") { __typename ... on AppealDecided { appeal { status } claim { status } } } }"""


async def _decided_claim(gql, maria, *, days_ago: int, decision: dict) -> dict:  # noqa: F811
    """A new claim for Maria (two lines), submitted by the provider, decided as asked."""
    lines = [
        {"procedureCode": "99213", "chargeAmount": "145.00", "diagnosisPointers": [1]},
        {"procedureCode": "87880", "chargeAmount": "35.00", "diagnosisPointers": [1]},
    ]
    filed = (await gql(SUBMIT, {"input": claim_input(maria, days_ago=days_ago, lines=lines)},
                       as_=PROVIDER))["data"]["submitClaim"]  # fmt: skip
    assert filed["__typename"] == "ClaimSubmitted", filed
    claim = filed["claim"]
    decided = (await gql(ADJUDICATE, {"input": {"claimId": claim["id"], "version": 1,
                                                **decision}},
                         as_="adjudicator@example.com"))["data"]["adjudicateClaim"]  # fmt: skip
    assert decided["__typename"] == "ClaimAdjudicated", decided
    return decided["claim"] | {"id": claim["id"]}


DENY = {"decision": "DENY", "denialCode": "50", "denialReason": "Not medically necessary"}


async def test_the_filer_withdraws_and_the_claim_is_denied_again(gql, engine, maria):  # noqa: F811
    claim = await _decided_claim(gql, maria, days_ago=40, decision=DENY)
    filed = (await gql(FILE, {"c": claim["id"]}, as_=MEMBER))["data"]["fileAppeal"]
    assert filed["claim"]["status"] == "APPEALED"
    appeal = filed["appeal"]["id"]

    other = await gql(WITHDRAW, {"a": appeal}, as_="adjudicator@example.com")
    assert other["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    done = (await gql(WITHDRAW, {"a": appeal}, as_=MEMBER))["data"]["withdrawAppeal"]
    assert done["__typename"] == "AppealWithdrawn", done
    assert done["appeal"] == {"status": "WITHDRAWN", "decisionReason": "Resolved by phone"}
    assert done["claim"]["status"] == "DENIED"

    again = (await gql(WITHDRAW, {"a": appeal}, as_=MEMBER))["data"]["withdrawAppeal"]
    assert again == {"__typename": "IllegalStatusChange", "currentStatus": "WITHDRAWN",
                     "requestedStatus": "WITHDRAWN"}  # fmt: skip
    async with engine.connect() as conn:
        payloads = (
            await conn.execute(
                text("SELECT payload::text FROM outbox_events WHERE topic = 'appeal.withdrawn'")
            )
        ).scalars()
        actions = (await conn.execute(text(
            "SELECT action FROM audit_log WHERE action IN ('withdraw_appeal', 'withdraw_denied')"
        ))).scalars().all()  # fmt: skip
    assert any(json.loads(p)["outcome"] == "withdrawn" for p in payloads)
    assert set(actions) == {"withdraw_appeal", "withdraw_denied"}
    # withdrawn, the claim may be appealed again within the window
    refiled = (await gql(FILE, {"c": claim["id"]}, as_=MEMBER))["data"]["fileAppeal"]
    assert refiled["__typename"] == "AppealFiled"


async def test_an_upheld_partial_approval_stays_partially_approved(gql, maria):  # noqa: F811
    claim = await _decided_claim(
        gql, maria, days_ago=41, decision={"decision": "PARTIALLY_APPROVE", "coveredLines": [1]}
    )
    assert claim["status"] == "PARTIALLY_APPROVED"
    filed = (await gql(FILE, {"c": claim["id"]}, as_=MEMBER))["data"]["fileAppeal"]
    decided = (await gql(DECIDE, {"a": filed["appeal"]["id"], "o": "UPHOLD"},
                         as_="adjudicator2@example.com"))["data"]["decideAppeal"]  # fmt: skip
    assert decided == {"__typename": "AppealDecided", "appeal": {"status": "UPHELD"},
                       "claim": {"status": "PARTIALLY_APPROVED"}}  # fmt: skip


async def test_a_member_cannot_appeal_a_claim_they_cannot_see(gql, engine):
    async with engine.connect() as conn:
        other = (await conn.execute(text(
            "SELECT c.id FROM claims c JOIN members m ON m.id = c.member_id "
            "WHERE m.member_number <> 'MBR-00000001' AND c.status = 'denied' LIMIT 1"
        ))).scalar_one()  # fmt: skip
    import base64

    gid = base64.urlsafe_b64encode(f"Claim:{other}".encode()).decode().rstrip("=")
    body = await gql(FILE, {"c": gid}, as_=MEMBER)
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    refused = await gql(FILE, {"c": gid}, as_="regulator@example.com")
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"  # sees it, may not act


async def test_provider_staff_appeal_a_claim_of_one_of_their_practitioners(gql, engine):
    """The group's staff act for its practitioners: the rule reaches the claim's provider."""
    async with engine.connect() as conn:
        claim_id = (await conn.execute(text(
            "SELECT c.id FROM claims c JOIN providers p ON p.id = c.provider_id "
            "JOIN providers g ON g.id = p.parent_id WHERE g.organization_name = "
            "'Riverside Family Health' AND c.status = 'denied' AND NOT EXISTS (SELECT 1 FROM "
            "appeals a WHERE a.claim_id = c.id) AND c.processed_date > now() - interval '150 days' "
            "LIMIT 1"))).scalar_one()  # fmt: skip
    import base64

    gid = base64.urlsafe_b64encode(f"Claim:{claim_id}".encode()).decode().rstrip("=")
    filed = (await gql(FILE, {"c": gid}, as_=PROVIDER))["data"]["fileAppeal"]
    assert filed["__typename"] == "AppealFiled", filed


async def test_a_requested_amount_has_cents_at_most(gql, maria):  # noqa: F811
    claim = await _decided_claim(gql, maria, days_ago=42, decision=DENY)
    asked = """mutation($c: ID!, $a: Decimal) { fileAppeal(claimId: $c, reason: "Too low",
      requestedAmount: $a) { __typename ... on InvalidInput { field message }
      ... on AppealFiled { appeal { requestedAmount } } } }"""
    bad = (await gql(asked, {"c": claim["id"], "a": "12.345"}, as_=MEMBER))["data"]["fileAppeal"]
    assert bad == {"__typename": "InvalidInput", "field": "requestedAmount",
                   "message": "An amount has at most two decimal places (cents)."}  # fmt: skip
    good = (await gql(asked, {"c": claim["id"], "a": "180"}, as_=MEMBER))["data"]["fileAppeal"]
    assert good == {"__typename": "AppealFiled", "appeal": {"requestedAmount": "180.00"}}
