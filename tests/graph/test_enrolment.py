"""Enrolment over HTTP: enrollMember, addDependent, terminateDependent, createPolicy,
terminatePolicy and updateMyContact.

Each test enrols people of its own (the demo personas are shared by the whole suite); the one
demo record changed, the adult dependent's contact details, is put back. Checked: what a user
would notice (the saved record, the typed refusal naming the input field), who may do what,
and that the row, its audit row and its outbox event commit together or not at all.
"""

from __future__ import annotations

import asyncio
import json
import random
import uuid
from datetime import date, timedelta
from decimal import Decimal

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


# --- enrollMember ----------------------------------------------------------------------------


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
    assert result["field"] == "employerId" and "inactive" in result["message"]


# --- addDependent ----------------------------------------------------------------------------


async def test_an_admin_adds_a_child_who_is_covered_and_announced(gql, engine, own_employer):
    member = await _enrol(gql, own_employer)
    body = await gql(ADD_DEPENDENT, {"input": _dependent_input(member["id"], ssn=_ssn())})
    result = body["data"]["addDependent"]
    assert result["__typename"] == "DependentAdded", result
    child = result["dependent"]
    assert (child["relationship"], child["status"], child["terminationDate"]) == (
        "CHILD", "ACTIVE", None,
    )  # fmt: skip
    assert child["member"]["id"] == member["id"]
    dependent_id = _uuid(child["id"])
    assert await _event(engine, result["eventSequence"]) == {
        "change": "dependent_added",
        "member_id": str(_uuid(member["id"])),
        "employer_id": str(_uuid(own_employer)),
        "dependent_id": str(dependent_id),
    }
    [audit] = await _audit(engine, "add_dependent", dependent_id)
    assert audit["subject_dependent_id"] == dependent_id
    assert {"first_name", "date_of_birth", "ssn"} <= set(audit["fields"])
    _no_phi(audit, "Ben", member["lastName"])
    stored = await _one(engine, "SELECT first_name, ssn_index FROM dependents WHERE id = :d",
                        d=dependent_id)  # fmt: skip
    assert stored.first_name.startswith("enc1:") and stored.ssn_index


async def test_children_are_covered_until_the_end_of_the_month_they_turn_26(gql, own_employer):
    member = await _enrol(gql, own_employer, enrollmentDate=str(TODAY - timedelta(days=3 * 366)))
    # 27 today, and coverage starting today: too old
    too_old = _years_ago(27, 40)
    body = await gql(ADD_DEPENDENT, {"input": _dependent_input(
        member["id"], dateOfBirth=str(too_old), enrollmentDate=str(TODAY))})  # fmt: skip
    assert body["data"]["addDependent"]["field"] == "dateOfBirth"
    # the same child enrolled back when they were 24: recorded, aged out at 26
    late = await _add_dependent(
        gql, member["id"], dateOfBirth=str(too_old), firstName="Cal",
        enrollmentDate=str(TODAY - timedelta(days=3 * 365)),
    )  # fmt: skip
    born26 = too_old.replace(year=too_old.year + 26)
    month_end = (born26.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    assert (late["status"], late["terminationDate"]) == ("AGED_OUT", str(month_end))
    # a spouse of any age
    spouse = await _add_dependent(
        gql, member["id"], relationship="SPOUSE", firstName="Dee", dateOfBirth="1960-01-01"
    )
    assert spouse["status"] == "ACTIVE"


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"dateOfBirth": str(TODAY + timedelta(days=3))}, "dateOfBirth"),
        (
            {"enrollmentDate": str(TODAY - timedelta(days=500))},
            "enrollmentDate",
        ),  # before the member
        ({"ssn": "900-12-3456"}, "ssn"),
        ({"firstName": ""}, "firstName"),
        ({"phone": "12345"}, "phone"),
        ({"memberId": "garbage"}, None),
    ],
)
async def test_dependent_refusals_name_the_field(gql, own_employer, over, field):
    member = await _enrol(gql, own_employer)
    body = await gql(ADD_DEPENDENT, {"input": _dependent_input(member["id"], **over)})
    if field is None:  # an id that is not one: the lookup refuses it
        assert _error(body) == "BAD_USER_INPUT"
        return
    result = body["data"]["addDependent"]
    assert (result["__typename"], result["field"]) == ("InvalidInput", field), result


async def test_a_household_has_one_partner_and_no_one_twice(gql, own_employer):
    member = await _enrol(gql, own_employer)
    await _add_dependent(gql, member["id"], relationship="SPOUSE", dateOfBirth="1985-04-02",
                         firstName="Eve")  # fmt: skip
    body = await gql(ADD_DEPENDENT, {"input": _dependent_input(
        member["id"], relationship="DOMESTIC_PARTNER", dateOfBirth="1986-01-01")})  # fmt: skip
    assert body["data"]["addDependent"]["field"] == "relationship"
    child = _dependent_input(member["id"], ssn=_ssn())
    await _add_dependent(gql, member["id"], **{k: v for k, v in child.items() if k != "memberId"})
    again = await gql(ADD_DEPENDENT, {"input": child | {"firstName": "Benjamin"}})
    assert again["data"]["addDependent"]["field"] == "ssn"
    twin = await gql(ADD_DEPENDENT, {"input": child | {"ssn": None}})
    assert twin["data"]["addDependent"]["field"] == "dateOfBirth"


async def test_who_may_add_a_dependent(gql, users, own_employer, other_employer):
    member = await _enrol(gql, own_employer)
    await _add_dependent(gql, member["id"], as_=EMPLOYER)
    theirs = await _enrol(gql, other_employer)
    body = await gql(ADD_DEPENDENT, {"input": _dependent_input(theirs["id"])}, as_=EMPLOYER)
    assert _error(body) == "NOT_FOUND"  # another employer's employee does not exist for it
    maria = to_global_id("Member", users[MEMBER]["member_id"])
    own = await gql(ADD_DEPENDENT, {"input": _dependent_input(maria)}, as_=MEMBER)
    assert _error(own) == "FORBIDDEN"  # she sees her record, but enrolment is not hers to do
    for persona in (REGULATOR, ADULT):
        body = await gql(ADD_DEPENDENT, {"input": _dependent_input(maria)}, as_=persona)
        assert _error(body) in {"FORBIDDEN", "NOT_FOUND"}, persona
    regulator = await gql(ADD_DEPENDENT, {"input": _dependent_input(maria)}, as_=REGULATOR)
    assert _error(regulator) == "FORBIDDEN"


# --- terminateDependent ----------------------------------------------------------------------


async def test_terminating_a_dependent_sets_status_and_date_once(gql, engine, own_employer):
    member = await _enrol(gql, own_employer)
    child = await _add_dependent(gql, member["id"])
    body = await gql(TERMINATE_DEPENDENT, {"id": child["id"], "day": str(TODAY)})
    result = body["data"]["terminateDependent"]
    assert result["__typename"] == "DependentTerminated", result
    assert result["dependent"] == {"id": child["id"], "status": "INACTIVE",
                                   "terminationDate": str(TODAY)}  # fmt: skip
    dependent_id = _uuid(child["id"])
    assert await _event(engine, result["eventSequence"]) == {
        "change": "dependent_terminated", "member_id": str(_uuid(member["id"])),
        "employer_id": str(_uuid(own_employer)), "dependent_id": str(dependent_id),
    }  # fmt: skip
    [audit] = await _audit(engine, "terminate_dependent", dependent_id)
    assert (audit["old_values"], audit["new_values"]) == (
        {"status": "active"}, {"status": "inactive", "termination_date": str(TODAY)},
    )  # fmt: skip
    again = await gql(TERMINATE_DEPENDENT, {"id": child["id"], "day": str(TODAY)})
    assert again["data"]["terminateDependent"] == {
        "__typename": "IllegalStatusChange", "code": "BAD_USER_INPUT",
        "currentStatus": "inactive", "requestedStatus": "inactive",
    }  # fmt: skip


async def test_a_termination_ahead_keeps_the_dependent_covered_until_then(gql, own_employer):
    member = await _enrol(gql, own_employer)
    spouse = await _add_dependent(
        gql, member["id"], relationship="SPOUSE", dateOfBirth="1980-02-02"
    )
    ahead = str(TODAY + timedelta(days=30))
    body = await gql(TERMINATE_DEPENDENT, {"id": spouse["id"], "day": ahead})
    assert body["data"]["terminateDependent"]["dependent"] == {
        "id": spouse["id"], "status": "ACTIVE", "terminationDate": ahead,
    }  # fmt: skip


async def test_termination_dates_are_checked(gql, own_employer):
    member = await _enrol(gql, own_employer)
    born = _years_ago(25, 10)  # 25: the age-out date is within a year
    child = await _add_dependent(gql, member["id"], dateOfBirth=str(born))
    before = str(TODAY - timedelta(days=101))  # coverage started 100 days ago
    body = await gql(TERMINATE_DEPENDENT, {"id": child["id"], "day": before})
    assert body["data"]["terminateDependent"]["field"] == "terminationDate"
    past_age_out = str(TODAY + timedelta(days=400))
    body = await gql(TERMINATE_DEPENDENT, {"id": child["id"], "day": past_age_out})
    result = body["data"]["terminateDependent"]
    assert result["field"] == "terminationDate" and "26" in result["message"]


async def test_who_may_terminate_a_dependent(gql, users, own_employer, other_employer):
    member = await _enrol(gql, own_employer)
    child = await _add_dependent(gql, member["id"])
    lucas = to_global_id("Dependent", users[ADULT]["dependent_id"])
    for persona in (MEMBER, ADULT, REGULATOR):  # the family sees Lucas; none of them enrols
        body = await gql(TERMINATE_DEPENDENT, {"id": lucas, "day": str(TODAY)}, as_=persona)
        assert _error(body) == "FORBIDDEN", persona
    theirs = await _add_dependent(gql, (await _enrol(gql, other_employer))["id"])
    body = await gql(TERMINATE_DEPENDENT, {"id": theirs["id"], "day": str(TODAY)}, as_=EMPLOYER)
    assert _error(body) == "NOT_FOUND"
    body = await gql(TERMINATE_DEPENDENT, {"id": child["id"], "day": str(TODAY)}, as_=EMPLOYER)
    assert body["data"]["terminateDependent"]["__typename"] == "DependentTerminated"


# --- createPolicy ----------------------------------------------------------------------------


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


# --- terminatePolicy -------------------------------------------------------------------------


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
        "currentStatus": "terminated", "requestedStatus": "terminated",
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


# --- updateMyContact -------------------------------------------------------------------------


@pytest.fixture
async def member_login(gql, engine, client, own_employer):
    """A freshly enrolled member with a login of their own; returns (member, post)."""
    from graph.auth import issue_access_token
    from graph.config import Settings

    member = await _enrol(gql, own_employer)
    async with engine.begin() as conn:
        user_id = (
            await conn.execute(
                text(
                    "INSERT INTO users (email, role, member_id, status) "
                    "VALUES (:e, 'member', :m, 'active') RETURNING id"
                ),
                {"e": f"member-{uuid.uuid4().hex[:8]}@example.com", "m": _uuid(member["id"])},
            )
        ).scalar_one()
    token = issue_access_token(user_id=user_id, role="member", settings=Settings())

    async def post(query: str, variables: dict) -> dict:
        response = await client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
        )
        return response.json()

    return member, post


async def test_a_member_updates_their_own_contact(member_login, engine, own_employer):
    member, post = member_login
    body = await post(UPDATE_CONTACT, {"input": {
        "phone": "+1 (415) 555 0199", "email": " ada.new@example.com", "city": "Oakland",
        "zipCode": "94607", "addressLine2": None, "state": "CA"}})  # fmt: skip
    result = body["data"]["updateMyContact"]
    assert result["__typename"] == "ContactUpdated", result
    assert result["person"] == {
        "__typename": "Member", "id": member["id"], "email": "ada.new@example.com",
        "phone": "(415) 555-0199", "city": "Oakland", "state": "CA", "zipCode": "94607",
    }  # fmt: skip
    # state stays CA and addressLine2 was empty already: only what changed is named
    assert result["changedFields"] == ["city", "email", "phone", "zipCode"]
    member_id = _uuid(member["id"])
    stored = await _one(engine, "SELECT phone, city FROM members WHERE id = :m", m=member_id)
    assert stored.phone.startswith("enc1:") and stored.city.startswith("enc1:")
    assert await _event(engine, result["eventSequence"]) == {
        "change": "contact_updated", "member_id": str(member_id),
        "employer_id": str(_uuid(own_employer)),
    }  # fmt: skip
    [audit] = await _audit(engine, "update_contact", member_id)
    assert audit["role"] == "member" and audit["fields"] == ["city", "email", "phone", "zip_code"]
    _no_phi(audit, "Oakland", "0199", "ada.new", "94607")


@pytest.mark.parametrize(
    ("change", "field"),
    [({"phone": "555-0199"}, "phone"), ({"email": "nope"}, "email"), ({"state": "C"}, "state"),
     ({"zipCode": "ABCDE"}, "zipCode"), ({}, "input")],
)  # fmt: skip
async def test_contact_refusals_name_the_field(member_login, change, field):
    _, post = member_login
    body = await post(UPDATE_CONTACT, {"input": change})
    result = body["data"]["updateMyContact"]
    assert (result["__typename"], result["field"]) == ("InvalidInput", field), result


async def test_an_adult_dependent_updates_their_own_email_and_phone(gql, users, engine):
    lucas = to_global_id("Dependent", users[ADULT]["dependent_id"])
    before = await gql("query($id: ID!) { dependent(id: $id) { email phone } }", {"id": lucas},
                       as_=ADULT)  # fmt: skip
    original = before["data"]["dependent"]
    try:
        body = await gql(UPDATE_CONTACT, {"input": {"phone": "916.555.0188"}}, as_=ADULT)
        result = body["data"]["updateMyContact"]
        assert result["__typename"] == "ContactUpdated", result
        assert result["person"]["__typename"] == "Dependent" and result["person"]["id"] == lucas
        assert result["person"]["phone"] == "(916) 555-0188"
        assert result["changedFields"] == ["phone"]
        payload = await _event(engine, result["eventSequence"])
        assert payload["change"] == "contact_updated"
        assert payload["dependent_id"] == str(users[ADULT]["dependent_id"])
        assert payload["member_id"] == str(users[MEMBER]["member_id"])
        assert payload["employer_id"] == str(users[EMPLOYER]["employer_id"])
        address = await gql(UPDATE_CONTACT, {"input": {"addressLine1": "9 Oak Ave"}}, as_=ADULT)
        assert address["data"]["updateMyContact"]["field"] == "addressLine1"
    finally:
        restored = await gql(UPDATE_CONTACT, {"input": original}, as_=ADULT)
        assert restored["data"]["updateMyContact"]["__typename"] == "ContactUpdated"


async def test_no_one_updates_another_persons_contact(gql, users, member_login):
    member, post = member_login
    maria = to_global_id("Member", users[MEMBER]["member_id"])
    lucas = to_global_id("Dependent", users[ADULT]["dependent_id"])
    change = {"input": {"phone": "916-555-0111"}}
    # another member's record does not exist for a member
    assert _error(await post(UPDATE_CONTACT, change | {"person": maria})) == "NOT_FOUND"
    assert _error(await gql(UPDATE_CONTACT, change | {"person": member["id"]}, as_=MEMBER)) == (
        "NOT_FOUND"
    )
    # Maria sees her adult son's record, but his contact details are his own
    assert _error(await gql(UPDATE_CONTACT, change | {"person": lucas}, as_=MEMBER)) == "FORBIDDEN"
    assert _error(await gql(UPDATE_CONTACT, change | {"person": maria}, as_=ADULT)) == "NOT_FOUND"
    # staff and employers have no contact record of their own, and may not change others'
    for persona in (ADMIN, EMPLOYER, PROVIDER, REGULATOR):
        assert _error(await gql(UPDATE_CONTACT, change, as_=persona)) == "FORBIDDEN", persona
    for persona in (ADMIN, EMPLOYER):
        body = await gql(UPDATE_CONTACT, change | {"person": member["id"]}, as_=persona)
        assert _error(body) == "FORBIDDEN", persona
    claim = to_global_id("Claim", uuid.uuid4())
    wrong = await gql(UPDATE_CONTACT, change | {"person": claim}, as_=MEMBER)
    assert wrong["data"]["updateMyContact"]["field"] == "personId"


async def test_enrolment_takes_a_fixed_handful_of_statements(gql, own_employer, count_statements):
    # sign-in facts, employer, SSN lock and check, number, insert, event, audit, answer
    count_statements.count = 0
    member = await _enrol(gql, own_employer)
    assert count_statements.count <= 9, count_statements.count
    count_statements.count = 0
    await _create_policy(gql, member["id"])
    assert count_statements.count <= 8, count_statements.count


# --- one transaction -------------------------------------------------------------------------


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
