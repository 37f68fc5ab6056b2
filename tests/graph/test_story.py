"""The whole story over HTTP with the demo personas: provider submits → triage sets the
priority → adjudicator denies → member appeals → the same adjudicator is refused → the second
overturns → re-adjudication approves with cost sharing → payment recorded → the member
sees the numbers; the timeline, the audit trail and the outbox hold every step."""

from __future__ import annotations

import base64
from decimal import Decimal

from sqlalchemy import text

from tests.graph.test_adjudication import ADJUDICATE, PAY
from tests.graph.test_submission import PROVIDER, SUBMIT, claim_input, maria  # noqa: F401

FAMILY = "member@example.com"


def _uuid(global_id: str) -> str:
    return base64.urlsafe_b64decode(global_id + "==").decode().split(":")[1]


async def test_submit_triage_deny_appeal_overturn_readjudicate_pay(gql, engine, maria):  # noqa: F811
    # the provider files an urgent-care visit; triage puts it first in the queue
    visit = claim_input(
        maria,
        days_ago=50,
        placeOfService="23",
        lines=[{"procedureCode": "99284", "chargeAmount": "640.00", "diagnosisPointers": [1]}],
    )
    filed = (await gql(SUBMIT, {"input": visit}, as_=PROVIDER))["data"]["submitClaim"]
    assert filed["__typename"] == "ClaimSubmitted", filed
    claim = filed["claim"] | {"version": 1}
    assert claim["priority"] == "URGENT" and claim["status"] == "SUBMITTED"
    queue = (await gql("{ claimQueue(first: 100) { edges { node { id priority } } } }",
                       as_="adjudicator@example.com"))["data"]["claimQueue"]["edges"]  # fmt: skip
    assert claim["id"] in [e["node"]["id"] for e in queue if e["node"]["priority"] == "URGENT"]

    denied = (await gql(ADJUDICATE, {"input": {
        "claimId": claim["id"], "version": claim["version"], "decision": "DENY",
        "denialCode": "50", "denialReason": "Not medically necessary"}},
        as_="adjudicator@example.com"))["data"]["adjudicateClaim"]  # fmt: skip
    assert denied["claim"]["status"] == "DENIED"

    filed = (
        await gql(
            'mutation($c: ID!) { fileAppeal(claimId: $c, reason: "My doctor says it was needed") '
            "{ __typename ... on AppealFiled { appeal { id status dueAt overdue } claim { status } } "
            "... on InvalidInput { field message } } }",
            {"c": claim["id"]},
            as_=FAMILY,
        )
    )["data"]["fileAppeal"]
    assert filed["__typename"] == "AppealFiled", filed
    assert filed["claim"]["status"] == "APPEALED" and filed["appeal"]["overdue"] is False
    again = (
        await gql(
            'mutation($c: ID!) { fileAppeal(claimId: $c, reason: "again") { __typename '
            "... on IllegalStatusChange { currentStatus } } }",
            {"c": claim["id"]},
            as_=FAMILY,
        )
    )["data"]["fileAppeal"]
    assert again == {"__typename": "IllegalStatusChange", "currentStatus": "APPEALED"}

    decide = (
        "mutation($a: ID!) { decideAppeal(appealId: $a, outcome: OVERTURN, "
        'reason: "Records support necessity") { __typename ... on NotAllowed { code } '
        "... on AppealDecided { appeal { status } claim { status version } } } }"
    )
    refused = (await gql(decide, {"a": filed["appeal"]["id"]}, as_="adjudicator@example.com"))[
        "data"
    ]["decideAppeal"]
    assert refused == {"__typename": "NotAllowed", "code": "FORBIDDEN"}
    decided = (await gql(decide, {"a": filed["appeal"]["id"]}, as_="adjudicator2@example.com"))[
        "data"
    ]["decideAppeal"]
    assert decided["appeal"]["status"] == "OVERTURNED" and decided["claim"]["status"] == "APPEALED"

    approved = (await gql(ADJUDICATE, {"input": {
        "claimId": claim["id"], "version": decided["claim"]["version"], "decision": "APPROVE"}},
        as_="adjudicator2@example.com"))["data"]["adjudicateClaim"]  # fmt: skip
    assert approved["__typename"] == "ClaimAdjudicated", approved
    c = approved["claim"]
    assert Decimal(c["paidAmount"]) == Decimal(c["allowedAmount"]) - Decimal(
        c["memberResponsibility"]
    )
    if Decimal(c["paidAmount"]) > 0:
        paid = (
            await gql(PAY, {"c": claim["id"], "v": c["version"]}, as_="adjudicator2@example.com")
        )["data"]["recordPayment"]
        assert paid["claim"]["status"] == "PAID"

    # the member sees the explanation of benefits numbers
    seen = (await gql("query($c: ID!) { claim(id: $c) { status allowedAmount deductibleApplied "
                      "coinsuranceAmount copayAmount memberResponsibility paidAmount "
                      "events { action newStatus } appeals { status } } }",
                      {"c": claim["id"]}, as_=FAMILY))["data"]["claim"]  # fmt: skip
    assert seen["paidAmount"] == c["paidAmount"]
    assert seen["memberResponsibility"] == c["memberResponsibility"]
    actions = [e["action"] for e in seen["events"]]
    expected = ["submitted", "adjudicated", "appeal_filed", "appeal_decided", "adjudicated"]
    assert actions in (expected, [*expected, "paid"]), actions
    async with engine.connect() as conn:
        audited = set(
            (
                await conn.execute(
                    text(
                        "SELECT action FROM audit_log WHERE resource_id = :c OR action = 'decide_appeal'"
                    ),
                    {"c": _uuid(claim["id"])},
                )
            ).scalars()
        )
        topics = set(
            (
                await conn.execute(
                    text("SELECT topic FROM outbox_events WHERE payload->>'claim_id' = :c"),
                    {"c": _uuid(claim["id"])},
                )
            ).scalars()
        )
    assert {"submit_claim", "adjudicate", "appeal_filed", "decide_appeal"} <= audited
    assert {"claim.status_changed", "appeal.decided"} <= topics
