"""A second outside probe of claimgraph over HTTP, on fresh rows: corrections and voids
(races through asyncio.gather, money that must reconcile, a replaced or voided claim that
must stay final), the provider directory's and the code sets' searches fed wildcards,
query syntax, huge inputs and forged cursors. Each test is an abuse a persona might try and
passes when the defence holds."""

from __future__ import annotations

import asyncio
import base64
from decimal import Decimal as D

import pytest

from graph.auth import issue_access_token
from graph.config import Settings
from tests.graph.admin_support import _create_provider, _create_user, _db_id
from tests.graph.correction_support import (
    ADJUDICATOR,
    CORRECT,
    FILE_APPEAL,
    PAY,
    PROVIDER,
    RIGHT,
    VOID,
    _bill,
    _decide,
    _net,
    _paid_claim,
    _patient,
    _read,
    _rows,
)

SEARCH = """query($filter: ProviderFilter, $first: Int) {
  providers(filter: $filter, first: $first) { totalCount edges { node { id name } } } }"""
DIAGNOSES = """query($search: String, $first: Int, $after: String) {
  diagnosisCodes(search: $search, first: $first, after: $after) {
    totalCount edges { node { code } } } }"""


async def _both(gql, *operations):
    """The operations sent at once (each its own HTTP request), their answers in order."""
    return await asyncio.gather(*(gql(q, v, as_=PROVIDER) for q, v in operations))


# --- 1. corrections and voids --------------------------------------------------------------


async def test_two_corrections_of_one_claim_at_once_replace_it_once(gql, engine):
    patient = await _patient(gql)
    claim = await _paid_claim(gql, patient)
    prior = {"claimId": claim["id"]}
    first, second = await _both(
        gql,
        (CORRECT, {"prior": prior, "input": _bill(patient, RIGHT, "800.00")}),
        (CORRECT, {"prior": prior, "input": _bill(patient, RIGHT, "900.00")}),
    )
    kinds = sorted(b["data"]["submitCorrectedClaim"]["__typename"] for b in (first, second))
    assert kinds[0] == "ClaimCorrected" and kinds[1] != "ClaimCorrected", (first, second)
    rows = await _rows(engine, "SELECT id FROM claims WHERE replaces_claim_id = :i",
                       i=_db_id(claim["id"]))  # fmt: skip
    assert len(rows) == 1


async def test_a_void_racing_a_correction_settles_once(gql, engine):
    patient = await _patient(gql)
    claim = await _paid_claim(gql, patient)
    prior = {"claimId": claim["id"]}
    corrected, voided = await _both(
        gql,
        (CORRECT, {"prior": prior, "input": _bill(patient, RIGHT, "800.00")}),
        (VOID, {"prior": prior}),
    )
    won = [corrected["data"]["submitCorrectedClaim"]["__typename"] == "ClaimCorrected",
           voided["data"]["voidClaim"]["__typename"] == "ClaimVoided"]  # fmt: skip
    assert won.count(True) == 1, (corrected, voided)
    refunds = await _rows(engine, "SELECT amount FROM payments WHERE claim_id = :i AND "
                          "payment_type = 'refund'", i=_db_id(claim["id"]))  # fmt: skip
    after = await _read(gql, claim["id"])
    if won[1]:  # voided: all 240.00 recouped, once
        assert [r["amount"] for r in refunds] == [D("240.00")]
        assert after["status"] == "VOIDED" and after["replacedBy"] is None
        assert _net(after) == 0
    else:  # replaced: nothing recouped yet, the replacement is the live claim
        assert refunds == []
        assert after["status"] == "REPLACED" and after["replacedBy"] is not None


async def test_an_episode_reconciles_through_correct_pay_and_void(gql):
    """Paid 240.00, corrected to a claim allowing 400.00 (paid the 160.00 difference), then
    voided: at each step the provider holds what the live claim allows, in the end nothing."""
    patient = await _patient(gql)
    claim = await _paid_claim(gql, patient)
    done = await gql(
        CORRECT,
        {"prior": {"claimId": claim["id"]}, "input": _bill(patient, RIGHT, "1000.00")},
        as_=PROVIDER,
    )
    corrected = done["data"]["submitCorrectedClaim"]
    assert corrected["__typename"] == "ClaimCorrected", corrected
    new_id = corrected["claim"]["id"]
    decided = await _decide(gql, new_id, corrected["claim"]["version"])
    assert D(decided["paidAmount"]) == D("400.00")
    paid = (await gql(PAY, {"c": new_id, "v": decided["version"]}, as_=ADJUDICATOR))["data"]
    assert paid["recordPayment"]["__typename"] == "PaymentRecorded", paid
    # paying again with the new version moves no money
    again = await gql(PAY, {"c": new_id, "v": paid["recordPayment"]["claim"]["version"]},
                      as_=ADJUDICATOR)  # fmt: skip
    assert again["data"]["recordPayment"]["__typename"] != "PaymentRecorded", again
    old, new = await _read(gql, claim["id"]), await _read(gql, new_id)
    assert _net(old, new) == D(new["paidAmount"]) == D("400.00")

    body = await gql(VOID, {"prior": {"claimId": new_id}}, as_=PROVIDER)
    assert body["data"]["voidClaim"]["__typename"] == "ClaimVoided", body
    old, new = await _read(gql, claim["id"]), await _read(gql, new_id)
    assert _net(old, new) == 0
    # a voided claim and the claim it replaced are final: no payment, appeal or correction
    for claim_id in (new_id, claim["id"]):
        row = await _read(gql, claim_id)
        pay = await gql(PAY, {"c": claim_id, "v": row["version"]}, as_=ADJUDICATOR)
        assert pay["data"]["recordPayment"]["__typename"] != "PaymentRecorded", pay
        appeal = await gql(FILE_APPEAL, {"c": claim_id}, as_=PROVIDER)
        assert (appeal.get("data") or {}).get("fileAppeal", {}) is None or \
            appeal["data"]["fileAppeal"]["__typename"] != "AppealFiled", appeal  # fmt: skip
        for op, name, extra in ((VOID, "voidClaim", {}),
                                (CORRECT, "submitCorrectedClaim",
                                 {"input": _bill(patient, RIGHT, "10.00")})):  # fmt: skip
            body = await gql(op, {"prior": {"claimId": claim_id}, **extra}, as_=PROVIDER)
            assert body["data"][name]["__typename"] == "IllegalStatusChange", body
    old, new = await _read(gql, claim["id"]), await _read(gql, new_id)
    assert _net(old, new) == 0


async def test_a_correction_into_another_patient_is_refused_and_files_nothing(gql, engine):
    patient, stranger = await _patient(gql), await _patient(gql)
    claim = await _paid_claim(gql, patient)
    body = await gql(
        CORRECT,
        {"prior": {"claimId": claim["id"]}, "input": _bill(stranger, RIGHT, "800.00")},
        as_=PROVIDER,
    )
    result = body["data"]["submitCorrectedClaim"]
    assert result["__typename"] == "InvalidInput", result
    assert (await _read(gql, claim["id"]))["status"] == "PAID"
    rows = await _rows(engine, "SELECT 1 FROM claims WHERE member_id = :m",
                       m=_db_id(stranger["member"]["id"]))  # fmt: skip
    assert rows == []


async def test_another_organisation_s_claim_and_no_claim_answer_alike(gql):
    patient = await _patient(gql)
    claim = await _paid_claim(gql, patient)
    provider = await _create_provider(gql)
    staff = await _create_user(gql, role="PROVIDER", providerId=provider["id"])
    token = issue_access_token(user_id=_db_id(staff["id"]), role="provider", settings=Settings())
    headers = {"Authorization": f"Bearer {token}"}
    missing = "CLM-19990101-000001"
    answers = []
    for number in (claim["claimNumber"], missing):
        body = await gql(VOID, {"prior": {"claimNumber": number}}, headers=headers)
        error = body["errors"][0]
        answers.append((error["extensions"]["code"], error["message"]))
    assert answers[0] == answers[1], answers
    assert answers[0][0] == "NOT_FOUND"


# --- 4. the provider directory and the code sets -------------------------------------------


@pytest.mark.parametrize("name", ["%", "_", "\\", "%%", "zqnomatch%", "zqno_match", "_%_"])
async def test_like_wildcards_in_a_name_match_no_provider(gql, name):
    body = await gql(SEARCH, {"filter": {"name": name}, "first": 5})
    if "errors" in body:  # refused as a bad search is fine: no 500, nothing listed
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
        return
    assert body["data"]["providers"]["totalCount"] == 0, body


@pytest.mark.parametrize("field", ["name", "zipCode", "language"])
async def test_huge_directory_inputs_are_refused_not_run(gql, field):
    body = await gql(SEARCH, {"filter": {field: "a" * 100_000}, "first": 5})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body


@pytest.mark.parametrize(
    "search",
    ["knee & !x", "a | b", "knee:*", "(knee", "knee <-> pain", "'knee'", "!!", "k:A"],
)
async def test_tsquery_syntax_is_no_query_syntax(gql, search):
    body = await gql(DIAGNOSES, {"search": search, "first": 3})
    if "errors" in body:
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body


@pytest.mark.parametrize(
    "after",
    [base64.b64encode(b"diagnosis:' OR 1=1 --").decode(),
     base64.b64encode(b"diagnosis:" + b"Z" * 5000).decode(),
     base64.b64encode(b"procedure:99213").decode(), "=" * 40],
)  # fmt: skip
async def test_forged_cursors_are_refused_or_no_position(gql, after):
    body = await gql(DIAGNOSES, {"after": after, "first": 3})
    if "errors" in body:
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
    else:
        assert body["data"]["diagnosisCodes"]["edges"] == [], body


# --- 3. policy maintenance -----------------------------------------------------------------


async def test_two_renewals_of_one_policy_at_once_make_one_new_policy(gql, engine):
    from tests.graph.test_policy_renewal import _policy, _renew

    _, policy = await _policy(gql)
    answers = await asyncio.gather(
        _renew(gql, policy["id"], deductibleIndividual="100.00"),
        _renew(gql, policy["id"], deductibleIndividual="900.00"),
    )
    kinds = sorted(a["__typename"] for a in answers)
    assert kinds.count("PolicyRenewed") == 1, answers
    rows = await _rows(engine, "SELECT 1 FROM policies WHERE renews_policy_id = :p",
                       p=_db_id(policy["id"]))  # fmt: skip
    assert len(rows) == 1
