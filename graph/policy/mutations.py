"""Policies: give a member coverage, and end it (admins; an employer for its own employees).

Each mutation asks the policy, runs the enrolment rules (domain/enrolment.py) and writes the
policy row, the `enrollment.changed` outbox event and the audit row in one transaction."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry

from db import enrolment as enrol_db
from domain import enrolment
from domain import policy_terms as terms
from domain.enums import PolicyStatus
from domain.errors import DomainError, IllegalTransition
from graph.context import Info
from graph.guard import require
from graph.lookup import by_global_id
from graph.member.enrolment import announce, subscriber
from graph.policy.coverage import COLUMNS as COVERAGE
from graph.policy.coverage import stored
from graph.policy.inputs import CreatePolicyInput
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


@strawberry.type(description="The new policy, numbered.")
class PolicyCreated:
    policy: Policy = strawberry.field(
        description="The policy as saved, with its number: active, or expired if its "
        "termination date has already come."
    )
    event_sequence: int = strawberry.field(description="The outbox cursor of this change.")


@strawberry.type(description="The policy, terminated from its termination date on.")
class PolicyTerminated:
    policy: Policy = strawberry.field(description="The policy with its new termination date.")
    event_sequence: int = strawberry.field(
        description="The outbox cursor of this change (an enrollment.changed event)."
    )


CreatePolicyResult = Annotated[PolicyCreated | InvalidInput, strawberry.union("CreatePolicyResult")]
TerminatePolicyResult = Annotated[
    PolicyTerminated | InvalidInput | IllegalStatusChange | RecordChanged,
    strawberry.union("TerminatePolicyResult"),
]

# amount columns -> input fields: the limits (fixed for a plan year), copays and premium
_AMOUNTS = (
    {
        column: field
        for column, field in terms.FIXED_FOR_PLAN_YEAR.items()
        if not column.endswith("_percentage")
    }
    | terms.COPAYS
    | terms.PREMIUM
)


def policy_columns(input: CreatePolicyInput, *, has_employer: bool) -> dict[str, Any]:
    """The policy's columns from the input, each amount and limit checked."""
    money = {c: enrolment.amount(getattr(input, c), field=f) for c, f in _AMOUNTS.items()}
    enrolment.check_cost_limits(
        deductible=money["deductible_individual"],
        out_of_pocket_max=money["out_of_pocket_max_individual"],
        deductible_family=money["deductible_family"],
        out_of_pocket_max_family=money["out_of_pocket_max_family"],
    )
    premium = enrolment.premium_split(
        money["monthly_premium"], money["employer_contribution"],
        money["employee_contribution"], has_employer=has_employer,
    )  # fmt: skip
    enrolment.check_dates(input.effective_date, input.termination_date)
    renewal = input.renewal_date or enrolment.first_renewal(input.effective_date)
    enrolment.check_renewal(input.effective_date, renewal)
    name = input.plan_name.strip()
    if not name:
        raise DomainError("Give the plan's name.", field="planName")
    return money | {
        "employee_contribution": premium.employee,
        "plan_type": input.plan_type.value,
        "plan_name": name,
        "coverage_level": input.coverage_level.value,
        "coinsurance_percentage": enrolment.percentage(
            input.coinsurance_percentage, field="coinsurancePercentage"
        ),
        "out_of_network_percentage": enrolment.percentage(
            input.out_of_network_percentage, field="outOfNetworkPercentage"
        ),
        "effective_date": input.effective_date,
        "termination_date": input.termination_date,
        "renewal_date": renewal,
    }


@strawberry.type
class PolicyMutations:
    @strawberry.mutation(
        description="Give a member a policy (admins; an employer for its own employees). A "
        "member has at most one policy covering any one day."
    )
    async def create_policy(
        self,
        info: Info,
        input: Annotated[
            CreatePolicyInput,
            strawberry.argument(description="The member and the policy's terms and dates."),
        ],
    ) -> CreatePolicyResult:
        ctx = info.context
        member = await by_global_id(info, input.member_id, expected="Member")
        m = member._row
        require(info, "create", res.Policy(id=None, member_id=m["id"]), related=(res.Member(**m),))
        try:
            values = policy_columns(input, has_employer=m["employer_id"] is not None)
            values |= stored({c: getattr(input, c) for c in COVERAGE})
            values["status"] = enrolment.new_policy_status(
                termination=input.termination_date, today=ctx.today
            ).value
            async with ctx.unit_of_work() as db:
                holder = await enrol_db.member_for_update(db, m["id"])
                enrolment.check_member_active(holder["status"])
                enrolment.check_policy_start(
                    input.effective_date, member_enrolled=holder["enrollment_date"]
                )
                periods = await enrol_db.policy_periods(db, m["id"])
                enrolment.check_single_active(
                    enrolment.Period(input.effective_date, input.termination_date),
                    [enrolment.Period(start, end) for start, end in periods],
                )
                row = await enrol_db.add_policy(db, values=values | {
                    "member_id": m["id"],
                    "created_by": ctx.principal.user_id if ctx.local_user else None,
                })  # fmt: skip
                sequence = await announce(
                    db, ctx, change="policy_created", action="create_policy",
                    resource=("Policy", row["id"]), member_id=m["id"],
                    employer_id=holder["employer_id"], policy_id=row["id"],
                    fields=sorted(c for c, v in values.items() if v is not None),
                    new_values=_dates(row),
                )  # fmt: skip
        except DomainError as exc:
            return invalid(exc)
        return PolicyCreated(policy=build(Policy, row), event_sequence=sequence)

    @strawberry.mutation(
        description="End an active policy (admins; an employer for its own employees): the "
        "termination date, after the effective date, is the first day without coverage."
    )
    async def terminate_policy(
        self,
        info: Info,
        policy_id: Annotated[
            strawberry.ID, strawberry.argument(description="The active policy to end.")
        ],
        termination_date: Annotated[
            date,
            strawberry.argument(
                description="First day without coverage: after the effective date, and no "
                "later than a termination date already on record."
            ),
        ],
    ) -> TerminatePolicyResult:
        ctx = info.context
        policy = await by_global_id(info, policy_id, expected="Policy")
        p = policy._row
        holder = await subscriber(info, p["member_id"])
        require(info, "terminate", res.Policy(**p), related=(holder,))
        try:
            enrolment.move_policy(p["status"], PolicyStatus.TERMINATED)
            enrolment.check_policy_termination(
                effective=p["effective_date"],
                current_termination=p["termination_date"],
                termination=termination_date,
            )
        except IllegalTransition as exc:
            return illegal(exc)
        except DomainError as exc:
            return invalid(exc)
        async with ctx.unit_of_work() as db:
            ended = await enrol_db.end_policy(
                db, policy=p, status=PolicyStatus.TERMINATED.value, termination=termination_date
            )
            if ended is None:
                return changed(None, "policy")
            sequence = await announce(
                db, ctx, change="policy_terminated", action="terminate_policy",
                resource=("Policy", p["id"]), member_id=p["member_id"],
                employer_id=holder.employer_id, policy_id=p["id"],
                old_values={"status": p["status"]}, new_values=_dates(ended),
            )  # fmt: skip
        return PolicyTerminated(policy=build(Policy, ended), event_sequence=sequence)


def _dates(row) -> dict[str, Any]:
    """A policy's status and dates, for the audit row (business data, not PHI)."""
    return {
        "status": row["status"],
        "effective_date": row["effective_date"].isoformat(),
        "termination_date": row["termination_date"] and row["termination_date"].isoformat(),
    }
