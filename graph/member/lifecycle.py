"""A subscriber suspended, terminated or reinstated on a date (admins; an employer for its
own employees), and what that does to the household (domain/membership.py).

Each mutation asks the policy, moves the member (domain/lifecycle.py), ends or reinstates the
dependents with them, and writes the rows, one `enrollment.changed` event and audit row per
record changed, in one transaction. Claims already open stay open: eligibility is judged by
the service date, so care before the date stays covered; the member's audit row counts the
open claims for care from the date on, which adjudicators should deny (CARC 27)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from db import membership as mdb
from domain import membership
from domain.enums import MemberStatus as M
from domain.errors import DomainError, IllegalTransition
from domain.lifecycle import move_member
from graph.context import Info
from graph.guard import require
from graph.lookup import by_global_id
from graph.member.enrolment import announce
from graph.member.types import Dependent, Member
from graph.results import IllegalStatusChange, InvalidInput, RecordChanged, changed, illegal
from graph.results import invalid as invalid_input
from graph.rows import build
from policies import resources as res


@strawberry.type(description="The member with their new status, and the dependents it moved.")
class MemberStatusChanged:
    member: Member = strawberry.field(description="The member as saved.")
    dependents_changed: list[Dependent] = strawberry.field(
        description="The dependents whose coverage ended or was reinstated with the member's, "
        "as saved (a termination ends every dependent still covered past its date; a "
        "reinstatement covers again those the termination ended)."
    )
    event_sequence: int = strawberry.field(
        description="The outbox cursor of the member's change (an enrollment.changed event); "
        "each dependent changed has an event of its own just before it."
    )


MemberStatusResult = Annotated[
    MemberStatusChanged | InvalidInput | IllegalStatusChange | RecordChanged,
    strawberry.union("MemberStatusResult"),
]

_MEMBER = strawberry.argument(description="The subscriber (a Member's global id).")


def _kin(rows) -> list[membership.Kin]:
    return [
        membership.Kin(
            r["id"],
            r["relationship"],
            r["date_of_birth"],
            r["status"],
            r["termination_date"],
            r["ended_with_member"],
            r["own_termination_date"],
        )  # fmt: skip
        for r in rows
    ]


async def _move(info: Info, member_id, *, action: str, to: M, check, values, kin_rule, guard=None):
    """The shared path: policy, transition and date rule, then the member's row, the
    dependents', their events and audit rows. `guard(db, member)` checks what needs the
    database, under the member's row lock."""
    ctx = info.context
    m = (await by_global_id(info, member_id, expected="Member"))._row
    require(info, action, res.Member(**m))
    try:
        move_member(m["status"], to)
        check(m)
    except IllegalTransition as exc:
        return illegal(exc)
    except DomainError as exc:
        return invalid_input(exc)
    try:
        async with ctx.unit_of_work() as db:
            moved = await mdb.move_member(db, member=m, status=to.value, values=values(m))
            if moved is None:
                return changed(None, "member")
            if guard is not None:
                await guard(db, m)
            changes = kin_rule(_kin(await mdb.kin(db, m["id"])))
            saved = await mdb.set_kin(db, changes)
            for c in changes:
                await announce(
                    db, ctx, change=f"dependent_{to.value}_with_member",
                    action=f"{action}_dependent_with_member", resource=("Dependent", c.id),
                    member_id=m["id"], employer_id=m["employer_id"], dependent_id=c.id,
                    new_values={"status": c.status.value,
                                "termination_date": c.termination and c.termination.isoformat()},
                )  # fmt: skip
            sequence = await announce(
                db, ctx, change=_CHANGE[to], action=f"{action}_member",
                resource=("Member", m["id"]), member_id=m["id"], employer_id=m["employer_id"],
                old_values={"status": m["status"]},
                new_values=await _summary(db, moved, to, len(changes)),
            )  # fmt: skip
    except DomainError as exc:
        return invalid_input(exc)
    return MemberStatusChanged(
        member=build(Member, moved),
        dependents_changed=[build(Dependent, r) for r in saved],
        event_sequence=sequence,
    )


_CHANGE = {M.SUSPENDED: "member_suspended", M.TERMINATED: "member_terminated",
           M.ACTIVE: "member_reinstated"}  # fmt: skip


async def _summary(db, moved, to: M, dependents: int) -> dict:
    """The audit row's new values: status, date, dependents moved and, for a suspension or
    termination, the open claims for care from the date on (counts and dates, no PHI)."""
    new = {"status": to.value, "dependents_changed": dependents}
    day = moved["suspended_from"] if to == M.SUSPENDED else moved["termination_date"]
    if to != M.ACTIVE and day is not None:
        still_open = await mdb.open_claims_from(db, moved["id"], day)
        new |= {"effective_date": day.isoformat(), "open_claims_from_date": still_open}
    return new


async def _no_other_enrolment(db, m) -> None:
    """A terminated member's SSN may have been enrolled again since: one member per SSN."""
    if M(m["status"]) == M.TERMINATED and m["ssn"]:
        if await mdb.other_member_with_ssn(db, m["ssn"], m["id"]):
            raise DomainError(
                "Another enrolled member has this member's SSN: reinstating would cover one "
                "person twice.",
                field="memberId",
            )


@strawberry.type
class MemberLifecycleMutations:
    @strawberry.mutation(
        description="Suspend a member's coverage from a date (admins; an employer for its own "
        "employees), e.g. when the premium is unpaid past the grace period. Care from that "
        "date on is not covered, for the member and everyone covered through them, until "
        "reinstateMember; care before it stays covered and open claims stay open."
    )
    async def suspend_member(
        self,
        info: Info,
        member_id: Annotated[strawberry.ID, _MEMBER],
        effective_date: Annotated[
            date,
            strawberry.argument(
                description="First day without coverage: today or earlier (a suspension is "
                "recorded once it applies), not before the member's enrolment."
            ),
        ],
    ) -> MemberStatusResult:
        today = info.context.today
        return await _move(
            info, member_id, action="suspend", to=M.SUSPENDED,
            check=lambda m: membership.check_suspension(
                effective=effective_date, enrolled=m["enrollment_date"], today=today),
            values=lambda m: {"suspended_from": effective_date},
            kin_rule=lambda kin: [],
        )  # fmt: skip

    @strawberry.mutation(
        description="End a member's enrolment on a date (admins; an employer for its own "
        "employees), now or announced ahead. Every dependent still covered past that date "
        "ends with them (a child who turns 26 first ages out instead). Claims for care before "
        "the date stay covered; claims already open stay open for adjudication."
    )
    async def terminate_member(
        self,
        info: Info,
        member_id: Annotated[strawberry.ID, _MEMBER],
        effective_date: Annotated[
            date,
            strawberry.argument(
                description="First day without coverage: not before the member's enrolment; "
                "may be in the future (the end of the month an employee leaves)."
            ),
        ],
    ) -> MemberStatusResult:
        today = info.context.today
        return await _move(
            info, member_id, action="terminate", to=M.TERMINATED,
            check=lambda m: membership.check_termination(
                effective=effective_date, enrolled=m["enrollment_date"]),
            values=lambda m: {"termination_date": effective_date},
            kin_rule=lambda kin: membership.end_with_member(
                kin, termination=effective_date, today=today),
        )  # fmt: skip

    @strawberry.mutation(
        description="Reinstate a suspended or terminated member (admins; an employer for its "
        "own employees), as if the suspension or termination had not happened: coverage "
        "continues without a gap (a premium paid within the grace period, a termination "
        "reversed), and the dependents the termination ended are covered again as before. "
        "A real gap in coverage is recorded on the member's policies (their dates)."
    )
    async def reinstate_member(
        self, info: Info, member_id: Annotated[strawberry.ID, _MEMBER]
    ) -> MemberStatusResult:
        today = info.context.today
        return await _move(
            info, member_id, action="reinstate", to=M.ACTIVE, check=lambda m: None,
            values=lambda m: {"termination_date": None, "suspended_from": None},
            kin_rule=lambda kin: membership.reinstate_with_member(kin, today=today),
            guard=_no_other_enrolment,
        )  # fmt: skip
