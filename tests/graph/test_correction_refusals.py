"""Claims the provider corrects, over HTTP: the refusals, each typed or coded. Another
provider's staff do not see the claim (NOT_FOUND), plan staff other than admins and members
may not correct it (FORBIDDEN), an appealed claim waits for the appeal to end and a replaced
or voided claim is final (IllegalStatusChange); a corrected claim is no duplicate of the
claim it replaces, but a claim billing the same care again is."""

from __future__ import annotations

from graph.auth import issue_access_token
from graph.config import Settings
from tests.graph.admin_support import _create_provider, _create_user, _db_id
from tests.graph.correction_support import (
    ADJUDICATOR,
    CORRECT,
    FILE_APPEAL,
    MEMBER,
    PROVIDER,
    RIGHT,
    SUBMIT,
    VOID,
    WRONG,
    _bill,
    _correct,
    _decide,
    _patient,
    _read,
    _rows,
    _submit,
)
from tests.graph.test_submission import claim_input, maria  # noqa: F401


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
