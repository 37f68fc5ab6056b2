"""A family's deductible and out-of-pocket maximum over HTTP: claims submitted by the
provider and approved by the adjudicator apply the family's limits, and Policy.accumulators
shows each person's and the family's progress to those the field rules let see it."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from graph.auth import issue_access_token
from graph.config import Settings
from tests.graph.enrolment_support import (
    _add_dependent,
    _create_policy,
    _enrol,
    _uuid,
    _years_ago,
)
from tests.graph.test_adjudication import ADJUDICATE
from tests.graph.test_submission import SUBMIT

ADJUDICATOR, PROVIDER, EMPLOYER = (
    "adjudicator@example.com", "provider@example.com", "employer@example.com")  # fmt: skip
TODAY = date.today()

ACCUMULATORS = """query($id: ID!, $year: Int) { policy(id: $id) { accumulators(planYear: $year) {
  planYearStart planYearEnd
  individuals { person { __typename id firstName } deductibleLimit deductibleMet
    deductibleRemaining outOfPocketLimit outOfPocketMet outOfPocketRemaining }
  family { deductibleLimit deductibleMet deductibleRemaining outOfPocketMet
    outOfPocketRemaining } } } }"""


def _claim(number: str, born: date, first: str, billed: str, days_ago: int, **over) -> dict:
    """A physical-therapy visit whose code no fee schedule holds: at the policy's 100 % out
    of network, the allowed amount is the charge, so each figure below is worked by hand."""
    return {
        "memberNumber": number, "patientDateOfBirth": born.isoformat(),
        "patientFirstName": first, "placeOfService": "11",
        "serviceDate": (TODAY - timedelta(days=days_ago)).isoformat(),
        "diagnosisCodes": ["M54.50"],
        "lines": [{"procedureCode": "97530", "chargeAmount": billed, "diagnosisPointers": [1]}],
        **over,
    }  # fmt: skip


async def _family_policy(gql, member_id: str, *, days_ago: int, **over) -> dict:
    """A family policy whose figures the tests work by hand: deductible 500 each and 1000
    the family, out of pocket 3000 and 6000, 80 % coinsurance, and 100 % of the charge out
    of network (so the allowed amount of _claim's visit is its charge)."""
    terms = {
        "coverageLevel": "FAMILY", "deductibleIndividual": "500.00",
        "deductibleFamily": "1000.00", "outOfPocketMaxIndividual": "3000.00",
        "outOfPocketMaxFamily": "6000.00", "coinsurancePercentage": 80,
        "outOfNetworkPercentage": 100, "primaryCareCopay": None, "employerContribution": "0.00",
        "effectiveDate": str(TODAY - timedelta(days=days_ago)),
    }  # fmt: skip
    return await _create_policy(gql, member_id, **(terms | over))


async def _submit_and_approve(gql, claim: dict) -> dict:
    body = await gql(SUBMIT, {"input": claim}, as_=PROVIDER)
    submitted = body["data"]["submitClaim"]
    assert submitted["__typename"] == "ClaimSubmitted", submitted
    body = await gql(
        ADJUDICATE,
        {"input": {"claimId": submitted["claim"]["id"], "version": 1, "decision": "APPROVE"}},
        as_=ADJUDICATOR,
    )
    decided = body["data"]["adjudicateClaim"]
    assert decided["__typename"] == "ClaimAdjudicated", decided
    return decided["claim"]


async def _member_login(gql, member_id: str) -> tuple[uuid.UUID, str]:
    """A login of the member's own (user id, access token)."""
    body = await gql(
        """mutation($input: CreateUserInput!) { createUser(input: $input) {
        __typename ... on UserSaved { user { id } } ... on InvalidInput { field message } } }""",
        {"input": {"email": f"ada-{uuid.uuid4().hex[:10]}@example.com", "role": "MEMBER",
                   "password": "a long enough password 42", "memberId": member_id}},
    )  # fmt: skip
    assert body["data"]["createUser"]["__typename"] == "UserSaved", body
    user_id = _uuid(body["data"]["createUser"]["user"]["id"])
    return user_id, issue_access_token(user_id=user_id, role="member", settings=Settings())


def _money(claim: dict, *keys: str) -> tuple:
    return tuple(D(claim[k]) for k in keys)


@pytest.fixture(scope="module")
async def family(gql):
    """A family of its own: the subscriber, a minor and an adult son (no consent), on a
    family policy (deductible 500 each, 1000 the family; out of pocket 3000 and 6000)."""
    employer = None
    member = await _enrol(gql, employer, dateOfBirth=str(_years_ago(45)),
                          enrollmentDate=str(TODAY - timedelta(days=400)))  # fmt: skip
    minor = await _add_dependent(gql, member["id"], firstName="Mia",
                                 dateOfBirth=str(_years_ago(9)))  # fmt: skip
    adult = await _add_dependent(gql, member["id"], firstName="Leo",
                                 dateOfBirth=str(_years_ago(22)))  # fmt: skip
    policy = await _family_policy(gql, member["id"], days_ago=60)
    number = member["memberNumber"]
    born = {"Ada": _years_ago(45), "Mia": _years_ago(9), "Leo": _years_ago(22)}
    claims = {
        "Ada": await _submit_and_approve(gql, _claim(number, born["Ada"], "Ada", "300.00", 20)),
        "Leo": await _submit_and_approve(gql, _claim(number, born["Leo"], "Leo", "600.00", 15)),
        "Mia": await _submit_and_approve(gql, _claim(number, born["Mia"], "Mia", "400.00", 10)),
    }
    return {"member": member, "minor": minor, "adult": adult, "policy": policy, "claims": claims}


async def test_each_claim_pays_toward_the_person_and_the_family(family):
    c = family["claims"]
    # Ada 300: all deductible
    assert _money(c["Ada"], "deductibleApplied", "coinsuranceAmount", "paidAmount") == (
        D("300.00"), D("0.00"), D("0.00"))  # fmt: skip
    # Leo 600: his whole 500, then 20 % of 100
    assert _money(c["Leo"], "deductibleApplied", "coinsuranceAmount", "paidAmount") == (
        D("500.00"), D("20.00"), D("80.00"))  # fmt: skip
    # Mia 400: the family has 200 of its 1000 left, though she has met none of her 500
    assert _money(c["Mia"], "deductibleApplied", "coinsuranceAmount", "paidAmount") == (
        D("200.00"), D("40.00"), D("160.00"))  # fmt: skip


async def test_plan_staff_see_everyone_s_progress_and_the_family_s(gql, family):
    body = await gql(ACCUMULATORS, {"id": family["policy"]["id"]}, as_=ADJUDICATOR)
    assert "errors" not in body, body["errors"]
    acc = body["data"]["policy"]["accumulators"]
    start = date.fromisoformat(acc["planYearStart"])
    assert start == TODAY - timedelta(days=60)
    assert date.fromisoformat(acc["planYearEnd"]) == start.replace(year=start.year + 1) - timedelta(
        days=1
    )
    people = {p["person"]["firstName"]: p for p in acc["individuals"]}
    assert acc["individuals"][0]["person"]["__typename"] == "Member"  # the subscriber first
    assert {k: (D(v["deductibleMet"]), D(v["outOfPocketMet"])) for k, v in people.items()} == {
        "Ada": (D("300.00"), D("300.00")),
        "Leo": (D("500.00"), D("520.00")),
        "Mia": (D("200.00"), D("240.00")),
    }
    assert D(people["Ada"]["deductibleRemaining"]) == D("200.00")
    assert D(people["Leo"]["outOfPocketRemaining"]) == D("2480.00")
    fam = acc["family"]
    assert (D(fam["deductibleMet"]), D(fam["deductibleRemaining"])) == (D("1000.00"), D("0.00"))
    assert (D(fam["outOfPocketMet"]), D(fam["outOfPocketRemaining"])) == (
        D("1060.00"), D("4940.00"))  # fmt: skip


async def test_a_plan_year_before_the_policy_is_refused_and_the_next_counts_nothing_yet(
    gql, family
):
    last_year = (TODAY - timedelta(days=60)).year - 1
    body = await gql(ACCUMULATORS, {"id": family["policy"]["id"], "year": last_year},
                     as_=ADJUDICATOR)  # fmt: skip
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and "planYear" in error["message"]
    body = await gql(ACCUMULATORS, {"id": family["policy"]["id"], "year": TODAY.year + 1},
                     as_=ADJUDICATOR)  # fmt: skip
    later = body["data"]["policy"]["accumulators"]
    assert all(D(p["deductibleMet"]) == 0 for p in later["individuals"])


async def test_the_subscriber_sees_her_own_and_her_minor_s_not_her_adult_son_s(gql, family, engine):
    from sqlalchemy import text

    user_id, token = await _member_login(gql, family["member"]["id"])
    body = await gql(ACCUMULATORS, {"id": family["policy"]["id"]},
                     headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    acc = body["data"]["policy"]["accumulators"]
    people = {p["person"]["firstName"]: p for p in acc["individuals"]}
    assert D(people["Ada"]["deductibleMet"]) == D("300.00")
    assert D(people["Mia"]["deductibleMet"]) == D("200.00")
    assert people["Leo"]["deductibleMet"] is None  # an adult who has not consented
    hidden = {tuple(e["path"][-1:]) for e in body["errors"]}
    assert ("deductibleMet",) in hidden
    assert all(e["extensions"]["code"] == "FORBIDDEN" for e in body["errors"])
    # the family's total less hers and Mia's would be Leo's: withheld as his are
    assert acc["family"]["deductibleMet"] is None
    # every amount that left is in the audit trail, as a read of that person's record
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                text(
                    "SELECT resource_type, resource_id, fields FROM audit_log "
                    "WHERE user_id = :u AND action = 'read'"
                ),
                {"u": user_id},
            )
        ).all()
    read = {(r.resource_type, str(r.resource_id)): set(r.fields) for r in rows}
    assert "deductible_met" in read[("Dependent", str(_uuid(family["minor"]["id"])))]
    leo = read.get(("Dependent", str(_uuid(family["adult"]["id"]))), set())
    assert not {f for f in leo if f.startswith(("deductible", "out_of_pocket"))}


async def test_providers_and_employers_do_not_see_what_a_family_spent(gql, family):
    body = await gql(ACCUMULATORS, {"id": family["policy"]["id"]}, as_=PROVIDER)
    assert body["data"] is None or body["data"]["policy"] is None
    assert body["errors"][0]["extensions"]["code"] in ("NOT_FOUND", "FORBIDDEN")


async def test_a_prescription_takes_its_tier_s_copay_and_a_medical_line_cannot_have_one(gql):
    member = await _enrol(gql, None, dateOfBirth=str(_years_ago(50)))
    await _create_policy(
        gql, member["id"], deductibleIndividual="500.00", outOfNetworkPercentage=100,
        rxGenericCopay="10.00", rxBrandCopay="40.00", employerContribution="0.00",
        effectiveDate=str(TODAY - timedelta(days=60)),
    )  # fmt: skip
    born, number = _years_ago(50), member["memberNumber"]
    rx = _claim(number, born, "Ada", "90.00", 5, claimType="PHARMACY", placeOfService="01")
    rx["lines"] = [
        {"procedureCode": "J3490", "chargeAmount": "90.00", "diagnosisPointers": [1],
         "drugTier": "BRAND"},
        {"procedureCode": "J3490", "chargeAmount": "6.00", "diagnosisPointers": [1],
         "drugTier": "GENERIC"},
    ]  # fmt: skip
    claim = await _submit_and_approve(gql, rx)
    # brand 40 and generic 10 capped at its 6.00: copays only, no deductible
    assert _money(claim, "copayAmount", "deductibleApplied", "paidAmount") == (
        D("46.00"), D("0.00"), D("50.00"))  # fmt: skip
    medical = _claim(number, born, "Ada", "90.00", 4)
    medical["lines"][0]["drugTier"] = "GENERIC"
    body = await gql(SUBMIT, {"input": medical}, as_=PROVIDER)
    refused = body["data"]["submitClaim"]
    assert refused["__typename"] == "ClaimRefused", refused
    assert any(f["field"] == "lines[0].drugTier" for f in refused["findings"])


async def test_a_minor_s_sensitive_visit_counts_in_pricing_but_not_in_what_the_parent_sees(gql):
    """The plan charges a minor's confidential visit toward the limits, but the subscriber's
    figures add up from the claims she may see: no amount points at the visit."""
    member = await _enrol(gql, None, dateOfBirth=str(_years_ago(44)))
    kid = await _add_dependent(gql, member["id"], firstName="Ivy", dateOfBirth=str(_years_ago(15)))
    policy = await _family_policy(gql, member["id"], days_ago=60)
    visit = _claim(member["memberNumber"], _years_ago(15), "Ivy", "200.00", 6,
                   diagnosisCodes=["F32.1"])  # fmt: skip
    claim = await _submit_and_approve(gql, visit)
    assert D(claim["deductibleApplied"]) == D("200.00")  # priced like any visit
    _, token = await _member_login(gql, member["id"])
    mine = await gql(
        ACCUMULATORS, {"id": policy["id"]}, headers={"Authorization": f"Bearer {token}"}
    )
    staff = await gql(ACCUMULATORS, {"id": policy["id"]}, as_=ADJUDICATOR)

    def ivy(body):
        acc = body["data"]["policy"]["accumulators"]
        person = next(p for p in acc["individuals"] if p["person"]["id"] == kid["id"])
        return D(person["deductibleMet"]), D(acc["family"]["deductibleMet"])

    assert ivy(mine) == (D("0.00"), D("0.00"))
    assert ivy(staff) == (D("200.00"), D("200.00"))
