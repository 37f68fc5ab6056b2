"""Enrolment over HTTP, policies: createPolicy and terminatePolicy.

Each test enrols people of its own (the demo personas are shared by the whole suite), and
checks what a user would notice (the saved record, the typed refusal naming the input field),
who may do what, and that the row, its audit row and its outbox event commit together or not
at all. What the enrolment tests share is in tests/graph/enrolment_support.py.
"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from decimal import Decimal

import pytest

from graph.relay import to_global_id
from tests.graph.enrolment_support import (
    CREATE_POLICY,
    EMPLOYER,
    MEMBER,
    REGULATOR,
    TERMINATE_POLICY,
    TODAY,
    _audit,
    _create_policy,
    _enrol,
    _error,
    _event,
    _one,
    _policy_input,
    _uuid,
)

# --- createPolicy -----------------------------------------------------------------------------


async def test_an_admin_creates_a_policy_with_its_premium_split(gql, engine, own_employer):
    member = await _enrol(gql, own_employer)
    body = await gql(CREATE_POLICY, {"input": _policy_input(member["id"])})
    result = body["data"]["createPolicy"]
    assert result["__typename"] == "PolicyCreated", result
    policy = result["policy"]
    effective = TODAY - timedelta(days=300)
    assert policy["policyNumber"].startswith("POL-") and policy["status"] == "ACTIVE"
    assert (policy["planType"], policy["coverageLevel"]) == ("PPO", "INDIVIDUAL")
    assert policy["effectiveDate"] == str(effective) and policy["terminationDate"] is None
    renewal = effective.replace(year=effective.year + 1) if (effective.month, effective.day) != (
        2, 29) else date(effective.year + 1, 2, 28)  # fmt: skip
    assert policy["renewalDate"] == str(renewal)
    # 650.00 a month, 455.00 of it from the employer: the employee pays 195.00
    assert [Decimal(policy[k]) for k in ("monthlyPremium", "employerContribution",
            "employeeContribution")] == [Decimal("650.00"), Decimal("455.00"), Decimal("195.00")]  # fmt: skip
    assert policy["member"]["id"] == member["id"]
    policy_id = _uuid(policy["id"])
    assert await _event(engine, result["eventSequence"]) == {
        "change": "policy_created", "member_id": str(_uuid(member["id"])),
        "employer_id": str(_uuid(own_employer)), "policy_id": str(policy_id),
    }  # fmt: skip
    [audit] = await _audit(engine, "create_policy", policy_id)
    assert audit["new_values"] == {"status": "active", "effective_date": str(effective),
                                   "termination_date": None}  # fmt: skip
    assert audit["subject_member_id"] == _uuid(member["id"])


async def test_one_policy_covers_any_one_day(gql, own_employer):
    member = await _enrol(gql, own_employer, enrollmentDate="2020-01-01")
    await _create_policy(
        gql, member["id"], effectiveDate="2020-01-01", terminationDate="2021-01-01"
    )
    overlap = await gql(CREATE_POLICY, {"input": _policy_input(
        member["id"], effectiveDate="2020-06-01", terminationDate="2020-09-01")})  # fmt: skip
    assert overlap["data"]["createPolicy"]["field"] == "effectiveDate"
    # the next one starts on the day the first one ends
    following = await _create_policy(gql, member["id"], effectiveDate="2021-01-01")
    assert following["status"] == "ACTIVE"
    open_ended = await gql(CREATE_POLICY, {"input": _policy_input(
        member["id"], effectiveDate=str(TODAY))})  # fmt: skip
    assert open_ended["data"]["createPolicy"]["field"] == "effectiveDate"


async def test_two_admins_creating_overlapping_policies_at_once_one_wins(gql, own_employer):
    member = await _enrol(gql, own_employer)
    bodies = await asyncio.gather(*(
        gql(CREATE_POLICY, {"input": _policy_input(member["id"])}) for _ in range(4)
    ))  # fmt: skip
    kinds = sorted(b["data"]["createPolicy"]["__typename"] for b in bodies)
    assert kinds == ["InvalidInput", "InvalidInput", "InvalidInput", "PolicyCreated"]


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"terminationDate": str(TODAY - timedelta(days=300))}, "terminationDate"),
        ({"renewalDate": str(TODAY - timedelta(days=301))}, "renewalDate"),
        ({"effectiveDate": str(TODAY - timedelta(days=500))}, "effectiveDate"),  # before enrolment
        ({"deductibleIndividual": "6000.01"}, "deductibleIndividual"),
        ({"deductibleIndividual": "-1.00"}, "deductibleIndividual"),
        ({"monthlyPremium": "650.005"}, "monthlyPremium"),
        ({"monthlyPremium": "0.00", "employerContribution": "0.00"}, "monthlyPremium"),
        ({"employerContribution": "700.00"}, "employerContribution"),
        ({"employeeContribution": "100.00"}, "employeeContribution"),
        ({"coinsurancePercentage": 120}, "coinsurancePercentage"),
        ({"primaryCareCopay": "25.5555"}, "primaryCareCopay"),
        ({"deductibleFamily": "1000.00"}, "deductibleFamily"),
        ({"planName": " "}, "planName"),
    ],
)
async def test_policy_refusals_name_the_field(gql, own_employer, over, field):
    member = await _enrol(gql, own_employer)
    body = await gql(CREATE_POLICY, {"input": _policy_input(member["id"], **over)})
    result = body["data"]["createPolicy"]
    assert (result["__typename"], result["field"]) == ("InvalidInput", field), result


async def test_an_employer_contribution_needs_an_employer(gql):
    member = await _enrol(gql, None)
    body = await gql(CREATE_POLICY, {"input": _policy_input(member["id"])})
    assert body["data"]["createPolicy"]["field"] == "employerContribution"
    alone = await _create_policy(gql, member["id"], employerContribution="0.00")
    assert Decimal(alone["employeeContribution"]) == Decimal("650.00")


async def test_who_may_create_a_policy(gql, users, own_employer, other_employer):
    member = await _enrol(gql, own_employer)
    await _create_policy(gql, member["id"], as_=EMPLOYER)
    theirs = await _enrol(gql, other_employer)
    body = await gql(CREATE_POLICY, {"input": _policy_input(theirs["id"])}, as_=EMPLOYER)
    assert _error(body) == "NOT_FOUND"
    maria = to_global_id("Member", users[MEMBER]["member_id"])
    for persona in (MEMBER, REGULATOR):
        body = await gql(CREATE_POLICY, {"input": _policy_input(maria)}, as_=persona)
        assert _error(body) == "FORBIDDEN", persona


# --- terminatePolicy --------------------------------------------------------------------------


async def test_terminating_a_policy_once_after_its_effective_date(gql, engine, own_employer):
    member = await _enrol(gql, own_employer)
    policy = await _create_policy(gql, member["id"])
    effective = TODAY - timedelta(days=300)
    early = await gql(TERMINATE_POLICY, {"id": policy["id"], "day": str(effective)})
    assert early["data"]["terminatePolicy"]["field"] == "terminationDate"
    day = str(TODAY + timedelta(days=10))
    body = await gql(TERMINATE_POLICY, {"id": policy["id"], "day": day})
    result = body["data"]["terminatePolicy"]
    assert result["__typename"] == "PolicyTerminated", result
    assert result["policy"]["status"] == "TERMINATED" and result["policy"]["terminationDate"] == day
    policy_id = _uuid(policy["id"])
    assert await _event(engine, result["eventSequence"]) == {
        "change": "policy_terminated", "member_id": str(_uuid(member["id"])),
        "employer_id": str(_uuid(own_employer)), "policy_id": str(policy_id),
    }  # fmt: skip
    [audit] = await _audit(engine, "terminate_policy", policy_id)
    assert audit["old_values"] == {"status": "active"}
    assert audit["new_values"]["termination_date"] == day
    again = await gql(TERMINATE_POLICY, {"id": policy["id"], "day": day})
    assert again["data"]["terminatePolicy"] == {
        "__typename": "IllegalStatusChange", "code": "BAD_USER_INPUT",
        "currentStatus": "TERMINATED", "requestedStatus": "TERMINATED",
    }  # fmt: skip


async def test_a_policy_ending_on_record_can_only_end_earlier(gql, own_employer):
    member = await _enrol(gql, own_employer)
    ends = TODAY + timedelta(days=60)
    policy = await _create_policy(gql, member["id"], terminationDate=str(ends))
    later = await gql(TERMINATE_POLICY, {"id": policy["id"], "day": str(ends + timedelta(days=1))})
    assert later["data"]["terminatePolicy"]["field"] == "terminationDate"


async def test_who_may_terminate_a_policy(gql, users, engine, own_employer, other_employer):
    member = await _enrol(gql, own_employer)
    policy = await _create_policy(gql, member["id"])
    maria_policy = (
        await _one(engine, "SELECT id FROM policies WHERE member_id = :m LIMIT 1",
                   m=users[MEMBER]["member_id"])
    ).id  # fmt: skip
    for persona in (MEMBER, REGULATOR):
        body = await gql(TERMINATE_POLICY, {"id": to_global_id("Policy", maria_policy),
                                            "day": str(TODAY)}, as_=persona)  # fmt: skip
        assert _error(body) == "FORBIDDEN", persona
    theirs = await _create_policy(gql, (await _enrol(gql, other_employer))["id"])
    body = await gql(TERMINATE_POLICY, {"id": theirs["id"], "day": str(TODAY)}, as_=EMPLOYER)
    assert _error(body) == "NOT_FOUND"
    body = await gql(TERMINATE_POLICY, {"id": policy["id"], "day": str(TODAY)}, as_=EMPLOYER)
    assert body["data"]["terminatePolicy"]["__typename"] == "PolicyTerminated"
