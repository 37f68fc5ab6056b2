"""renewPolicy: a policy continued into the next plan year as a NEW policy row.

Why a new row and not new terms on the old one: claims and the accumulators summed from them
belong to a policy and its plan years (db/accumulators.py), and each claim is priced under
its policy's deductible and out-of-pocket maximum. The old plan year's claims keep the terms
they were priced under; the new row starts the new year's accumulators at zero under the new
terms. The old policy ends the day the new one starts (its termination date, the first day
without coverage, is the new effective date) and stays active until the expiry job finds
that date come (graph/upkeep.py); the two are linked both ways (renews, renewedBy)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Annotated, Any

import strawberry

from db import enrolment as enrol_db
from db import policy_maintenance as pdb
from db import workflows as wf
from domain import enrolment, policy_terms
from domain import enums as e
from domain.enums import PolicyStatus
from domain.errors import DomainError, IllegalTransition
from graph.context import Info
from graph.guard import require
from graph.lookup import by_global_id
from graph.member.enrolment import announce, subscriber
from graph.member.inputs import sent
from graph.policy.coverage import COLUMNS as COVERAGE
from graph.policy.coverage import stored
from graph.policy.inputs import RENEW_FIELDS, RenewPolicyInput
from graph.policy.mutations import policy_columns
from graph.policy.types import Policy
from graph.results import (
    IllegalStatusChange,
    InvalidInput,
    RecordChanged,
    changed,
    illegal,
    invalid,
)
from graph.rows import build
from policies import resources as res

# the columns a renewal carries over unless the input gives new ones
_CARRIED = tuple(c for c in RENEW_FIELDS if c not in ("termination_date", "renewal_date"))
_ENUMS = {"plan_type": e.PlanType, "coverage_level": e.CoverageLevel}
_REQUIRED = (
    "plan_type", "plan_name", "coverage_level", "deductible_individual",
    "out_of_pocket_max_individual", "coinsurance_percentage", "out_of_network_percentage",
    "monthly_premium",
)  # fmt: skip


def _camel(column: str) -> str:
    head, *rest = column.split("_")
    return head + "".join(w.title() for w in rest)


def audit_value(value: Any) -> Any:
    """A term as the audit row keeps it: amounts and dates as text."""
    if isinstance(value, Decimal | date):
        return str(value)
    return value


@strawberry.type(description="The policy for the next plan year, and the one it continues.")
class PolicyRenewed:
    policy: Policy = strawberry.field(
        description="The new policy: effective on the renewed policy's anniversary, its "
        "accumulators starting from zero."
    )
    renewed: Policy = strawberry.field(
        description="The policy renewed, as saved: it ends the day the new one starts (its "
        "termination date is the new effective date) and expires then."
    )
    event_sequence: int = strawberry.field(
        description="The outbox cursor of the new policy's enrollment.changed event; the "
        "renewed policy's event comes just before it."
    )


RenewPolicyResult = Annotated[
    PolicyRenewed | InvalidInput | IllegalStatusChange | RecordChanged,
    strawberry.union("RenewPolicyResult"),
]


def _next_terms(old, input: RenewPolicyInput, starts) -> SimpleNamespace:
    """The new policy's terms: the old ones, overlaid with those sent."""
    given = sent(input, RENEW_FIELDS)
    terms: dict[str, Any] = {c: old[c] for c in _CARRIED}
    terms |= {c: _ENUMS[c](terms[c]) for c in _ENUMS}
    terms["employee_contribution"] = None  # worked out again from the premium and employer
    terms |= {c: v for c, v in given.items() if c in _CARRIED}
    for column in _REQUIRED:
        if terms[column] is None:
            raise DomainError(
                "A policy always has this term: leave it out to keep the year before's.",
                field=_camel(column),
            )
    terms |= {c: enum(terms[c].value) for c, enum in _ENUMS.items()}
    if terms["employer_contribution"] is None:
        terms["employer_contribution"] = Decimal("0.00")
    return SimpleNamespace(
        **terms,
        effective_date=starts,
        termination_date=given.get("termination_date"),
        renewal_date=given.get("renewal_date"),
    )


def _next_coverage(old, input: RenewPolicyInput) -> dict[str, Any]:
    """Coverage details, exclusions and network restrictions: those sent, else the old ones."""
    given = sent(input, COVERAGE)
    return {c: old[c] for c in COVERAGE} | stored(given)


@strawberry.type
class PolicyRenewalMutations:
    @strawberry.mutation(
        description="Renew an active policy into its next plan year (admins; an employer for "
        "its own employees): a new policy, effective on the old one's anniversary (the end of "
        "its current plan year), with the terms given and the rest carried over. The old "
        "policy ends that day; its claims keep the terms they were priced under."
    )
    async def renew_policy(
        self,
        info: Info,
        policy_id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The active policy to renew, not renewed before."),
        ],
        input: Annotated[
            RenewPolicyInput,
            strawberry.argument(description="The next plan year's terms; {} keeps them all."),
        ],
    ) -> RenewPolicyResult:
        ctx = info.context
        p = (await by_global_id(info, policy_id, expected="Policy"))._row
        holder = await subscriber(info, p["member_id"])
        require(info, "renew", res.Policy(**p), related=(holder,))
        starts = policy_terms.renewal_start(p["effective_date"], today=ctx.today)
        try:
            # the old policy expires on its anniversary: only an active one may
            enrolment.move_policy(p["status"], PolicyStatus.EXPIRED)
        except IllegalTransition as exc:
            return illegal(exc)
        try:
            policy_terms.check_renewable(
                renewed_by=p["renewed_by_policy_id"], termination=p["termination_date"],
                starts=starts,
            )  # fmt: skip
            values = policy_columns(
                _next_terms(p, input, starts), has_employer=holder.employer_id is not None
            )
            values |= _next_coverage(p, input)
            async with ctx.unit_of_work() as db:
                member = await enrol_db.member_for_update(db, p["member_id"])
                enrolment.check_member_active(member["status"])
                old = await wf.policy_for_update(db, p["id"])
                if old["version"] != p["version"]:
                    return changed(old["version"], "policy")
                new = await enrol_db.add_policy(db, values=values | {
                    "member_id": p["member_id"], "renews_policy_id": p["id"],
                    "status": enrolment.new_policy_status(
                        termination=values["termination_date"], today=ctx.today).value,
                    "created_by": ctx.principal.user_id if ctx.local_user else None,
                })  # fmt: skip
                ended = await pdb.end_for_renewal(
                    db, policy_id=p["id"], ends=starts, renewed_by=new["id"]
                )
                others = await pdb.other_periods(db, p["member_id"], excluding=new["id"])
                enrolment.check_single_active(
                    enrolment.Period(starts, new["termination_date"]),
                    [enrolment.Period(a, b) for a, b in others],
                )
                await _announce(db, ctx, old, ended, new, employer_id=member["employer_id"])
                sequence = await _announce_new(db, ctx, old, new, employer_id=member["employer_id"])
        except DomainError as exc:
            return invalid(exc)
        return PolicyRenewed(
            policy=build(Policy, new), renewed=build(Policy, ended), event_sequence=sequence
        )


async def _announce(db, ctx, old, ended, new, *, employer_id) -> int:
    """The renewed policy's event and audit row: its new end and what renews it."""
    return await announce(
        db, ctx, change="policy_renewed", action="renew_policy",
        resource=("Policy", old["id"]), member_id=old["member_id"], employer_id=employer_id,
        policy_id=old["id"], fields=["termination_date", "renewed_by_policy_id"],
        old_values={"termination_date": _day(old["termination_date"])},
        new_values={"termination_date": _day(ended["termination_date"]),
                    "renewed_by_policy_id": str(new["id"])},
    )  # fmt: skip


async def _announce_new(db, ctx, old, new, *, employer_id) -> int:
    """The new policy's event and audit row: its dates, and the terms that differ from the
    year before (old and new values: business data, not PHI)."""
    differ = sorted(c for c in _CARRIED if old[c] != new[c])
    return await announce(
        db, ctx, change="policy_created", action="create_policy_by_renewal",
        resource=("Policy", new["id"]), member_id=new["member_id"], employer_id=employer_id,
        policy_id=new["id"], fields=differ,
        old_values={c: audit_value(old[c]) for c in differ},
        new_values={c: audit_value(new[c]) for c in differ} | {
            "renews_policy_id": str(old["id"]), "status": new["status"],
            "effective_date": _day(new["effective_date"]),
            "termination_date": _day(new["termination_date"])},
    )  # fmt: skip


def _day(value) -> str | None:
    return value.isoformat() if value is not None else None
