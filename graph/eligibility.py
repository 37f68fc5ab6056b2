"""The question a provider asks before every visit (X12 270/271): is this person covered on
this day, under which plan, what will this kind of visit cost them, and how much of the
deductible and out-of-pocket maximum is left."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated

import strawberry

from db import accumulators
from db import validation as checks
from domain import adjudication, benefits
from domain import validation as v
from domain.costshare import Accumulators
from domain.eligibility import facts_for
from domain.enums import CoverageLevel, PlanType
from domain.enums import ServiceType as DomainServiceType
from graph import enums
from graph.context import Info
from graph.errors import BadUserInput
from graph.guard import require
from policies import resources as res


@strawberry.type(
    description="The answer to an eligibility question. When the person is not covered, "
    "or not found, or the birth date does not match, the answer is the same: covered false "
    "and nothing else, so a question teaches nothing about people who are not the asker's "
    "patients."
)
class EligibilityAnswer:
    covered: bool = strawberry.field(
        description="Whether the person is covered by an active policy on the service date."
    )
    plan_name: str | None = strawberry.field(default=None, description="The plan's name.")
    plan_type: enums.PlanType | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="The kind of plan (HMO, PPO, ...)."
    )
    coverage_level: enums.CoverageLevel | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Whom the policy covers besides the subscriber."
    )
    service_type: enums.ServiceType | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="The kind of visit the cost sharing below is for."
    )
    copay: Decimal | None = strawberry.field(
        default=None,
        description="The flat amount in US dollars the person pays for this kind of visit "
        "in network; null when coinsurance applies instead.",
    )
    coinsurance_percentage: int | None = strawberry.field(
        default=None,
        description="The person's share, in percent, of the allowed amount after the "
        "deductible; null when a copay applies instead.",
    )
    deductible_applies: bool | None = strawberry.field(
        default=None,
        description="Whether the visit's allowed amount goes to the deductible first "
        "(prescription copays and preventive care do not).",
    )
    deductible_remaining: Decimal | None = strawberry.field(
        default=None,
        description="What is left of the deductible in US dollars: the least of the "
        "person's own and the family's.",
    )
    out_of_pocket_remaining: Decimal | None = strawberry.field(
        default=None,
        description="What is left of the out-of-pocket maximum in US dollars: the least of "
        "the person's own and the family's; at zero the plan pays all allowed costs.",
    )
    plan_year_start: date | None = strawberry.field(
        default=None, description="First day of the plan year the remaining amounts are for."
    )
    plan_year_end: date | None = strawberry.field(
        default=None, description="Last day of that plan year."
    )


def _argument(description: str):
    return strawberry.argument(description=description)


@strawberry.type
class EligibilityQueries:
    @strawberry.field(
        description="Is this person covered, and what would a visit cost them? For providers "
        "(as their patient lookups, rate-limited per provider user) and plan staff. Every "
        "answer about a person found is audited as a disclosure for payment."
    )
    async def eligibility(
        self,
        info: Info,
        member_number: Annotated[str, _argument("The number on the member's card.")],
        date_of_birth: Annotated[date, _argument("The patient's date of birth.")],
        service_date: Annotated[date, _argument("The day of the planned or given care.")],
        service_type: Annotated[
            enums.ServiceType | None,  # type: ignore[valid-type]
            _argument("The kind of visit; left out, medical care in general."),
        ] = None,
        first_name: Annotated[
            str | None,
            _argument("The patient's first name, needed only when two people under the "
                      "card share a birth date (twins)."),
        ] = None,
    ) -> EligibilityAnswer:  # fmt: skip
        ctx = info.context
        require(info, "check_eligibility", res.Member(id=None))
        number = member_number.strip()
        if not number or len(number) > 32:
            raise BadUserInput("Give the member number from the card.", field="memberNumber")
        if abs((service_date - ctx.today).days) > 2 * 366:
            raise BadUserInput("Ask about a service date within two years of today.",
                               field="serviceDate")  # fmt: skip
        kind = DomainServiceType(service_type.value) if service_type else DomainServiceType.GENERAL
        known = await checks.lookups(ctx.db, member_numbers=[number], service_dates=[service_date])
        draft = v.Draft(service_date=service_date, diagnosis_codes=(), lines=())
        facts, patient = facts_for(known, member_number=number, born=date_of_birth,
                                   first_name=first_name, provider_id=None, draft=draft,
                                   today=ctx.today)  # fmt: skip
        rules = [r for r in await checks.rules(ctx.db) if r.category == "eligibility"]
        if (
            patient is None
            or patient.policy_id is None
            or v.refuses(v.evaluate(rules, draft, facts))
        ):
            ctx.audit.event("eligibility_not_covered", "Member", None)  # no subject: no PHI
            return EligibilityAnswer(covered=False)
        policy = await accumulators.policy_terms(ctx.db, patient.policy_id)
        start, end = adjudication.plan_year(policy["effective_date"], service_date)
        person, family = await accumulators.met_this_year(
            ctx.db, policy_id=policy["id"], dependent_id=patient.dependent_id,
            year_start=start, year_end=end,
        )  # fmt: skip
        answer = benefits.benefit(kind, policy, person=Accumulators(*person),
                                  family=Accumulators(*family))  # fmt: skip
        dependent = patient.dependent_id
        ctx.audit.event(
            "read", "Dependent" if dependent else "Member", dependent or patient.member_id,
            subject_member_id=patient.member_id, subject_dependent_id=dependent,
            fields=["eligibility", "plan", "cost_sharing", "accumulators"],
            purpose_of_use="PAYMENT", policy_rule="eligibility",
        )  # fmt: skip
        return EligibilityAnswer(
            covered=True, plan_name=policy["plan_name"],
            plan_type=PlanType(policy["plan_type"]),
            coverage_level=CoverageLevel(policy["coverage_level"]), service_type=kind,
            copay=answer.copay, coinsurance_percentage=answer.coinsurance_percentage,
            deductible_applies=answer.deductible_applies,
            deductible_remaining=answer.deductible_remaining,
            out_of_pocket_remaining=answer.out_of_pocket_remaining,
            plan_year_start=start, plan_year_end=end - timedelta(days=1),
        )  # fmt: skip
