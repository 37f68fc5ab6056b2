"""Member maintenance over HTTP: suspendMember, terminateMember and reinstateMember with their
effective dates, what they do to the dependents and to claims, who may do them, and the rows,
audit rows and events they leave. Each test enrols a household of its own."""

from __future__ import annotations

from datetime import timedelta

from tests.graph.enrolment_support import (
    ADMIN,
    EMPLOYER,
    MEMBER,
    REGULATOR,
    TERMINATE_DEPENDENT,
    TODAY,
    _add_dependent,
    _audit,
    _create_policy,
    _enrol,
    _error,
    _event,
    _one,
    _ssn,
    _uuid,
    _years_ago,
)
from tests.graph.test_submission import SUBMIT, VALIDATE

PROVIDER = "provider@example.com"

_RESULT = """__typename
  ... on MemberStatusChanged { eventSequence member { id status terminationDate }
      dependentsChanged { id firstName status terminationDate } }
  ... on InvalidInput { code message field }
  ... on IllegalStatusChange { code currentStatus requestedStatus }
  ... on RecordChanged { code }"""
SUSPEND = (
    "mutation($id: ID!, $day: Date!) { suspendMember(memberId: $id, effectiveDate: $day) { "
    + _RESULT + " } }"
)  # fmt: skip
TERMINATE = (
    "mutation($id: ID!, $day: Date!) { terminateMember(memberId: $id, effectiveDate: $day) { "
    + _RESULT + " } }"
)  # fmt: skip
REINSTATE = "mutation($id: ID!) { reinstateMember(memberId: $id) { " + _RESULT + " } }"


def _days(n: int) -> str:
    return str(TODAY + timedelta(days=n))


async def _household(gql, employer=None):
    """A member enrolled 400 days ago on an open policy, a spouse and a 9-year-old."""
    member = await _enrol(gql, employer, dateOfBirth=str(_years_ago(40)))
    await _create_policy(gql, member["id"], employerContribution="0.00" if not employer else
                         "455.00")  # fmt: skip
    spouse = await _add_dependent(gql, member["id"], firstName="Sam", relationship="SPOUSE",
                                  dateOfBirth=str(_years_ago(39)))  # fmt: skip
    child = await _add_dependent(gql, member["id"], firstName="Kit")
    return member, spouse, child


def _claim(member: dict, days_ago: int) -> dict:
    return {
        "memberNumber": member["memberNumber"], "patientDateOfBirth": str(_years_ago(40)),
        "patientFirstName": "Ada", "placeOfService": "11",
        "serviceDate": _days(-days_ago), "diagnosisCodes": ["M54.50"],
        "lines": [{"procedureCode": "97530", "chargeAmount": "120.00", "diagnosisPointers": [1]}],
    }  # fmt: skip


async def _eligible(gql, member: dict, days_ago: int) -> bool:
    body = await gql(VALIDATE, {"input": _claim(member, days_ago)}, as_=PROVIDER)
    findings = body["data"]["validateClaim"]["findings"]
    return not any(f["rule"] == "member_eligible" for f in findings)


async def test_a_termination_ends_the_household_and_a_reinstatement_restores_it(gql, engine):
    member, spouse, child = await _household(gql)
    # the spouse's coverage was already set to end later than the member's; the child's
    # coverage had ended before, on its own
    await gql(TERMINATE_DEPENDENT, {"id": spouse["id"], "day": _days(60)})
    ended = await gql(TERMINATE_DEPENDENT, {"id": child["id"], "day": _days(-50)})
    assert ended["data"]["terminateDependent"]["dependent"]["status"] == "INACTIVE"

    body = await gql(TERMINATE, {"id": member["id"], "day": _days(-10)})
    result = body["data"]["terminateMember"]
    assert result["__typename"] == "MemberStatusChanged", result
    assert (result["member"]["status"], result["member"]["terminationDate"]) == (
        "TERMINATED", _days(-10))  # fmt: skip
    # the spouse ends with the member, from the member's date; the child is left as it was
    assert [(d["firstName"], d["status"], d["terminationDate"])
            for d in result["dependentsChanged"]] == [("Sam", "INACTIVE", _days(-10))]  # fmt: skip
    assert await _event(engine, result["eventSequence"]) == {
        "change": "member_terminated", "member_id": str(_uuid(member["id"])),
        "employer_id": None,
    }  # fmt: skip
    [audit] = await _audit(engine, "terminate_member", _uuid(member["id"]))
    assert audit["old_values"] == {"status": "active"}
    assert audit["new_values"] == {
        "status": "terminated", "dependents_changed": 1, "effective_date": _days(-10),
        "open_claims_from_date": 0,
    }  # fmt: skip
    [spouse_audit] = await _audit(engine, "terminate_dependent_with_member", _uuid(spouse["id"]))
    assert spouse_audit["subject_dependent_id"] == _uuid(spouse["id"])
    # care before the date is covered, care from it is not
    assert await _eligible(gql, member, 11)
    assert not await _eligible(gql, member, 10)

    body = await gql(REINSTATE, {"id": member["id"]})
    result = body["data"]["reinstateMember"]
    assert result["__typename"] == "MemberStatusChanged", result
    assert (result["member"]["status"], result["member"]["terminationDate"]) == ("ACTIVE", None)
    # the spouse gets back the end she had of her own; the child stays ended
    assert [(d["firstName"], d["status"], d["terminationDate"])
            for d in result["dependentsChanged"]] == [("Sam", "ACTIVE", _days(60))]  # fmt: skip
    child_row = await _one(engine, "SELECT status, termination_date FROM dependents "
                           "WHERE id = :d", d=_uuid(child["id"]))  # fmt: skip
    assert (child_row.status, str(child_row.termination_date)) == ("inactive", _days(-50))
    assert await _eligible(gql, member, 5)
    [audit] = await _audit(engine, "reinstate_member", _uuid(member["id"]))
    assert audit["old_values"] == {"status": "terminated"}


async def test_a_termination_ahead_keeps_the_household_covered_until_the_date(gql):
    member, spouse, child = await _household(gql)
    body = await gql(TERMINATE, {"id": member["id"], "day": _days(30)})
    result = body["data"]["terminateMember"]
    assert result["member"]["status"] == "TERMINATED"
    assert sorted((d["firstName"], d["status"], d["terminationDate"])
                  for d in result["dependentsChanged"]) == [
        ("Kit", "ACTIVE", _days(30)), ("Sam", "ACTIVE", _days(30))]  # fmt: skip
    assert await _eligible(gql, member, 0)


async def test_a_child_who_turns_26_before_the_member_s_end_ages_out_instead(gql, engine):
    member = await _enrol(gql, None, dateOfBirth=str(_years_ago(55)),
                          enrollmentDate=str(TODAY - timedelta(days=3 * 365)))  # fmt: skip
    # 26 next month: covered until the end of next month, before the member's end
    born = _years_ago(26, -35)
    child = await _add_dependent(gql, member["id"], dateOfBirth=str(born), firstName="Joy")
    body = await gql(TERMINATE, {"id": member["id"], "day": _days(120)})
    assert body["data"]["terminateMember"]["dependentsChanged"] == []
    row = await _one(engine, "SELECT status, termination_date, ended_with_member FROM dependents "
                     "WHERE id = :d", d=_uuid(child["id"]))  # fmt: skip
    assert tuple(row) == ("active", None, False)


async def test_a_suspension_stops_coverage_from_its_date_until_reinstated(gql, engine):
    member, _, _ = await _household(gql)
    # recorded once it applies: a suspension ahead is refused, naming the date
    body = await gql(SUSPEND, {"id": member["id"], "day": _days(1)})
    assert body["data"]["suspendMember"]["field"] == "effectiveDate"
    body = await gql(SUSPEND, {"id": member["id"], "day": _days(-20)})
    result = body["data"]["suspendMember"]
    assert (result["member"]["status"], result["dependentsChanged"]) == ("SUSPENDED", [])
    stored = await _one(engine, "SELECT suspended_from FROM members WHERE id = :m",
                        m=_uuid(member["id"]))  # fmt: skip
    assert str(stored.suspended_from) == _days(-20)
    assert await _eligible(gql, member, 21)
    assert not await _eligible(gql, member, 20)
    assert not await _eligible(gql, member, 1)
    # suspended twice: refused as a move, nothing changed
    body = await gql(SUSPEND, {"id": member["id"], "day": _days(-5)})
    assert body["data"]["suspendMember"] == {
        "__typename": "IllegalStatusChange", "code": "BAD_USER_INPUT",
        "currentStatus": "SUSPENDED", "requestedStatus": "SUSPENDED",
    }  # fmt: skip
    body = await gql(REINSTATE, {"id": member["id"]})
    assert body["data"]["reinstateMember"]["member"]["status"] == "ACTIVE"
    assert await _eligible(gql, member, 1)


async def test_terminated_while_suspended_is_not_covered_from_the_suspension(gql):
    member, _, _ = await _household(gql)
    await gql(SUSPEND, {"id": member["id"], "day": _days(-30)})
    body = await gql(TERMINATE, {"id": member["id"], "day": _days(-5)})
    assert body["data"]["terminateMember"]["member"]["status"] == "TERMINATED"
    assert await _eligible(gql, member, 31)
    assert not await _eligible(gql, member, 20)


async def test_open_claims_stay_open_and_are_counted(gql, engine):
    member, _, _ = await _household(gql)
    body = await gql(SUBMIT, {"input": _claim(member, 3)}, as_=PROVIDER)
    submitted = body["data"]["submitClaim"]
    assert submitted["__typename"] == "ClaimSubmitted", submitted
    # a termination back-dated before the visit
    body = await gql(TERMINATE, {"id": member["id"], "day": _days(-7)})
    assert body["data"]["terminateMember"]["__typename"] == "MemberStatusChanged"
    claim = await _one(engine, "SELECT status FROM claims WHERE id = :c",
                       c=_uuid(submitted["claim"]["id"]))  # fmt: skip
    assert claim.status == "submitted"
    [audit] = await _audit(engine, "terminate_member", _uuid(member["id"]))
    assert audit["new_values"]["open_claims_from_date"] == 1


async def test_illegal_moves_and_dates_are_typed_refusals(gql):
    member, _, _ = await _household(gql)
    body = await gql(REINSTATE, {"id": member["id"]})
    assert body["data"]["reinstateMember"]["requestedStatus"] == "ACTIVE"
    body = await gql(TERMINATE, {"id": member["id"], "day": str(TODAY - timedelta(days=500))})
    assert body["data"]["terminateMember"]["field"] == "effectiveDate"
    await gql(TERMINATE, {"id": member["id"], "day": _days(-1)})
    body = await gql(SUSPEND, {"id": member["id"], "day": _days(-1)})
    assert body["data"]["suspendMember"]["currentStatus"] == "TERMINATED"


async def test_who_may_move_a_member(gql, engine, own_employer, other_employer):
    own, _, _ = await _household(gql, own_employer)
    other, _, _ = await _household(gql, other_employer)
    # the employer manages its own employees, and does not see anyone else's
    body = await gql(SUSPEND, {"id": own["id"], "day": _days(0)}, as_=EMPLOYER)
    assert body["data"]["suspendMember"]["member"]["status"] == "SUSPENDED"
    body = await gql(SUSPEND, {"id": other["id"], "day": _days(0)}, as_=EMPLOYER)
    assert _error(body) == "NOT_FOUND"
    # the member themself, a regulator: refused and audited
    for persona in (MEMBER, REGULATOR):
        body = await gql(REINSTATE, {"id": own["id"]}, as_=persona)
        assert _error(body) in ("FORBIDDEN", "NOT_FOUND"), persona
    body = await gql(REINSTATE, {"id": own["id"]}, as_=ADMIN)
    assert body["data"]["reinstateMember"]["member"]["status"] == "ACTIVE"


async def test_reinstating_is_refused_when_the_ssn_was_enrolled_again(gql):
    ssn = _ssn()
    member = await _enrol(gql, None, ssn=ssn)
    await gql(TERMINATE, {"id": member["id"], "day": _days(-1)})
    await _enrol(gql, None, ssn=ssn)
    body = await gql(REINSTATE, {"id": member["id"]})
    result = body["data"]["reinstateMember"]
    assert (result["__typename"], result["field"]) == ("InvalidInput", "memberId")
    assert ssn[-4:] not in result["message"]
