"""updatePolicy over HTTP: copays, premium and contributions change mid-year (the next
claim is priced with the new copay), deductibles and the like are refused (renew instead),
a stale version answers RecordChanged, and only admins and the member's own employer may.
Each test enrols a member of its own."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

from tests.graph.enrolment_support import (
    ADMIN,
    EMPLOYER,
    REGULATOR,
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

UPDATE = """mutation($id: ID!, $version: Int!, $input: UpdatePolicyInput!) {
  updatePolicy(policyId: $id, version: $version, input: $input) { __typename
  ... on PolicyUpdated { changedFields eventSequence policy { id version rxGenericCopay
      monthlyPremium employerContribution employeeContribution deductibleIndividual
      renewalDate } }
  ... on InvalidInput { code message field }
  ... on RecordChanged { code currentVersion } } }"""


async def _policy(gql, employer=None, **over) -> tuple[dict, dict]:
    member = await _enrol(gql, employer, dateOfBirth=str(_years_ago(50)))
    terms = {"employerContribution": "0.00"} if employer is None else {}
    policy = await _create_policy(
        gql, member["id"], deductibleIndividual="500.00", outOfNetworkPercentage=100,
        rxGenericCopay="10.00", effectiveDate=str(TODAY - timedelta(days=60)),
        **(terms | over),
    )  # fmt: skip
    return member, policy


async def _update(gql, policy_id: str, version: int, as_: str = ADMIN, **input) -> dict:
    body = await gql(UPDATE, {"id": policy_id, "version": version, "input": input}, as_=as_)
    assert "errors" not in body, body["errors"]
    return body["data"]["updatePolicy"]


def _generic(number: str, days_ago: int) -> dict:
    """A generic prescription of 90.00: only the tier's copay is the member's."""
    rx = _claim(number, _years_ago(50), "Ada", "90.00", days_ago, claimType="PHARMACY",
                placeOfService="01")  # fmt: skip
    rx["lines"] = [{"procedureCode": "J3490", "chargeAmount": "90.00",
                    "diagnosisPointers": [1], "drugTier": "GENERIC"}]  # fmt: skip
    return rx


async def test_a_copay_changed_mid_year_prices_the_next_claim(gql, engine):
    member, policy = await _policy(gql)
    before = await _submit_and_approve(gql, _generic(member["memberNumber"], 10))
    assert _money(before, "copayAmount", "paidAmount") == (D("10.00"), D("80.00"))

    done = await _update(gql, policy["id"], 1, rxGenericCopay="15.00")
    assert done["__typename"] == "PolicyUpdated", done
    assert done["changedFields"] == ["rxGenericCopay"]
    assert (D(done["policy"]["rxGenericCopay"]), done["policy"]["version"]) == (D("15.00"), 2)

    after = await _submit_and_approve(gql, _generic(member["memberNumber"], 5))
    assert _money(after, "copayAmount", "paidAmount") == (D("15.00"), D("75.00"))

    # the audit row keeps the old and the new value; the event goes to employer portals
    [row] = await _audit(engine, "update_policy", _uuid(policy["id"]))
    assert row["fields"] == ["rx_generic_copay"]
    assert row["old_values"] == {"rx_generic_copay": "10.00"}
    assert row["new_values"] == {"rx_generic_copay": "15.00"}
    event = await _event(engine, done["eventSequence"])
    assert event["change"] == "policy_updated"
    assert event["policy_id"] == str(_uuid(policy["id"]))


async def test_the_premium_and_its_split_change_together_and_must_add_up(gql, own_employer):
    _, policy = await _policy(gql, own_employer)  # 650.00: employer 455.00, employee 195.00
    done = await _update(gql, policy["id"], 1, monthlyPremium="700.00")
    assert done["__typename"] == "PolicyUpdated", done
    p = done["policy"]
    assert (D(p["monthlyPremium"]), D(p["employerContribution"]), D(p["employeeContribution"])) \
        == (D("700.00"), D("455.00"), D("245.00"))  # fmt: skip
    assert sorted(done["changedFields"]) == ["employeeContribution", "monthlyPremium"]

    wrong = await _update(gql, policy["id"], 2, employerContribution="500.00",
                          employeeContribution="150.00")  # fmt: skip
    assert (wrong["__typename"], wrong["field"]) == ("InvalidInput", "employeeContribution")
    assert "200.00" in wrong["message"]
    too_much = await _update(gql, policy["id"], 2, employerContribution="800.00")
    assert (too_much["__typename"], too_much["field"]) == ("InvalidInput", "employerContribution")
    gone = await _update(gql, policy["id"], 2, monthlyPremium=None)
    assert (gone["__typename"], gone["field"]) == ("InvalidInput", "monthlyPremium")


async def test_a_deductible_change_is_refused_mid_year_the_same_value_is_no_change(gql):
    _, policy = await _policy(gql)
    refused = await _update(gql, policy["id"], 1, deductibleIndividual="750.00",
                            rxGenericCopay="12.00")  # fmt: skip
    assert refused["__typename"] == "InvalidInput", refused
    assert refused["field"] == "deductibleIndividual"
    assert "renewPolicy" in refused["message"]
    for field, value in (("outOfPocketMaxIndividual", "9000.00"), ("coinsurancePercentage", 70),
                         ("deductibleFamily", "1000.00")):  # fmt: skip
        refused = await _update(gql, policy["id"], 1, **{field: value})
        assert (refused["__typename"], refused["field"]) == ("InvalidInput", field)
    same = await _update(gql, policy["id"], 1, deductibleIndividual="500.00")
    assert same["__typename"] == "PolicyUpdated", same
    assert (same["changedFields"], same["eventSequence"]) == ([], None)
    assert same["policy"]["version"] == 1  # nothing was written, not even the copay above


async def test_a_stale_version_is_refused_and_nothing_is_saved(gql):
    _, policy = await _policy(gql)
    assert (await _update(gql, policy["id"], 1, rxGenericCopay="11.00"))["__typename"] == \
        "PolicyUpdated"  # fmt: skip
    stale = await _update(gql, policy["id"], 1, rxGenericCopay="20.00")
    assert stale == {"__typename": "RecordChanged", "code": "CONFLICT", "currentVersion": 2}
    body = await gql("query($id: ID!) { policy(id: $id) { rxGenericCopay version } }",
                     {"id": policy["id"]})  # fmt: skip
    assert body["data"]["policy"] == {"rxGenericCopay": "11.00", "version": 2}


async def test_a_renewal_date_before_the_effective_date_is_refused_null_resets_it(gql):
    _, policy = await _policy(gql)
    refused = await _update(gql, policy["id"], 1, renewalDate=str(TODAY - timedelta(days=90)))
    assert (refused["__typename"], refused["field"]) == ("InvalidInput", "renewalDate")
    moved = await _update(gql, policy["id"], 1, renewalDate=str(TODAY + timedelta(days=200)))
    assert moved["policy"]["renewalDate"] == str(TODAY + timedelta(days=200))
    reset = await _update(gql, policy["id"], 2, renewalDate=None)
    start = TODAY - timedelta(days=60)
    assert reset["policy"]["renewalDate"] == str(start.replace(year=start.year + 1))


async def test_only_an_active_policy_changes(gql):
    _, policy = await _policy(gql)
    body = await gql(
        """mutation($id: ID!, $day: Date!) { terminatePolicy(policyId: $id, terminationDate:
        $day) { __typename } }""",
        {"id": policy["id"], "day": str(TODAY)},
    )
    assert body["data"]["terminatePolicy"]["__typename"] == "PolicyTerminated"
    refused = await _update(gql, policy["id"], 1, rxGenericCopay="12.00")
    assert (refused["__typename"], refused["field"]) == ("InvalidInput", "policyId")


async def test_an_employer_changes_its_own_employees_policy_not_another_employers(
    gql, own_employer, other_employer
):
    _, own = await _policy(gql, own_employer)
    done = await _update(gql, own["id"], 1, as_=EMPLOYER, rxGenericCopay="12.00")
    assert done["__typename"] == "PolicyUpdated", done

    _, theirs = await _policy(gql, other_employer)
    body = await gql(UPDATE, {"id": theirs["id"], "version": 1,
                              "input": {"rxGenericCopay": "0.00"}}, as_=EMPLOYER)  # fmt: skip
    assert _error(body) in ("NOT_FOUND", "FORBIDDEN")
    body = await gql(UPDATE, {"id": own["id"], "version": 2,
                              "input": {"rxGenericCopay": "0.00"}}, as_=REGULATOR)  # fmt: skip
    assert _error(body) == "FORBIDDEN"
    body = await gql("query($id: ID!) { policy(id: $id) { rxGenericCopay version } }",
                     {"id": theirs["id"]})  # fmt: skip
    assert body["data"]["policy"] == {"rxGenericCopay": "10.00", "version": 1}
