"""Enrolment over HTTP, dependents: addDependent and terminateDependent.

Each test enrols people of its own (the demo personas are shared by the whole suite), and
checks what a user would notice (the saved record, the typed refusal naming the input field),
who may do what, and that the row, its audit row and its outbox event commit together or not
at all. What the enrolment tests share is in tests/graph/enrolment_support.py.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from graph.relay import to_global_id
from tests.graph.enrolment_support import (
    ADD_DEPENDENT,
    ADULT,
    EMPLOYER,
    MEMBER,
    PROVIDER,
    REGULATOR,
    TERMINATE_DEPENDENT,
    TODAY,
    _add_dependent,
    _audit,
    _create_policy,
    _dependent_input,
    _enrol,
    _error,
    _event,
    _no_phi,
    _one,
    _ssn,
    _uuid,
    _years_ago,
)

# --- addDependent -----------------------------------------------------------------------------


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
    next_month = (born26.replace(day=28) + timedelta(days=4)).replace(day=1)
    assert (late["status"], late["terminationDate"]) == ("AGED_OUT", str(next_month))
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


# --- terminateDependent -----------------------------------------------------------------------


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
        "currentStatus": "INACTIVE", "requestedStatus": "INACTIVE",
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


async def test_twins_are_two_dependents_and_eligibility_tells_them_apart(gql, own_employer):
    """Twins share a last name and a birth date: the same person is the same first name too.
    Eligibility then needs the first name to know which twin is asked about."""
    member = await _enrol(gql, own_employer)
    born = str(_years_ago(6, 70))
    await _add_dependent(gql, member["id"], firstName="Nora", dateOfBirth=born)
    await _add_dependent(gql, member["id"], firstName="Nell", dateOfBirth=born)
    again = await gql(ADD_DEPENDENT, {"input": _dependent_input(
        member["id"], firstName=" nora ", dateOfBirth=born)})  # fmt: skip
    assert again["data"]["addDependent"]["field"] == "dateOfBirth"  # Nora is covered already
    await _create_policy(gql, member["id"], coverageLevel="INDIVIDUAL_CHILDREN",
                         effectiveDate=str(TODAY - timedelta(days=30)))  # fmt: skip
    ask = """query($n: String!, $b: Date!, $d: Date!, $f: String) {
      eligibility(memberNumber: $n, dateOfBirth: $b, serviceDate: $d, firstName: $f) {
        covered } }"""
    common = {"n": member["memberNumber"], "b": born, "d": str(TODAY)}
    unnamed = await gql(ask, common, as_=PROVIDER)
    named = await gql(ask, common | {"f": "Nell"}, as_=PROVIDER)
    assert unnamed["data"]["eligibility"]["covered"] is False  # which twin? nobody answers
    assert named["data"]["eligibility"]["covered"] is True
