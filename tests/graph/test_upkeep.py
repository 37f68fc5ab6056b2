"""What time alone changes (graph/upkeep.py), with the clock frozen: the pass is given the
day, and limited to the households the test enrolled (the shared rows are not touched)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from graph import upkeep
from tests.graph.enrolment_support import (
    TERMINATE_DEPENDENT,
    TODAY,
    _add_dependent,
    _audit,
    _create_policy,
    _enrol,
    _one,
    _uuid,
)


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


async def test_policies_expire_on_their_termination_date(gql, engine):
    member = await _enrol(gql, None)
    policy = await _create_policy(
        gql, member["id"], terminationDate=str(TODAY + timedelta(30)), employerContribution="0.00"
    )
    assert policy["status"] == "ACTIVE"
    ids = [_uuid(member["id"])]
    policy_id = _uuid(policy["id"])
    # the day before: still covering
    counts = await upkeep.run(engine, today=TODAY + timedelta(29), members=ids)
    assert counts["policies_expired"] == 0
    counts = await upkeep.run(engine, today=TODAY + timedelta(30), members=ids)
    assert counts == {"policies_expired": 1, "dependents_aged_out": 0, "dependents_lapsed": 0}
    row = await _one(engine, "SELECT status, version FROM policies WHERE id = :p", p=policy_id)
    assert (row.status, row.version) == ("expired", 2)
    [audit] = await _audit(engine, "policy_expired", policy_id)
    assert audit["role"] == "system"
    assert audit["new_values"] == {"status": "expired", "as_of": str(TODAY + timedelta(30))}
    # a second pass (or another replica's) finds nothing left to do
    counts = await upkeep.run(engine, today=TODAY + timedelta(31), members=ids)
    assert counts["policies_expired"] == 0


async def test_a_child_ages_out_after_the_month_they_turn_26(gql, engine):
    member = await _enrol(gql, None, enrollmentDate=str(TODAY - timedelta(days=3 * 365)))
    # turns 26 in 40 days: covered to the end of that month
    birthday = TODAY + timedelta(days=40)
    born = birthday.replace(year=birthday.year - 26) if (birthday.month, birthday.day) != (
        2, 29) else date(birthday.year - 26, 2, 28)  # fmt: skip
    child = await _add_dependent(gql, member["id"], dateOfBirth=str(born), firstName="Tam")
    spouse = await _add_dependent(gql, member["id"], relationship="SPOUSE", firstName="Ria",
                                  dateOfBirth=str(born.replace(year=born.year - 10)))  # fmt: skip
    ids = [_uuid(member["id"])]
    last = _month_end(birthday)
    counts = await upkeep.run(engine, today=last, members=ids)
    assert counts["dependents_aged_out"] == 0
    counts = await upkeep.run(engine, today=last + timedelta(days=1), members=ids)
    assert counts["dependents_aged_out"] == 1
    row = await _one(engine, "SELECT status, termination_date FROM dependents WHERE id = :d",
                     d=_uuid(child["id"]))  # fmt: skip
    # the first day without coverage, as every termination date
    assert (row.status, row.termination_date) == ("aged_out", last + timedelta(days=1))
    spouse_row = await _one(engine, "SELECT status FROM dependents WHERE id = :d",
                            d=_uuid(spouse["id"]))  # fmt: skip
    assert spouse_row.status == "active"  # no age limit for a spouse
    [audit] = await _audit(engine, "dependent_aged_out", _uuid(child["id"]))
    assert audit["subject_dependent_id"] == _uuid(child["id"])


async def test_a_dependent_ended_ahead_becomes_inactive_on_the_date(gql, engine):
    member = await _enrol(gql, None)
    spouse = await _add_dependent(gql, member["id"], relationship="SPOUSE", firstName="Noa",
                                  dateOfBirth="1980-04-02")  # fmt: skip
    day = TODAY + timedelta(days=15)
    body = await gql(TERMINATE_DEPENDENT, {"id": spouse["id"], "day": str(day)})
    assert body["data"]["terminateDependent"]["dependent"]["status"] == "ACTIVE"
    ids = [_uuid(member["id"])]
    assert (await upkeep.run(engine, today=day - timedelta(1), members=ids))[
        "dependents_lapsed"] == 0  # fmt: skip
    assert (await upkeep.run(engine, today=day, members=ids))["dependents_lapsed"] == 1
    row = await _one(engine, "SELECT status FROM dependents WHERE id = :d", d=_uuid(spouse["id"]))
    assert row.status == "inactive"
