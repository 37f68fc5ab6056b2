"""Enrolment over HTTP: enrollMember, and what holds of every enrolment mutation (a fixed
handful of statements, one transaction, the policy's rules principal by principal).

The other mutations have files of their own: addDependent and terminateDependent
(test_enrolment_dependents.py), createPolicy and terminatePolicy (test_enrolment_policies.py),
updateMyContact (test_enrolment_contact.py).

Each test enrols people of its own (the demo personas are shared by the whole suite), and
checks what a user would notice (the saved record, the typed refusal naming the input field),
who may do what, and that the row, its audit row and its outbox event commit together or not
at all. What the enrolment tests share is in tests/graph/enrolment_support.py.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import text

from graph.relay import to_global_id
from tests.graph.enrolment_support import (
    ADULT,
    EMPLOYER,
    ENROLL,
    MEMBER,
    PROVIDER,
    REGULATOR,
    TERMINATE_POLICY,
    TODAY,
    _audit,
    _create_policy,
    _enrol,
    _error,
    _event,
    _member_input,
    _no_phi,
    _one,
    _uuid,
)

# --- enrollMember -----------------------------------------------------------------------------


async def test_an_admin_enrols_a_member_numbered_encrypted_audited_and_announced(
    gql, engine, own_employer
):
    given = _member_input(own_employer)
    body = await gql(ENROLL, {"input": given})
    result = body["data"]["enrollMember"]
    assert result["__typename"] == "MemberEnrolled", result
    member = result["member"]
    assert member["memberNumber"].startswith("MBR-") and len(member["memberNumber"]) == 12
    assert (member["firstName"], member["lastName"]) == ("Ada", given["lastName"])
    assert member["status"] == "ACTIVE" and member["enrollmentDate"] == given["enrollmentDate"]
    assert member["employer"]["id"] == own_employer
    member_id = _uuid(member["id"])

    from db.crypto import name_dob_index, ssn_index

    stored = await _one(
        engine,
        "SELECT first_name, last_name, ssn, date_of_birth, phone, zip_code, state, "
        "name_dob_index, ssn_index FROM members WHERE id = :m",
        m=member_id,
    )
    for column in ("first_name", "last_name", "ssn", "date_of_birth", "phone", "zip_code"):
        assert getattr(stored, column).startswith("enc1:"), f"{column} stored in the clear"
    assert stored.state == "CA"
    assert stored.ssn_index == ssn_index(given["ssn"])
    assert stored.name_dob_index == name_dob_index(given["lastName"], given["dateOfBirth"])

    assert await _event(engine, result["eventSequence"]) == {
        "change": "member_enrolled",
        "member_id": str(member_id),
        "employer_id": str(_uuid(own_employer)),
    }
    [audit] = await _audit(engine, "enroll_member", member_id)
    assert audit["role"] == "admin" and audit["success"]
    assert audit["subject_member_id"] == member_id
    assert {"first_name", "last_name", "ssn", "date_of_birth", "phone"} <= set(audit["fields"])
    assert audit["new_values"]["status"] == "active"
    _no_phi(audit, given["lastName"], given["ssn"], given["dateOfBirth"], "Elm", "0170")


async def test_an_employer_enrols_its_own_employees_only(gql, engine, own_employer, other_employer):
    mine = await _enrol(gql, own_employer, as_=EMPLOYER)
    assert mine["employer"]["id"] == own_employer
    for employer in (other_employer, None):
        body = await gql(ENROLL, {"input": _member_input(employer)}, as_=EMPLOYER)
        assert _error(body) == "FORBIDDEN", employer
    refusals = await _one(
        engine,
        "SELECT count(*) AS n FROM audit_log WHERE action = 'enroll_denied' AND role = 'employer'",
    )
    assert refusals.n >= 2


@pytest.mark.parametrize("persona", [MEMBER, ADULT, PROVIDER, REGULATOR, "adjudicator@example.com"])
async def test_only_admins_and_employers_enrol(gql, own_employer, persona):
    body = await gql(ENROLL, {"input": _member_input(own_employer)}, as_=persona)
    assert _error(body) == "FORBIDDEN" and body["data"] is None


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"dateOfBirth": str(TODAY + timedelta(days=1))}, "dateOfBirth"),
        ({"ssn": "123-45-678"}, "ssn"),
        ({"ssn": "666-12-3456"}, "ssn"),
        ({"firstName": "  "}, "firstName"),
        ({"lastName": ""}, "lastName"),
        ({"email": "ada-at-example.com"}, "email"),
        ({"phone": "555-0170"}, "phone"),
        ({"state": "ZZ"}, "state"),
        ({"zipCode": "9581"}, "zipCode"),
        ({"emergencyContactPhone": "12"}, "emergencyContactPhone"),
        ({"enrollmentDate": "1950-01-01"}, "enrollmentDate"),
        ({"employerId": "not-an-id"}, "employerId"),
        ({"employerId": to_global_id("Provider", uuid.uuid4())}, "employerId"),
        ({"employerId": to_global_id("Employer", uuid.uuid4())}, "employerId"),
    ],
)
async def test_enrolment_refusals_name_the_field(gql, engine, own_employer, over, field):
    given = _member_input(own_employer, **over)
    body = await gql(ENROLL, {"input": given})
    result = body["data"]["enrollMember"]
    assert result["__typename"] == "InvalidInput", result
    assert (result["code"], result["field"]) == ("BAD_USER_INPUT", field)
    assert result["message"]
    from db.crypto import ssn_index

    if len("".join(ch for ch in given["ssn"] if ch.isdigit())) == 9:
        nobody = await _one(
            engine, "SELECT count(*) AS n FROM members WHERE ssn_index = :i",
            i=ssn_index(given["ssn"]),
        )  # fmt: skip
        assert nobody.n == 0


async def test_one_person_is_enrolled_once(gql, own_employer):
    first = _member_input(own_employer)
    await _enrol(gql, own_employer, ssn=first["ssn"])
    body = await gql(ENROLL, {"input": _member_input(own_employer, ssn=first["ssn"])})
    assert body["data"]["enrollMember"]["field"] == "ssn"


async def test_an_inactive_employer_enrols_no_one(gql, engine):
    async with engine.begin() as conn:
        employer_id = (
            await conn.execute(
                text(
                    "INSERT INTO employers (company_name, group_number, state, status) "
                    "VALUES ('Gone Ltd', :g, 'CA', 'inactive') RETURNING id"
                ),
                {"g": f"GRP-T{uuid.uuid4().hex[:10]}"},
            )
        ).scalar_one()
    body = await gql(ENROLL, {"input": _member_input(to_global_id("Employer", employer_id))})
    result = body["data"]["enrollMember"]
    assert result["field"] == "employerId" and "INACTIVE" in result["message"]


# --- statements -------------------------------------------------------------------------------


async def test_enrolment_takes_a_fixed_handful_of_statements(gql, own_employer, count_statements):
    # sign-in facts, employer, SSN lock and check, number, insert, event, audit, answer
    count_statements.count = 0
    member = await _enrol(gql, own_employer)
    assert count_statements.count <= 9, count_statements.count
    count_statements.count = 0
    await _create_policy(gql, member["id"])
    assert count_statements.count <= 8, count_statements.count


# --- one transaction --------------------------------------------------------------------------


async def _counts(engine, action: str) -> tuple[int, int]:
    row = await _one(
        engine,
        "SELECT (SELECT count(*) FROM outbox_events WHERE topic = 'enrollment.changed') AS events, "
        "(SELECT count(*) FROM audit_log WHERE action = :a) AS audited",
        a=action,
    )
    return row.events, row.audited


async def test_a_failure_midway_through_an_enrolment_leaves_nothing_behind(
    gql, engine, own_employer, monkeypatch
):
    from db import workflows
    from db.crypto import ssn_index

    async def broken_publish(*args, **kwargs):
        raise RuntimeError("the process dies after the member row was written")

    before = await _counts(engine, "enroll_member")
    monkeypatch.setattr(workflows, "publish", broken_publish)
    given = _member_input(own_employer)
    body = await gql(ENROLL, {"input": given})
    assert _error(body) == "INTERNAL"
    rows = await _one(engine, "SELECT count(*) AS n FROM members WHERE ssn_index = :i",
                      i=ssn_index(given["ssn"]))  # fmt: skip
    assert rows.n == 0, "the member row outlived its failed transaction"
    assert await _counts(engine, "enroll_member") == before


async def test_a_failure_midway_through_a_termination_leaves_the_policy_as_it_was(
    gql, engine, own_employer, monkeypatch
):
    from db import workflows

    member = await _enrol(gql, own_employer)
    policy = await _create_policy(gql, member["id"])
    policy_id = _uuid(policy["id"])

    async def broken_publish(*args, **kwargs):
        raise RuntimeError("the process dies after the policy row was changed")

    before = await _counts(engine, "terminate_policy")
    monkeypatch.setattr(workflows, "publish", broken_publish)
    body = await gql(TERMINATE_POLICY, {"id": policy["id"], "day": str(TODAY)})
    assert _error(body) == "INTERNAL"
    row = await _one(engine, "SELECT status, termination_date FROM policies WHERE id = :p",
                     p=policy_id)  # fmt: skip
    assert (row.status, row.termination_date) == ("active", None)
    assert await _counts(engine, "terminate_policy") == before
    assert await _audit(engine, "terminate_policy", policy_id) == []


# --- the rules themselves, principal by principal ---------------------------------------------


def test_the_enrolment_rules_of_the_policy():
    """Polar, without HTTP: admins and the member's own employer may do every enrolment
    action; nobody else may, for any member."""
    from domain.access import Principal
    from domain.enums import Role
    from policies import resources as r
    from policies.engine import Authorizer

    authorizer = Authorizer()
    ours, theirs = uuid.uuid4(), uuid.uuid4()

    def who(role: Role, **ties) -> Principal:
        return Principal(user_id=uuid.uuid4(), email=f"{role}@x", role=role, **ties)

    def actions(member: r.Member) -> list[tuple[str, r.Resource]]:
        # the rules reach the subscriber through dependent.member / policy.member: handed in
        return [
            ("enroll", member),
            ("add_dependent", member),
            ("terminate", r.Dependent(id=uuid.uuid4(), member_id=member.id)),
            ("create", r.Policy(id=None, member_id=member.id)),
            ("terminate", r.Policy(id=uuid.uuid4(), member_id=member.id)),
        ]

    employee = r.Member(id=uuid.uuid4(), employer_id=ours)
    stranger = r.Member(id=uuid.uuid4(), employer_id=theirs)
    individual = r.Member(id=uuid.uuid4(), employer_id=None)
    admin, employer = who(Role.ADMIN), who(Role.EMPLOYER, employer_id=ours)
    member = who(Role.MEMBER, member_id=employee.id)
    others = [member, who(Role.ADJUDICATOR), who(Role.AUDITOR),
              who(Role.PROVIDER, provider_id=uuid.uuid4()),
              who(Role.REGULATOR, jurisdiction="CA"),
              who(Role.DEPENDENT, dependent_id=uuid.uuid4(), subscriber_id=employee.id)]  # fmt: skip
    for subject in (employee, stranger, individual):
        for action, resource in actions(subject):
            related = (subject,)
            assert authorizer.allowed(admin, action, resource, related=related), action
            assert authorizer.allowed(employer, action, resource, related=related) == (
                subject is employee
            ), (action, subject)  # fmt: skip
            for principal in others:
                assert not authorizer.allowed(principal, action, resource, related=related), (
                    principal.role
                )
            if action == "terminate":  # without the subscriber handed in, an employer may not
                assert not authorizer.allowed(employer, action, resource)
    assert authorizer.allowed(member, "update_contact", r.Member(id=employee.id, employer_id=ours))
    assert not authorizer.allowed(member, "update_contact", stranger)
    assert not authorizer.allowed(employer, "update_contact", employee)
    assert not authorizer.allowed(admin, "update_contact", employee)
