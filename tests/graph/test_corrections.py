"""Claims the provider corrects, over HTTP: a provider bills a wrong procedure code, the
claim is approved and paid; the provider files a corrected claim with the right code, it is
adjudicated, and the payments reconcile (the difference, or a recoupment when the correction
allows less); the prior claim reads as replaced with a link both ways; a void of a paid
claim records the recoupment; the member's accumulators count only the live claim. And the
refusals: another provider, a member, an open appeal, a claim already voided or replaced.

Every test enrols a member of its own on a policy that prices these codes at 100 % of the
charge (no fee schedule holds them: out of network), with a 500.00 deductible, 20 %
coinsurance and no copay, so each amount below is worked by hand."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal as D

from sqlalchemy import text

from graph.auth import issue_access_token
from graph.config import Settings
from tests.graph.admin_support import _create_provider, _create_user, _db_id
from tests.graph.enrolment_support import _create_policy, _enrol, _years_ago
from tests.graph.test_accumulators import ACCUMULATORS
from tests.graph.test_adjudication import ADJUDICATE
from tests.graph.test_submission import claim_input, maria  # noqa: F401

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


async def test_a_wrong_code_paid_is_corrected_and_the_plan_pays_the_difference(gql, engine):
    patient = await _patient(gql)
    original = await _paid_claim(gql, patient)

    corrected = await _correct(
        gql, {"claimId": original["id"], "version": original["version"]},
        _bill(patient, RIGHT, "1000.00"), why="Wrong procedure code",
    )  # fmt: skip
    assert corrected["__typename"] == "ClaimCorrected", corrected
    claim, replaced = corrected["claim"], corrected["replaced"]
    assert claim["status"] == "SUBMITTED" and claim["frequencyCode"] == "REPLACEMENT"
    assert claim["procedureCodes"] == [RIGHT] and claim["claimNumber"] != original["claimNumber"]
    assert claim["replaces"] == {"id": original["id"], "claimNumber": original["claimNumber"],
                                 "status": "REPLACED"}  # fmt: skip
    assert replaced["status"] == "REPLACED" and replaced["version"] == original["version"] + 1
    assert replaced["replacedBy"] == {"id": claim["id"], "claimNumber": claim["claimNumber"]}
    assert claim["events"][0]["details"]["replaces"] == original["claimNumber"]

    # adjudicated afresh: the replaced claim's deductible no longer counts, so 500.00 again,
    # 20 % of the other 500.00 (100.00); the plan owes 400.00 and already paid 240.00
    decided = await _decide(gql, claim["id"], 1)
    assert (D(decided["deductibleApplied"]), D(decided["coinsuranceAmount"]),
            D(decided["paidAmount"])) == (D("500.00"), D("100.00"), D("400.00"))  # fmt: skip
    await _pay(gql, claim["id"], decided["version"])

    now, before = await _read(gql, claim["id"]), await _read(gql, original["id"])
    assert now["status"] == "PAID"
    assert [(p["paymentType"], D(p["amount"])) for p in now["payments"]] == [
        ("CLAIM_REIMBURSEMENT", D("160.00"))
    ]
    assert _net(before, now) == D("400.00") == D(now["paidAmount"])
    # the prior claim reads as replaced, linked both ways, its timeline saying by which
    assert before["status"] == "REPLACED" and before["frequencyCode"] == "ORIGINAL"
    assert before["replacedBy"]["id"] == claim["id"] and before["replaces"] is None
    last = before["events"][-1]
    assert (last["action"], last["oldStatus"], last["newStatus"]) == ("replaced", "paid",
                                                                      "replaced")  # fmt: skip
    assert last["details"] == {"replaced_by": claim["claimNumber"],
                               "reason": "Wrong procedure code"}  # fmt: skip
    # the provider reads both ends too
    mine = await _read(gql, original["id"], as_=PROVIDER)
    assert mine["replacedBy"]["claimNumber"] == claim["claimNumber"]

    # the member's accumulators count the live claim only: 500.00 + 100.00, not 560.00 more
    body = await gql(ACCUMULATORS, {"id": await _policy_of(engine, claim["id"])},
                     as_=ADJUDICATOR)  # fmt: skip
    (person,) = body["data"]["policy"]["accumulators"]["individuals"]
    assert (D(person["deductibleMet"]), D(person["outOfPocketMet"])) == (D("500.00"),
                                                                         D("600.00"))  # fmt: skip

    # the outbox tells the queue the prior claim moved; audit rows for both claims
    (event,) = await _rows(engine, "SELECT topic, payload FROM outbox_events WHERE seq = :s",
                           s=corrected["eventSequence"])  # fmt: skip
    assert event["topic"] == "claim.status_changed"
    assert event["payload"]["claim_id"] == str(_db_id(original["id"]))
    assert (event["payload"]["old_status"], event["payload"]["new_status"]) == ("paid",
                                                                                "replaced")  # fmt: skip
    audits = await _rows(
        engine, "SELECT action, resource_id, new_values, success FROM audit_log "
        "WHERE resource_id IN (:a, :b) AND action IN ('replace_claim', 'submit_corrected_claim')",
        a=_db_id(original["id"]), b=_db_id(claim["id"]),
    )  # fmt: skip
    assert {(r["action"], r["resource_id"]) for r in audits} == {
        ("replace_claim", _db_id(original["id"])),
        ("submit_corrected_claim", _db_id(claim["id"])),
    }
    assert all(r["success"] for r in audits)
    assert patient["number"] not in json.dumps([r["new_values"] for r in audits])


async def _policy_of(engine, claim_id: str) -> str:
    from graph.relay import to_global_id

    (row,) = await _rows(engine, "SELECT policy_id FROM claims WHERE id = :i", i=_db_id(claim_id))
    return to_global_id("Policy", row["policy_id"])


async def test_a_correction_that_allows_less_recoups_the_overpayment(gql, engine):
    patient = await _patient(gql)
    original = await _paid_claim(gql, patient)
    # named by its claim number, as on the remittance
    corrected = await _correct(gql, {"claimNumber": original["claimNumber"].lower()},
                               _bill(patient, RIGHT, "600.00"))  # fmt: skip
    assert corrected["__typename"] == "ClaimCorrected", corrected
    claim = corrected["claim"]
    # 600.00: 500.00 deductible, 20 % of 100.00; the plan owes 80.00 but paid 240.00
    decided = await _decide(gql, claim["id"], 1)
    assert D(decided["paidAmount"]) == D("80.00")
    paid = await _pay(gql, claim["id"], decided["version"])
    assert paid["claim"]["status"] == "PAID"

    now, before = await _read(gql, claim["id"]), await _read(gql, original["id"])
    (refund,) = now["payments"]
    assert refund["paymentNumber"] == paid["paymentNumber"]
    assert (refund["paymentType"], refund["payerType"], refund["payeeType"], D(refund["amount"]),
            refund["status"]) == ("REFUND", "PROVIDER", "SYSTEM", D("160.00"), "COMPLETED")  # fmt: skip
    assert _net(before, now) == D("80.00") == D(now["paidAmount"])
    (audit,) = await _rows(engine, "SELECT new_values FROM audit_log WHERE action = "
                           "'recoup_payment' AND new_values->>'claim_number' = :n",
                           n=claim["claimNumber"])  # fmt: skip
    assert audit["new_values"]["amount"] == "160.00"


async def test_a_corrected_claim_denied_recoups_all_the_prior_claim_was_paid(gql):
    patient = await _patient(gql)
    original = await _paid_claim(gql, patient)
    corrected = await _correct(gql, {"claimId": original["id"]}, _bill(patient, RIGHT, "900.00"))
    claim = corrected["claim"]
    await _decide(gql, claim["id"], 1, decision="DENY", denialCode="50",
                  denialReason="Not medically necessary")  # fmt: skip
    now, before = await _read(gql, claim["id"]), await _read(gql, original["id"])
    assert now["status"] == "DENIED"
    assert [(p["paymentType"], D(p["amount"])) for p in now["payments"]] == [
        ("REFUND", D("240.00"))
    ]
    assert _net(before, now) == D("0.00")


async def test_a_paid_claim_voided_is_recouped_and_counts_no_more(gql, engine):
    patient = await _patient(gql)
    original = await _paid_claim(gql, patient)
    body = await gql(VOID, {"prior": {"claimId": original["id"]}, "why": "Billed in error"},
                     as_=PROVIDER)  # fmt: skip
    voided = body["data"]["voidClaim"]
    assert voided["__typename"] == "ClaimVoided", voided
    assert voided["claim"]["status"] == "VOIDED" and voided["claim"]["replacedBy"] is None
    recoupment = voided["recoupment"]
    assert (recoupment["paymentType"], recoupment["payerType"], recoupment["payeeType"],
            D(recoupment["amount"]), recoupment["paymentMethod"]) == (
        "REFUND", "PROVIDER", "SYSTEM", D("240.00"), "EFT")  # fmt: skip
    assert _net(voided["claim"]) == D("0.00")
    last = voided["claim"]["events"][-1]
    assert (last["action"], last["newStatus"], last["details"]) == (
        "voided", "voided", {"reason": "Billed in error", "recouped": "240.00"})  # fmt: skip

    body = await gql(ACCUMULATORS, {"id": await _policy_of(engine, original["id"])},
                     as_=ADJUDICATOR)  # fmt: skip
    (person,) = body["data"]["policy"]["accumulators"]["individuals"]
    assert (D(person["deductibleMet"]), D(person["outOfPocketMet"])) == (D("0"), D("0"))
    (event,) = await _rows(engine, "SELECT payload FROM outbox_events WHERE seq = :s",
                           s=voided["eventSequence"])  # fmt: skip
    assert event["payload"]["new_status"] == "voided"
    assert await _rows(engine, "SELECT 1 FROM audit_log WHERE action = 'void_claim' AND "
                       "resource_id = :i", i=_db_id(original["id"]))  # fmt: skip

    # final: neither corrected nor voided again, nor paid
    again = await _correct(gql, {"claimId": original["id"]}, _bill(patient, RIGHT, "700.00"))
    assert again["__typename"] == "IllegalStatusChange", again
    assert (again["currentStatus"], again["requestedStatus"]) == ("VOIDED", "REPLACED")
    body = await gql(VOID, {"prior": {"claimId": original["id"]}}, as_=PROVIDER)
    assert body["data"]["voidClaim"]["currentStatus"] == "VOIDED"
    # the same care may be billed anew: a voided claim is no duplicate
    fresh = await gql(SUBMIT, {"input": _bill(patient, WRONG, "800.00")}, as_=PROVIDER)
    assert fresh["data"]["submitClaim"]["__typename"] == "ClaimSubmitted", fresh


async def test_a_submitted_claim_is_voided_without_money_and_corrected_without_duplicate(gql):
    patient = await _patient(gql)
    first = await _submit(gql, _bill(patient, WRONG, "300.00", days_ago=30))
    body = await gql(VOID, {"prior": {"claimId": first["id"]}}, as_=PROVIDER)
    voided = body["data"]["voidClaim"]
    assert voided["claim"]["status"] == "VOIDED" and voided["recoupment"] is None

    # the same code at another charge: the corrected claim is no duplicate of the prior one
    second = await _submit(gql, _bill(patient, WRONG, "300.00", days_ago=31))
    corrected = await _correct(gql, {"claimId": second["id"], "version": 1},
                               _bill(patient, WRONG, "350.00", days_ago=31))  # fmt: skip
    assert corrected["__typename"] == "ClaimCorrected", corrected
    assert corrected["findings"] == []
    # but billing that care once more is: the corrected claim stands
    twin = await gql(SUBMIT, {"input": _bill(patient, WRONG, "350.00", days_ago=31)},
                     as_=PROVIDER)  # fmt: skip
    refused = twin["data"]["submitClaim"]
    assert refused["__typename"] == "ClaimRefused"
    assert {"rule": "duplicate_claim", "severity": "ERROR"} in refused["findings"]
    # a replaced claim is final too
    again = await _correct(gql, {"claimId": second["id"]}, _bill(patient, WRONG, "360.00",
                                                                  days_ago=31))  # fmt: skip
    assert (again["__typename"], again["currentStatus"]) == ("IllegalStatusChange", "REPLACED")


async def test_refusals_each_say_what_is_wrong(gql):
    patient = await _patient(gql)
    claim = await _submit(gql, _bill(patient, WRONG, "300.00"))
    prior = {"claimId": claim["id"]}
    right = _bill(patient, RIGHT, "300.00")

    stale = await _correct(gql, {**prior, "version": 7}, right)
    assert stale == {"__typename": "RecordChanged", "code": "CONFLICT", "currentVersion": 1}
    both = await _correct(gql, {**prior, "claimNumber": claim["claimNumber"]}, right)
    assert (both["__typename"], both["field"]) == ("InvalidInput", "prior")
    odd = await _correct(gql, {"claimNumber": "CLM-2026"}, right)
    assert (odd["__typename"], odd["field"]) == ("InvalidInput", "prior.claimNumber")
    body = await gql(CORRECT, {"prior": {"claimNumber": "CLM-19990101-000000"}, "input": right},
                     as_=PROVIDER)  # fmt: skip
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    # another patient is another claim: void this one and file that one
    other = await _patient(gql)
    moved = await _correct(gql, prior, _bill(other, RIGHT, "300.00"))
    assert (moved["__typename"], moved["field"]) == ("InvalidInput", "input.memberNumber")
    # a correction with errors is refused like any claim, and the prior claim stands
    bad = await _correct(gql, prior, _bill(patient, RIGHT, "300.00", diagnosisCodes=["Q"]))
    assert bad["__typename"] == "ClaimRefused"
    assert (await _read(gql, claim["id"]))["status"] == "SUBMITTED"


async def test_only_the_billing_organisation_and_admins_correct(gql, engine):
    patient = await _patient(gql)
    claim = await _submit(gql, _bill(patient, WRONG, "300.00"))
    right = _bill(patient, RIGHT, "300.00")

    # another provider's staff do not see the claim at all: NOT_FOUND, by id or by number
    provider = await _create_provider(gql)
    staff = await _create_user(gql, role="PROVIDER", providerId=provider["id"])
    token = issue_access_token(user_id=_db_id(staff["id"]), role="provider", settings=Settings())
    for prior in ({"claimId": claim["id"]}, {"claimNumber": claim["claimNumber"]}):
        body = await gql(CORRECT, {"prior": prior, "input": right},
                         headers={"Authorization": f"Bearer {token}"})  # fmt: skip
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND", body
        body = await gql(VOID, {"prior": prior}, headers={"Authorization": f"Bearer {token}"})
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND", body
    # the plan's adjudicators see it but do not rewrite a provider's bill
    body = await gql(VOID, {"prior": {"claimId": claim["id"]}}, as_=ADJUDICATOR)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    denied = await _rows(engine, "SELECT 1 FROM audit_log WHERE action = 'void_denied' AND "
                         "resource_id = :i", i=_db_id(claim["id"]))  # fmt: skip
    assert denied
    assert (await _read(gql, claim["id"]))["status"] == "SUBMITTED"
    # admins may
    corrected = await _correct(gql, {"claimId": claim["id"]}, right, as_="admin@example.com")
    assert corrected["__typename"] == "ClaimCorrected", corrected


async def test_a_member_may_not_correct_their_own_claim(gql, maria):  # noqa: F811
    claim = await _submit(gql, claim_input(maria, days_ago=44))
    body = await gql(VOID, {"prior": {"claimId": claim["id"]}}, as_=MEMBER)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_claim_under_appeal_is_corrected_only_once_the_appeal_ends(gql):
    patient = await _patient(gql)
    claim = await _submit(gql, _bill(patient, WRONG, "300.00"))
    await _decide(gql, claim["id"], 1, decision="DENY", denialCode="50",
                  denialReason="Not medically necessary")  # fmt: skip
    filed = (await gql(FILE_APPEAL, {"c": claim["id"]}, as_=PROVIDER))["data"]["fileAppeal"]
    assert filed["claim"]["status"] == "APPEALED", filed
    refused = await _correct(gql, {"claimId": claim["id"]}, _bill(patient, RIGHT, "300.00"))
    assert refused["__typename"] == "IllegalStatusChange", refused
    assert (refused["currentStatus"], refused["requestedStatus"]) == ("APPEALED", "REPLACED")
    assert "appeal" in refused["message"]
    body = await gql(VOID, {"prior": {"claimId": claim["id"]}}, as_=PROVIDER)
    assert body["data"]["voidClaim"]["currentStatus"] == "APPEALED"
    # withdrawn, the claim is DENIED again, and the provider may correct it
    withdraw = """mutation($a: ID!) { withdrawAppeal(appealId: $a) { __typename } }"""
    await gql(withdraw, {"a": filed["appeal"]["id"]}, as_=PROVIDER)
    corrected = await _correct(gql, {"claimId": claim["id"]}, _bill(patient, RIGHT, "300.00"))
    assert corrected["__typename"] == "ClaimCorrected", corrected
    assert corrected["replaced"]["status"] == "REPLACED"
    # and nobody may appeal a replaced claim
    again = (await gql(FILE_APPEAL, {"c": claim["id"]}, as_=PROVIDER))["data"]["fileAppeal"]
    assert again["__typename"] != "AppealFiled"
