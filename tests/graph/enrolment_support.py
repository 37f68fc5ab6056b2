"""What the enrolment tests (tests/graph/test_enrolment*.py) share: the personas, the
mutations, inputs that pass, helpers that enrol people and read back their rows, audit rows
and outbox events, and the employer fixtures (registered in tests/graph/conftest.py)."""

from __future__ import annotations

import json
import random
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import text

from graph.relay import to_global_id

ADMIN = "admin@example.com"


EMPLOYER = "employer@example.com"


MEMBER = "member@example.com"


ADULT = "adult.child@example.com"


REGULATOR = "regulator@example.com"


PROVIDER = "provider@example.com"


TODAY = date.today()


_rng = random.Random()


ENROLL = """mutation($input: EnrollMemberInput!) { enrollMember(input: $input) { __typename
  ... on MemberEnrolled { eventSequence member { id memberNumber firstName lastName status
      enrollmentDate employer { id } } }
  ... on InvalidInput { code message field } } }"""


ADD_DEPENDENT = """mutation($input: AddDependentInput!) { addDependent(input: $input) { __typename
  ... on DependentAdded { eventSequence dependent { id firstName relationship status
      enrollmentDate terminationDate member { id } } }
  ... on InvalidInput { code message field } } }"""


TERMINATE_DEPENDENT = """mutation($id: ID!, $day: Date!) {
  terminateDependent(dependentId: $id, terminationDate: $day) { __typename
  ... on DependentTerminated { eventSequence dependent { id status terminationDate } }
  ... on InvalidInput { code message field }
  ... on IllegalStatusChange { code currentStatus requestedStatus }
  ... on RecordChanged { code } } }"""


CREATE_POLICY = """mutation($input: CreatePolicyInput!) { createPolicy(input: $input) { __typename
  ... on PolicyCreated { eventSequence policy { id policyNumber status planType coverageLevel
      effectiveDate terminationDate renewalDate monthlyPremium employerContribution
      employeeContribution deductibleIndividual member { id } } }
  ... on InvalidInput { code message field } } }"""


TERMINATE_POLICY = """mutation($id: ID!, $day: Date!) {
  terminatePolicy(policyId: $id, terminationDate: $day) { __typename
  ... on PolicyTerminated { eventSequence policy { id status effectiveDate terminationDate } }
  ... on InvalidInput { code message field }
  ... on IllegalStatusChange { code currentStatus requestedStatus }
  ... on RecordChanged { code } } }"""


UPDATE_CONTACT = """mutation($input: UpdateContactInput!, $person: ID) {
  updateMyContact(input: $input, personId: $person) { __typename
  ... on ContactUpdated { eventSequence changedFields
      person { __typename id email phone ... on Member { city state zipCode } } }
  ... on InvalidInput { code message field } } }"""


def _uuid(global_id: str) -> uuid.UUID:
    import base64

    return uuid.UUID(base64.urlsafe_b64decode(global_id + "==").decode().split(":")[1])


def _ssn() -> str:
    # areas 001-665: issued numbers (000, 666 and 900-999 never are)
    return f"{_rng.randint(100, 665)}-{_rng.randint(10, 99)}-{_rng.randint(1000, 9999)}"


def _years_ago(years: int, days: int = 0) -> date:
    day = TODAY - timedelta(days=days)
    return day.replace(year=day.year - years) if (day.month, day.day) != (2, 29) else \
        date(day.year - years, 2, 28)  # fmt: skip


def _error(body: dict) -> str:
    return body["errors"][0]["extensions"]["code"]


@pytest.fixture(scope="module")
def own_employer(users) -> str:
    return to_global_id("Employer", users[EMPLOYER]["employer_id"])


@pytest.fixture(scope="module")
async def other_employer(engine) -> str:
    """An employer the demo employer's administrator has nothing to do with."""
    async with engine.begin() as conn:
        employer_id = (
            await conn.execute(
                text(
                    "INSERT INTO employers (company_name, group_number, state) "
                    "VALUES ('Contoso Freight', :g, 'NV') RETURNING id"
                ),
                {"g": f"GRP-T{uuid.uuid4().hex[:10]}"},
            )
        ).scalar_one()
    return to_global_id("Employer", employer_id)


def _member_input(employer: str | None = None, **over) -> dict:
    return {
        "firstName": "Ada", "lastName": f"Enrolee{_rng.randint(0, 10**9)}",
        "dateOfBirth": str(_years_ago(38, 20)), "ssn": _ssn(), "gender": "FEMALE",
        "employerId": employer, "employeeId": "E-1001",
        "enrollmentDate": str(TODAY - timedelta(days=400)),
        "email": "ada@example.com", "phone": "916-555-0170", "addressLine1": "1 Elm St",
        "city": "Sacramento", "state": "CA", "zipCode": "95814", **over,
    }  # fmt: skip


async def _enrol(gql, employer: str | None, *, as_: str = ADMIN, **over) -> dict:
    body = await gql(ENROLL, {"input": _member_input(employer, **over)}, as_=as_)
    result = body["data"]["enrollMember"]
    assert result["__typename"] == "MemberEnrolled", result
    return result["member"]


def _dependent_input(member: str, **over) -> dict:
    return {
        "memberId": member, "firstName": "Ben", "lastName": "Enrolee",
        "dateOfBirth": str(_years_ago(9, 30)), "relationship": "CHILD",
        "enrollmentDate": str(TODAY - timedelta(days=100)), **over,
    }  # fmt: skip


async def _add_dependent(gql, member: str, *, as_: str = ADMIN, **over) -> dict:
    body = await gql(ADD_DEPENDENT, {"input": _dependent_input(member, **over)}, as_=as_)
    result = body["data"]["addDependent"]
    assert result["__typename"] == "DependentAdded", result
    return result["dependent"]


def _policy_input(member: str, **over) -> dict:
    return {
        "memberId": member, "planType": "PPO", "planName": "Gold PPO 1500",
        "coverageLevel": "INDIVIDUAL", "deductibleIndividual": "1500.00",
        "outOfPocketMaxIndividual": "6000.00", "monthlyPremium": "650.00",
        "employerContribution": "455.00", "primaryCareCopay": "25.00",
        "effectiveDate": str(TODAY - timedelta(days=300)), **over,
    }  # fmt: skip


async def _create_policy(gql, member: str, *, as_: str = ADMIN, **over) -> dict:
    body = await gql(CREATE_POLICY, {"input": _policy_input(member, **over)}, as_=as_)
    result = body["data"]["createPolicy"]
    assert result["__typename"] == "PolicyCreated", result
    return result["policy"]


async def _one(engine, sql: str, **params):
    async with engine.connect() as conn:
        return (await conn.execute(text(sql), params)).one()


async def _event(engine, seq: int) -> dict:
    row = await _one(engine, "SELECT topic, payload FROM outbox_events WHERE seq = :s", s=seq)
    assert row.topic == "enrollment.changed"
    return row.payload


async def _audit(engine, action: str, resource_id) -> list:
    async with engine.connect() as conn:
        result = await conn.execute(
            text(
                "SELECT role, fields, old_values, new_values, success, subject_member_id, "
                "subject_dependent_id FROM audit_log WHERE action = :a AND resource_id = :r"
            ),
            {"a": action, "r": resource_id},
        )
        return list(result.mappings())


def _no_phi(row, *values: str) -> None:
    dumped = json.dumps([row["old_values"], row["new_values"]], default=str)
    for value in values:
        assert value not in dumped, "PHI in the audit row's values"
