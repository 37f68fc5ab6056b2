"""An outside auditor's probe of issue 15's features over HTTP, on fresh rows: each test is
an abuse a persona might try, and passes when the defence holds.

- regulators get no day of a plan year (a policy's effective date's anniversary) through
  Policy.accumulators (Safe Harbor: no date element finer than the year tied to a person);
- a subscriber does not work out an adult dependent's amounts (withheld without consent) by
  subtracting what they may see from the family's totals, nor an adult dependent the
  subscriber's from theirs: a total is read only by whoever reads every part of it;
- eligibility gives one answer, and leaves one kind of audit row without a subject, for
  every way of not being covered (a suspension) and one refusal to every persona that may not ask, whoever the card names.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from sqlalchemy import text

from graph.auth import issue_access_token
from graph.config import Settings
from tests.graph.enrolment_support import _add_dependent, _create_policy, _enrol, _uuid, _years_ago
from tests.graph.test_accumulators import ACCUMULATORS, _claim, _family_policy, _submit_and_approve
from tests.graph.test_eligibility import ASK, NOT_COVERED

TODAY = date.today()
ADMIN, PROVIDER, REGULATOR = "admin@example.com", "provider@example.com", "regulator@example.com"
FULL_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}")

CREATE_USER = """mutation($input: CreateUserInput!) { createUser(input: $input) {
  __typename ... on UserSaved { user { id } } ... on InvalidInput { field message } } }"""
SUSPEND = """mutation($m: ID!, $d: Date!) { suspendMember(memberId: $m, effectiveDate: $d) {
  __typename } }"""


async def _login(gql, role: str, **tie) -> dict:
    """A fresh login of `role` tied to a record; the Authorization header for it."""
    body = await gql(CREATE_USER, {"input": {
        "email": f"probe-{uuid.uuid4().hex[:10]}@example.com", "role": role.upper(),
        "password": "a long enough password 42", **tie}})  # fmt: skip
    assert body["data"]["createUser"]["__typename"] == "UserSaved", body
    user_id = _uuid(body["data"]["createUser"]["user"]["id"])
    token = issue_access_token(user_id=user_id, role=role, settings=Settings())
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
async def household(gql):
    """A subscriber, her adult son (no consent on record) and nobody else, on a family
    policy; each has had one visit approved this plan year."""
    member = await _enrol(gql, None, dateOfBirth=str(_years_ago(50)),
                          enrollmentDate=str(TODAY - timedelta(days=400)))  # fmt: skip
    adult = await _add_dependent(gql, member["id"], firstName="Noah",
                                 dateOfBirth=str(_years_ago(24)))  # fmt: skip
    policy = await _family_policy(gql, member["id"], days_ago=45)
    number = member["memberNumber"]
    await _submit_and_approve(gql, _claim(number, _years_ago(50), "Ada", "120.00", 20))
    await _submit_and_approve(gql, _claim(number, _years_ago(24), "Noah", "340.00", 10))
    return {"member": member, "adult": adult, "policy": policy}


# --- accumulators ----------------------------------------------------------------------------
async def test_a_subscriber_cannot_subtract_her_way_to_an_adult_son_s_amounts(gql, household):
    as_her = await _login(gql, "member", memberId=household["member"]["id"])
    body = await gql(ACCUMULATORS, {"id": household["policy"]["id"]}, headers=as_her)
    acc = body["data"]["policy"]["accumulators"]
    people = {p["person"]["firstName"]: p for p in acc["individuals"]}
    assert D(people["Ada"]["deductibleMet"]) == D("120.00")  # her own
    assert people["Noah"]["deductibleMet"] is None  # withheld: no consent on record
    # the family's total less hers would be his: withheld as his are
    family = acc["family"]
    assert family is None or all(
        family[k] is None
        for k in (
            "deductibleMet",
            "deductibleRemaining",
            "outOfPocketMet",
            "outOfPocketRemaining",
        )  # fmt: skip
    ), family


async def test_an_adult_dependent_cannot_subtract_his_way_to_the_subscriber_s(gql, household):
    as_him = await _login(gql, "dependent", dependentId=household["adult"]["id"])
    body = await gql(ACCUMULATORS, {"id": household["policy"]["id"]}, headers=as_him)
    acc = body["data"]["policy"]["accumulators"]
    people = {p["person"]["firstName"]: p for p in acc["individuals"]}
    assert set(people) == {"Noah"} and D(people["Noah"]["deductibleMet"]) == D("340.00")
    family = acc["family"]
    assert family is None or family["deductibleMet"] is None, family


async def test_plan_staff_still_read_the_family_s_totals(gql, household):
    body = await gql(ACCUMULATORS, {"id": household["policy"]["id"]}, as_="adjudicator@example.com")
    assert "errors" not in body, body["errors"]
    assert D(body["data"]["policy"]["accumulators"]["family"]["deductibleMet"]) == D("460.00")


async def test_a_regulator_gets_no_day_of_a_plan_year(gql):
    body = await gql(
        """{ policies(first: 20) { edges { node { __typename effectiveDate
             accumulators { __typename planYearStart planYearEnd } } } } }""",
        as_=REGULATOR,
    )
    nodes = [e["node"] for e in body["data"]["policies"]["edges"]]
    assert nodes, "the regulator reads no policy: the probe proves nothing"
    for node in nodes:
        assert node["effectiveDate"] is None  # removed, as Safe Harbor wants
        acc = node["accumulators"]
        for value in (acc["planYearStart"], acc["planYearEnd"]):
            assert value is None or not FULL_DATE.search(str(value)), acc


# --- eligibility -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
async def twins(gql):
    """A subscriber and her daughter on a family policy, both covered today."""
    member = await _enrol(gql, None, dateOfBirth=str(_years_ago(38)),
                          enrollmentDate=str(TODAY - timedelta(days=200)))  # fmt: skip
    born = _years_ago(6)
    await _add_dependent(gql, member["id"], firstName="Ivy", dateOfBirth=str(born))
    await _create_policy(gql, member["id"], coverageLevel="FAMILY", employerContribution="0.00",
                         effectiveDate=str(TODAY - timedelta(days=100)))  # fmt: skip
    return {"member": member, "born": born}


def _q(number: str, born: date, **over) -> dict:
    return {"number": number, "born": born.isoformat(), "day": TODAY.isoformat(), **over}


async def test_a_suspended_member_gets_the_not_covered_answer_and_no_audit_subject(gql, engine):
    born = _years_ago(44)
    member = await _enrol(gql, None, dateOfBirth=str(born),
                          enrollmentDate=str(TODAY - timedelta(days=200)))  # fmt: skip
    await _create_policy(
        gql,
        member["id"],
        employerContribution="0.00",
        effectiveDate=str(TODAY - timedelta(days=100)),
    )
    ask = _q(member["memberNumber"], born)
    assert (await gql(ASK, ask, as_=PROVIDER))["data"]["eligibility"]["covered"] is True
    body = await gql(SUSPEND, {"m": member["id"], "d": TODAY.isoformat()})
    assert body["data"]["suspendMember"]["__typename"] == "MemberStatusChanged", body
    assert await gql(ASK, ask, as_=PROVIDER) == {"data": {"eligibility": NOT_COVERED}}
    async with engine.connect() as conn:
        rows = (await conn.execute(text(
            "SELECT subject_member_id, subject_dependent_id, resource_id, fields, error, "
            "old_values, new_values FROM audit_log WHERE action = 'eligibility_not_covered' "
            "ORDER BY seq DESC LIMIT 1"))).all()  # fmt: skip
    assert rows, "the refusal left no audit row"
    row = rows[0]
    assert (row.subject_member_id, row.subject_dependent_id, row.resource_id) == (None,) * 3
    assert member["memberNumber"] not in str(tuple(row)), row


@pytest.mark.parametrize(
    "persona", ["member@example.com", "adult.child@example.com", "employer@example.com",
                "regulator@example.com", "auditor@example.com"],
)  # fmt: skip
async def test_a_persona_that_may_not_ask_gets_one_refusal_whoever_the_card_names(
    gql, twins, persona
):
    real = await gql(ASK, _q(twins["member"]["memberNumber"], twins["born"], name="Ivy"),
                     as_=persona)  # fmt: skip
    unknown = await gql(ASK, _q("MBR-99999998", twins["born"]), as_=persona)
    assert real["data"] is None and real["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    strip = [{k: v for k, v in e.items() if k != "extensions"} | {
        "code": e["extensions"]["code"]} for e in real["errors"]]  # fmt: skip
    assert strip == [{k: v for k, v in e.items() if k != "extensions"} | {
        "code": e["extensions"]["code"]} for e in unknown["errors"]]  # fmt: skip
