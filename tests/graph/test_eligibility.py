"""The provider's question before a visit (X12 270/271) over HTTP: covered or not, the
plan, the visit's cost sharing and what is left of the limits; one answer for every way a
person is not found; audited as a disclosure for payment; rate-limited per provider user."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from sqlalchemy import text

from graph import limits
from tests.graph.enrolment_support import _add_dependent, _enrol, _uuid, _years_ago
from tests.graph.test_accumulators import PROVIDER, _claim, _family_policy, _submit_and_approve

TODAY = date.today()
ASK = """query($number: String!, $born: Date!, $day: Date!, $type: ServiceType, $name: String) {
  eligibility(memberNumber: $number, dateOfBirth: $born, serviceDate: $day,
              serviceType: $type, firstName: $name) {
    covered planName planType coverageLevel serviceType copay coinsurancePercentage
    deductibleApplies deductibleRemaining outOfPocketRemaining planYearStart planYearEnd } }"""
NOT_COVERED = {
    "covered": False, "planName": None, "planType": None, "coverageLevel": None,
    "serviceType": None, "copay": None, "coinsurancePercentage": None,
    "deductibleApplies": None, "deductibleRemaining": None, "outOfPocketRemaining": None,
    "planYearStart": None, "planYearEnd": None,
}  # fmt: skip


@pytest.fixture(scope="module")
async def household(gql):
    """A subscriber and her son on a family policy; she has had one 300 visit approved."""
    member = await _enrol(gql, None, dateOfBirth=str(_years_ago(41)))
    son = await _add_dependent(gql, member["id"], firstName="Sam", dateOfBirth=str(_years_ago(7)))
    await _family_policy(gql, member["id"], days_ago=90, planName="Silver PPO 500",
                         primaryCareCopay="25.00", rxGenericCopay="10.00")  # fmt: skip
    born = _years_ago(41)
    await _submit_and_approve(gql, _claim(member["memberNumber"], born, "Ada", "300.00", 5))
    return {"member": member, "son": son, "born": born, "son_born": _years_ago(7)}


def _ask(household, **over) -> dict:
    return {"number": household["member"]["memberNumber"], "born": household["born"].isoformat(),
            "day": TODAY.isoformat(), **over}  # fmt: skip


async def test_a_covered_member_and_what_a_visit_costs_her(gql, household):
    body = await gql(ASK, _ask(household, type="PRIMARY_CARE"), as_=PROVIDER)
    answer = body["data"]["eligibility"]
    assert answer["covered"] is True and answer["planName"] == "Silver PPO 500"
    assert (answer["planType"], answer["coverageLevel"]) == ("PPO", "FAMILY")
    assert (D(answer["copay"]), answer["coinsurancePercentage"]) == (D("25.00"), None)
    # her 300 visit went to her deductible: 200 left of hers (the family has 700)
    assert D(answer["deductibleRemaining"]) == D("200.00")
    assert D(answer["outOfPocketRemaining"]) == D("2700.00")
    assert date.fromisoformat(answer["planYearStart"]) == TODAY - timedelta(days=90)


async def test_each_kind_of_visit_takes_its_own_cost_sharing(gql, household):
    general = (await gql(ASK, _ask(household), as_=PROVIDER))["data"]["eligibility"]
    assert (general["serviceType"], general["copay"], general["coinsurancePercentage"]) == (
        "GENERAL", None, 20)  # fmt: skip
    rx = (await gql(ASK, _ask(household, type="PHARMACY_GENERIC"), as_=PROVIDER))["data"]
    assert (D(rx["eligibility"]["copay"]), rx["eligibility"]["deductibleApplies"]) == (
        D("10.00"), False)  # fmt: skip
    wellness = (await gql(ASK, _ask(household, type="PREVENTIVE"), as_=PROVIDER))["data"]
    assert D(wellness["eligibility"]["copay"]) == 0
    # her son has met none of his own 500, and the family has 700 left: 500 for him
    son = {"born": household["son_born"].isoformat(), "name": "Sam"}
    answer = (await gql(ASK, _ask(household, **son), as_=PROVIDER))["data"]["eligibility"]
    assert answer["covered"] is True and D(answer["deductibleRemaining"]) == D("500.00")


async def test_every_way_of_not_being_covered_gets_the_same_answer(gql, household):
    unknown = _ask(household, number="MBR-99999999")
    wrong_birthday = _ask(household, born=(household["born"] - timedelta(days=1)).isoformat())
    before_coverage = _ask(household, day=(TODAY - timedelta(days=500)).isoformat())
    for variables in (unknown, wrong_birthday, before_coverage):
        body = await gql(ASK, variables, as_=PROVIDER)
        assert body == {"data": {"eligibility": NOT_COVERED}}, variables


async def test_each_answer_about_a_person_is_audited_for_payment(gql, household, engine):
    await gql(ASK, _ask(household), as_=PROVIDER)
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                text(
                    "SELECT purpose_of_use, fields, role FROM audit_log WHERE action = 'read' "
                    "AND subject_member_id = :m AND policy_rule = 'eligibility' "
                    "ORDER BY seq DESC LIMIT 1"
                ),
                {"m": _uuid(household["member"]["id"])},
            )
        ).one()
    assert (row.purpose_of_use, row.role) == ("PAYMENT", "provider")
    assert "accumulators" in row.fields


@pytest.mark.parametrize(
    "persona", ["member@example.com", "employer@example.com", "regulator@example.com"]
)
async def test_only_providers_and_plan_staff_may_ask(gql, household, persona):
    body = await gql(ASK, _ask(household), as_=persona)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_bad_questions_are_refused(gql, household):
    far = _ask(household, day=(TODAY + timedelta(days=1000)).isoformat())
    body = await gql(ASK, far, as_=PROVIDER)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["errors"][0]["extensions"]["field"] == "serviceDate"
    body = await gql(ASK, _ask(household, number="  "), as_=PROVIDER)
    assert body["errors"][0]["extensions"]["field"] == "memberNumber"


async def test_a_provider_s_questions_draw_on_its_patient_lookup_limit(
    db_url, token_for, household, monkeypatch
):  # a bucket of this test's own: the buckets are per process, shared by every app
    from tests.graph.conftest import app_with

    bucket = limits.Limiter()
    monkeypatch.setattr(limits, "shared", lambda: bucket)
    headers = {"Authorization": f"Bearer {token_for(PROVIDER)}"}
    body = {"query": ASK, "variables": _ask(household)}
    async with app_with(db_url, patient_lookups_per_minute=2) as client:
        for _ in range(2):
            ok = await client.post("/graphql", json=body, headers=headers)
            assert ok.json()["data"]["eligibility"]["covered"] is True
        refused = await client.post("/graphql", json=body, headers=headers)
        assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
