"""renewPolicy over HTTP: the next plan year is a new policy on the anniversary, linked to the
one it continues, with new terms (a new deductible) and accumulators from zero; the old one
ends that day with its year's claims and their totals as they were. Renewing twice, or a
policy no longer in force, is refused. Each test enrols a member of its own."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

from tests.graph.enrolment_support import (
    EMPLOYER,
    TERMINATE_POLICY,
    TODAY,
    _audit,
    _create_policy,
    _enrol,
    _error,
    _event,
    _uuid,
    _years_ago,
)
from tests.graph.test_accumulators import _claim, _money, _submit_and_approve

RENEW = """mutation($id: ID!, $input: RenewPolicyInput!) {
  renewPolicy(policyId: $id, input: $input) { __typename
  ... on PolicyRenewed { eventSequence
      policy { id status effectiveDate terminationDate renewalDate deductibleIndividual
        outOfPocketMaxIndividual monthlyPremium employerContribution employeeContribution
        rxGenericCopay planName renews { id } renewedBy { id } }
      renewed { id status version terminationDate renewedBy { id } renews { id } } }
  ... on InvalidInput { code message field }
  ... on IllegalStatusChange { code currentStatus requestedStatus }
  ... on RecordChanged { code } } }"""

ACCUMULATED = """query($id: ID!, $year: Int) { policy(id: $id) {
  accumulators(planYear: $year) { planYearStart
    individuals { deductibleMet outOfPocketMet deductibleLimit } } } }"""

# a year ago less 20 days: the plan year ends, and the renewal starts, 20 days from now
STARTED = TODAY - timedelta(days=345)


def _anniversary():
    try:
        return STARTED.replace(year=STARTED.year + 1)
    except ValueError:  # 29 February
        return STARTED.replace(year=STARTED.year + 1, day=28)


async def _policy(gql, employer=None, **over):
    member = await _enrol(gql, employer, dateOfBirth=str(_years_ago(50)),
                          enrollmentDate=str(STARTED - timedelta(days=10)))  # fmt: skip
    terms = {"employerContribution": "0.00"} if employer is None else {}
    policy = await _create_policy(
        gql, member["id"], deductibleIndividual="500.00", outOfPocketMaxIndividual="3000.00",
        outOfNetworkPercentage=100, rxGenericCopay="10.00", primaryCareCopay=None,
        effectiveDate=str(STARTED), **(terms | over),
    )  # fmt: skip
    return member, policy


async def _renew(gql, policy_id: str, as_: str = "admin@example.com", **input) -> dict:
    body = await gql(RENEW, {"id": policy_id, "input": input}, as_=as_)
    assert "errors" not in body, body["errors"]
    return body["data"]["renewPolicy"]


async def test_a_renewal_is_a_new_policy_on_the_anniversary_with_new_terms(gql, engine):
    member, policy = await _policy(gql)
    claim = await _submit_and_approve(
        gql, _claim(member["memberNumber"], _years_ago(50), "Ada", "300.00", 10)
    )
    assert _money(claim, "deductibleApplied") == (D("300.00"),)

    done = await _renew(gql, policy["id"], deductibleIndividual="750.00",
                        monthlyPremium="700.00")  # fmt: skip
    assert done["__typename"] == "PolicyRenewed", done
    new, old = done["policy"], done["renewed"]
    starts = str(_anniversary())
    assert new["id"] != policy["id"]
    assert (new["effectiveDate"], new["terminationDate"], new["status"]) == (starts, None, "ACTIVE")
    assert new["renewalDate"] == str(_anniversary().replace(year=_anniversary().year + 1))
    # what was given changed; the rest carried over
    assert (D(new["deductibleIndividual"]), D(new["outOfPocketMaxIndividual"])) == (
        D("750.00"), D("3000.00"))  # fmt: skip
    assert (D(new["monthlyPremium"]), D(new["employeeContribution"])) == (D("700.00"),) * 2
    assert (D(new["rxGenericCopay"]), new["planName"]) == (D("10.00"), "Gold PPO 1500")
    # linked both ways; the old one ends the day the new one starts and expires then
    assert new["renews"] == {"id": policy["id"]} and new["renewedBy"] is None
    assert old["renewedBy"] == {"id": new["id"]} and old["renews"] is None
    assert (old["status"], old["terminationDate"], old["version"]) == ("ACTIVE", starts, 2)

    # the old year's claim stays with the old policy; the new year starts from zero
    body = await gql(ACCUMULATED, {"id": policy["id"]})
    [person] = body["data"]["policy"]["accumulators"]["individuals"]
    assert (D(person["deductibleMet"]), D(person["deductibleLimit"])) == (D("300.00"),
                                                                           D("500.00"))  # fmt: skip
    body = await gql(ACCUMULATED, {"id": new["id"], "year": _anniversary().year})
    assert "errors" not in body, body["errors"]
    acc = body["data"]["policy"]["accumulators"]
    assert acc["planYearStart"] == starts
    [person] = acc["individuals"]
    assert (D(person["deductibleMet"]), D(person["outOfPocketMet"]),
            D(person["deductibleLimit"])) == (D("0.00"), D("0.00"), D("750.00"))  # fmt: skip

    # one event and audit row for each policy; the new one's keeps the terms that changed
    [row] = await _audit(engine, "create_policy_by_renewal", _uuid(new["id"]))
    assert row["fields"] == ["deductible_individual", "employee_contribution", "monthly_premium"]
    assert row["old_values"] == {
        "deductible_individual": "500.00",
        "employee_contribution": "650.00",
        "monthly_premium": "650.00",
    }
    assert row["new_values"]["deductible_individual"] == "750.00"
    assert row["new_values"]["renews_policy_id"] == str(_uuid(policy["id"]))
    [row] = await _audit(engine, "renew_policy", _uuid(policy["id"]))
    assert row["new_values"]["termination_date"] == starts
    event = await _event(engine, done["eventSequence"])
    assert (event["change"], event["policy_id"]) == ("policy_created", str(_uuid(new["id"])))


async def test_a_policy_is_renewed_once(gql):
    _, policy = await _policy(gql)
    assert (await _renew(gql, policy["id"]))["__typename"] == "PolicyRenewed"
    again = await _renew(gql, policy["id"], deductibleIndividual="900.00")
    assert (again["__typename"], again["field"]) == ("InvalidInput", "policyId")
    assert "already been renewed" in again["message"]


async def test_a_terminated_or_expired_policy_is_not_renewed(gql):
    _, policy = await _policy(gql)
    body = await gql(TERMINATE_POLICY, {"id": policy["id"], "day": str(TODAY)})
    assert body["data"]["terminatePolicy"]["__typename"] == "PolicyTerminated"
    refused = await _renew(gql, policy["id"])
    assert refused == {"__typename": "IllegalStatusChange", "code": "BAD_USER_INPUT",
                       "currentStatus": "TERMINATED", "requestedStatus": "EXPIRED"}  # fmt: skip

    _, ended = await _policy(gql, terminationDate=str(TODAY - timedelta(days=5)))
    assert ended["status"] == "EXPIRED"
    refused = await _renew(gql, ended["id"])
    assert (refused["__typename"], refused["currentStatus"]) == ("IllegalStatusChange", "EXPIRED")


async def test_a_policy_ending_before_its_anniversary_and_bad_terms_are_refused(gql):
    _, policy = await _policy(gql, terminationDate=str(TODAY + timedelta(days=5)))
    refused = await _renew(gql, policy["id"])
    assert (refused["__typename"], refused["field"]) == ("InvalidInput", "policyId")

    _, policy = await _policy(gql)
    refused = await _renew(gql, policy["id"], deductibleIndividual="5000.00")
    assert (refused["__typename"], refused["field"]) == ("InvalidInput", "deductibleIndividual")
    refused = await _renew(gql, policy["id"], planName=None)
    assert (refused["__typename"], refused["field"]) == ("InvalidInput", "planName")
    # nothing was written: the policy renews afterwards as if never tried
    assert (await _renew(gql, policy["id"]))["__typename"] == "PolicyRenewed"


async def test_an_employer_renews_its_own_employees_policy_not_another_employers(
    gql, own_employer, other_employer
):
    _, own = await _policy(gql, own_employer)
    done = await _renew(gql, own["id"], as_=EMPLOYER, employerContribution="500.00")
    assert done["__typename"] == "PolicyRenewed", done
    assert (D(done["policy"]["employerContribution"]), D(done["policy"]["employeeContribution"])) \
        == (D("500.00"), D("150.00"))  # fmt: skip
    _, theirs = await _policy(gql, other_employer)
    body = await gql(RENEW, {"id": theirs["id"], "input": {}}, as_=EMPLOYER)
    assert _error(body) in ("NOT_FOUND", "FORBIDDEN")
