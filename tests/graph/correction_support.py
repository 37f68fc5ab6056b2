"""What the claim correction tests (tests/graph/test_corrections.py and
test_correction_refusals.py) share: the operations, a member of one's own on a policy made
for working amounts by hand, and helpers that bill, decide, pay and read claims.

The policy prices the codes used at 100 % of the charge (no fee schedule holds them: out of
network), with a 500.00 deductible, 20 % coinsurance and no copay."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

from sqlalchemy import text

from graph.relay import to_global_id
from tests.graph.admin_support import _db_id
from tests.graph.enrolment_support import _create_policy, _enrol, _years_ago
from tests.graph.test_adjudication import ADJUDICATE

ADJUDICATOR, PROVIDER, MEMBER = (
    "adjudicator@example.com", "provider@example.com", "member@example.com")  # fmt: skip
TODAY = date.today()
WRONG, RIGHT = "97530", "97112"  # therapeutic activities billed; neuromuscular re-education given

CLAIM = """claim { id claimNumber status version frequencyCode allowedAmount deductibleApplied
  coinsuranceAmount memberResponsibility paidAmount procedureCodes
  replaces { id claimNumber status } replacedBy { id claimNumber status }
  payments { paymentNumber paymentType payerType payeeType amount status paymentMethod }
  events { action oldStatus newStatus details } }"""
SUBMIT = """mutation($input: SubmitClaimInput!) { submitClaim(input: $input) { __typename
  ... on ClaimSubmitted { claim { id claimNumber version } }
  ... on ClaimRefused { findings { rule severity } } } }"""
CORRECT = (
    """mutation($prior: PriorClaimInput!, $input: SubmitClaimInput!, $why: String) {
  submitCorrectedClaim(prior: $prior, input: $input, reason: $why) { __typename
  ... on ClaimCorrected { eventSequence findings { rule } replaced { id status version
      replacedBy { id claimNumber } } """
    + CLAIM
    + """ }
  ... on ClaimRefused { findings { rule severity } }
  ... on InvalidInput { field message }
  ... on IllegalStatusChange { code message currentStatus requestedStatus }
  ... on RecordChanged { code currentVersion } } }"""
)
VOID = (
    """mutation($prior: PriorClaimInput!, $why: String) { voidClaim(prior: $prior, reason: $why) {
  __typename ... on ClaimVoided { eventSequence recoupment { paymentNumber paymentType
      payerType payeeType amount status paymentMethod } """
    + CLAIM
    + """ }
  ... on InvalidInput { code field message }
  ... on IllegalStatusChange { code message currentStatus requestedStatus }
  ... on RecordChanged { code currentVersion } } }"""
)
PAY = """mutation($c: ID!, $v: Int!) { recordPayment(claimId: $c, version: $v, method: EFT) {
  __typename ... on PaymentRecorded { paymentNumber claim { status version } }
  ... on InvalidInput { field message } } }"""
READ = "query($id: ID!) { claim(id: $id) { " + CLAIM[len("claim { ") :] + " }"
FILE_APPEAL = """mutation($c: ID!) { fileAppeal(claimId: $c, reason: "Please look again") {
  __typename ... on AppealFiled { appeal { id } claim { status } } } }"""


async def _patient(gql) -> dict:
    """A member of their own, on a policy made for working amounts by hand."""
    born = _years_ago(41)
    member = await _enrol(gql, None, dateOfBirth=str(born))
    await _create_policy(
        gql, member["id"], deductibleIndividual="500.00", outOfPocketMaxIndividual="3000.00",
        coinsurancePercentage=80, outOfNetworkPercentage=100, primaryCareCopay=None,
        employerContribution="0.00", effectiveDate=str(TODAY - timedelta(days=90)),
    )  # fmt: skip
    return {"member": member, "number": member["memberNumber"], "born": born}


def _bill(patient: dict, code: str, charge: str, *, days_ago: int = 20, **over) -> dict:
    return {
        "memberNumber": patient["number"], "patientDateOfBirth": patient["born"].isoformat(),
        "placeOfService": "11", "serviceDate": str(TODAY - timedelta(days=days_ago)),
        "diagnosisCodes": ["M54.50"],
        "lines": [{"procedureCode": code, "chargeAmount": charge, "diagnosisPointers": [1]}],
        **over,
    }  # fmt: skip


async def _submit(gql, bill: dict) -> dict:
    result = (await gql(SUBMIT, {"input": bill}, as_=PROVIDER))["data"]["submitClaim"]
    assert result["__typename"] == "ClaimSubmitted", result
    return result["claim"]


async def _decide(gql, claim_id: str, version: int, **decision) -> dict:
    decision = decision or {"decision": "APPROVE"}
    body = await gql(ADJUDICATE, {"input": {"claimId": claim_id, "version": version, **decision}},
                     as_=ADJUDICATOR)  # fmt: skip
    result = body["data"]["adjudicateClaim"]
    assert result["__typename"] == "ClaimAdjudicated", result
    return result["claim"]


async def _pay(gql, claim_id: str, version: int) -> dict:
    result = (await gql(PAY, {"c": claim_id, "v": version}, as_=ADJUDICATOR))["data"]
    assert result["recordPayment"]["__typename"] == "PaymentRecorded", result
    return result["recordPayment"]


async def _paid_claim(gql, patient: dict, code: str = WRONG, charge: str = "800.00") -> dict:
    """Billed 800.00: 500.00 deductible, 20 % of the other 300.00 (60.00); the plan pays 240.00."""
    claim = await _submit(gql, _bill(patient, code, charge))
    decided = await _decide(gql, claim["id"], 1)
    assert D(decided["paidAmount"]) == D("240.00")
    paid = await _pay(gql, claim["id"], decided["version"])
    return {**claim, "version": paid["claim"]["version"]}


async def _read(gql, claim_id: str, as_: str = ADJUDICATOR) -> dict:
    body = await gql(READ, {"id": claim_id}, as_=as_)
    assert "errors" not in body, body["errors"]
    return body["data"]["claim"]


def _net(*claims: dict) -> D:
    """What the plan paid the provider over these claims, less what it recouped."""
    total = D("0")
    for claim in claims:
        for p in claim["payments"]:
            sign = 1 if p["paymentType"] == "CLAIM_REIMBURSEMENT" else -1
            total += sign * D(p["amount"])
    return total


async def _correct(gql, prior: dict, bill: dict, *, as_: str = PROVIDER, why: str | None = None):
    body = await gql(CORRECT, {"prior": prior, "input": bill, "why": why}, as_=as_)
    assert "errors" not in body, body["errors"]
    return body["data"]["submitCorrectedClaim"]


async def _rows(engine, sql: str, **params) -> list:
    async with engine.connect() as conn:
        return list((await conn.execute(text(sql), params)).mappings())


async def _policy_of(engine, claim_id: str) -> str:
    (row,) = await _rows(engine, "SELECT policy_id FROM claims WHERE id = :i", i=_db_id(claim_id))
    return to_global_id("Policy", row["policy_id"])
