"""What a family has met of its deductible and out-of-pocket maximum in a plan year.

Amounts are classified fields of the group `accumulators`: the field rules give a person's
to that person, to the subscriber for a minor or consenting adult dependent, and to plan
staff, and the family's to those who hold or are covered by the policy, and to plan staff;
each value that leaves is audited as a read of that person's (or the policy's) record.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from db import accumulators
from domain import adjudication
from domain.costshare import remaining
from graph import loaders as ld
from graph.context import Info
from graph.errors import BadUserInput
from graph.fields import BUSINESS, PHI, Classified, classified, decisions_for
from graph.rows import build
from policies.resources import FieldView

if TYPE_CHECKING:
    from graph.member.types import Person

PersonRef = Annotated["Person", strawberry.lazy("graph.member.types")]

_MET = "counted toward it so far in the plan year, in US dollars: the cost sharing of the "
_MET += "adjudicated claims for care in the plan year that you may see (plan staff see every "
_MET += "claim; pricing always counts them all)."


def _amount(column: str, description: str):
    return classified(column, PHI, "accumulators", Decimal, description=description)


@strawberry.type(description="Amounts met and left of the plan year's limits.")
class Amounts(Classified):
    deductible_limit = _amount("deductible_limit", "The deductible, in US dollars.")
    deductible_met = _amount("deductible_met", "Of the deductible, " + _MET)
    deductible_remaining = _amount(
        "deductible_remaining", "What is left of the deductible before the plan shares costs."
    )
    out_of_pocket_limit = _amount(
        "out_of_pocket_limit", "The out-of-pocket maximum, in US dollars."
    )
    out_of_pocket_met = _amount("out_of_pocket_met", "Of the out-of-pocket maximum, " + _MET)
    out_of_pocket_remaining = _amount(
        "out_of_pocket_remaining",
        "What is left of the out-of-pocket maximum; at zero the plan pays all allowed costs.",
    )


@strawberry.type(description="One person's deductible and out-of-pocket maximum this plan year.")
class PersonAccumulators(Amounts):
    db_id: strawberry.Private[Any]
    _row: strawberry.Private[Any]
    _decisions: strawberry.Private[Any] = None

    @staticmethod
    def field_view(principal, row, today) -> FieldView:
        person = row["person"]
        return row["kind"].field_view(principal, person, today)

    def audit_key(self):
        row = self._row
        if row["dependent_id"] is None:
            return "Member", row["member_id"], row["member_id"], None
        return "Dependent", row["dependent_id"], row["member_id"], row["dependent_id"]

    @strawberry.field(description="The member or dependent these amounts are for.")
    def person(self) -> PersonRef:
        return build(self._row["kind"], self._row["person"])


@strawberry.type(
    description="The family's deductible and out-of-pocket maximum this plan year: every "
    "person's costs on the policy count toward them, and once one is met nobody on the "
    "policy pays more toward it."
)
class FamilyAccumulators(Amounts):
    db_id: strawberry.Private[Any]
    _row: strawberry.Private[Any]
    _decisions: strawberry.Private[Any] = None

    @staticmethod
    def field_view(principal, row, today) -> FieldView:
        # a total is read by whoever reads every part of it (policies/fields.polar)
        return FieldView(type="FamilyAccumulators", whole=row["whole"])

    def audit_key(self):
        return "Policy", self._row["id"], self._row["member_id"], None


@strawberry.type(description="What a policy's people have met of its limits in one plan year.")
class PolicyAccumulators(Classified):
    db_id: strawberry.Private[Any]
    _row: strawberry.Private[Any]
    _decisions: strawberry.Private[Any] = None

    # the plan year's days are the policy's effective date's anniversary: a date tied to a
    # person, removed for regulators as Policy.effectiveDate is (record_date)
    plan_year_start = classified(
        "plan_year_start", BUSINESS, "record_date", date,
        description="First day of the plan year (the policy's effective date's anniversary).",
    )  # fmt: skip
    plan_year_end = classified(
        "plan_year_end", BUSINESS, "record_date", date, description="Last day of the plan year."
    )

    @staticmethod
    def field_view(principal, row, today) -> FieldView:
        return FieldView(type="Policy")

    def audit_key(self):
        return "Policy", self._row["id"], self._row["member_id"], None

    @strawberry.field(
        description="The subscriber and each dependent you may see, subscriber first."
    )
    def individuals(self) -> list[PersonAccumulators]:
        return self._row["individuals"]

    @strawberry.field(
        description="The family's totals; null when the policy covers the subscriber alone. "
        "Its amounts are FORBIDDEN unless you may read every person's amounts on the policy "
        "(a total less the parts you read would be the parts you may not)."
    )
    def family(self) -> FamilyAccumulators | None:
        return self._row["family"]


def _amounts(deductible, oop, met: tuple[Decimal, Decimal]) -> dict[str, Any]:
    return {
        "deductible_limit": deductible, "deductible_met": met[0],
        "deductible_remaining": remaining(deductible, met[0]),
        "out_of_pocket_limit": oop, "out_of_pocket_met": met[1],
        "out_of_pocket_remaining": remaining(oop, met[1]),
    }  # fmt: skip


async def accumulators_of(info: Info, policy: dict, plan_year: int | None) -> PolicyAccumulators:
    from graph.member.types import Dependent, Member

    ctx = info.context
    effective = policy["effective_date"]
    if plan_year is None:
        start, end = adjudication.plan_year(effective, ctx.today)
    elif effective.year <= plan_year <= ctx.today.year + 1:
        start, end = adjudication.plan_year_starting(effective, plan_year)
    else:
        raise BadUserInput(
            f"'planYear' must be between {effective.year} (the policy's first) and "
            f"{ctx.today.year + 1}.",
            field="planYear",
        )
    met = await ctx.loader(ld.AccumulatorsByPolicyLoader).load((policy["id"], start, end))
    member = await ctx.loader(ld.MemberByIdLoader).load(policy["member_id"])
    dependents = await ctx.loader(ld.DependentsByMemberIdLoader).load(policy["member_id"])
    zero = (Decimal("0.00"), Decimal("0.00"))
    terms = adjudication.plan_terms(policy, copay=None)
    people = [(Member, member, None)] if member is not None else []
    people += [(Dependent, d, d["id"]) for d in dependents]
    individuals = [
        build(
            PersonAccumulators,
            {
                "id": person["id"],
                "kind": kind,
                "person": person,
                "member_id": policy["member_id"],
                "dependent_id": dependent_id,
                **_amounts(terms.deductible, terms.out_of_pocket_max, met.get(dependent_id, zero)),
            },
        )  # fmt: skip
        for kind, person, dependent_id in people
    ]
    everyone = {None} | await accumulators.dependents_of(ctx.db, policy["member_id"]) | set(met)
    readable = {
        p._row["dependent_id"]
        for p in individuals
        if (d := decisions_for(p, ctx).get("accumulators")) is not None and d.visible
    }
    family = None
    if terms.family_deductible is not None or terms.family_out_of_pocket_max is not None:
        total = (sum((m[0] for m in met.values()), Decimal("0.00")),
                 sum((m[1] for m in met.values()), Decimal("0.00")))  # fmt: skip
        family = build(FamilyAccumulators, {
            "id": policy["id"], "member_id": policy["member_id"], "whole": everyone <= readable,
            **_amounts(terms.family_deductible, terms.family_out_of_pocket_max, total),
        })  # fmt: skip
    return build(PolicyAccumulators, {
        "id": policy["id"], "member_id": policy["member_id"], "plan_year_start": start,
        "plan_year_end": end - timedelta(days=1), "individuals": individuals, "family": family,
    })  # fmt: skip
