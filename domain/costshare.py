"""Cost sharing on approval (DOMAIN.md): allowed amounts, deductible, copay or coinsurance,
the out-of-pocket maximum, and what the plan pays. Money is Decimal, rounded to cents."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from domain.errors import DomainError

CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Line:
    procedure_code: str
    billed: Decimal
    units: int = 1


@dataclass(frozen=True, slots=True)
class Plan:
    deductible: Decimal  # each person's
    out_of_pocket_max: Decimal  # each person's
    coinsurance_percentage: int  # what the plan pays after the deductible, e.g. 80
    out_of_network_percentage: int  # what the plan allows of billed out of network, e.g. 60
    copay: Decimal | None = None  # a flat copay for this kind of visit, instead of coinsurance
    # the family's limits (embedded): None when the policy covers one person or sets none
    family_deductible: Decimal | None = None
    family_out_of_pocket_max: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Accumulators:
    """Met so far this plan year: by one person, or by the whole family on the policy."""

    deductible_met: Decimal = Decimal("0.00")
    out_of_pocket_met: Decimal = Decimal("0.00")

    def plus(self, deductible: Decimal, member: Decimal) -> Accumulators:
        return Accumulators(self.deductible_met + deductible, self.out_of_pocket_met + member)


def remaining(limit: Decimal | None, met: Decimal) -> Decimal | None:
    """What is left of a limit (never below zero); None for no limit."""
    return None if limit is None else max(limit - met, Decimal("0"))


def left(plan: Plan, met: Accumulators, family: Accumulators) -> tuple[Decimal, Decimal]:
    """What is left of the deductible and of the out-of-pocket maximum (embedded): the least
    of the person's own and the family's."""
    return (
        least(
            remaining(plan.deductible, met.deductible_met),
            remaining(plan.family_deductible, family.deductible_met),
        ),
        least(
            remaining(plan.out_of_pocket_max, met.out_of_pocket_met),
            remaining(plan.family_out_of_pocket_max, family.out_of_pocket_met),
        ),
    )


def least(*amounts: Decimal | None) -> Decimal:
    """The smallest of the limits that apply (None: no such limit)."""
    return min(a for a in amounts if a is not None)


@dataclass(frozen=True, slots=True)
class CostShare:
    allowed_per_line: tuple[Decimal, ...]
    allowed: Decimal
    deductible: Decimal
    copay: Decimal
    coinsurance: Decimal
    member_responsibility: Decimal
    paid: Decimal
    paid_per_line: tuple[Decimal, ...]
    accumulators: Accumulators  # the person's, after this claim
    family_accumulators: Accumulators  # the family's, after this claim


def allowed_amounts(
    lines: Sequence[Line], *, in_network: bool, fee_schedule: Mapping[str, Decimal], plan: Plan
) -> list[Decimal]:
    """Per line: the contract's fee (per unit) in network, capped at billed; out of network,
    the plan's percentage of billed. A code the schedule lacks is priced out of network."""
    out = []
    for line in lines:
        if line.billed <= 0 or line.units < 1:
            raise DomainError("Each line needs a positive charge and at least one unit.")
        fee = fee_schedule.get(line.procedure_code) if in_network else None
        if fee is not None:
            out.append(cents(min(line.billed, fee * line.units)))
        else:
            out.append(cents(line.billed * plan.out_of_network_percentage / 100))
    return out


def share(
    allowed_per_line: Sequence[Decimal],
    *,
    plan: Plan,
    met: Accumulators,
    family: Accumulators | None = None,
    preventive: bool = False,
    line_copays: Sequence[Decimal | None] | None = None,
) -> CostShare:
    """The member's share and the plan's payment for allowed amounts, given what the person
    (`met`) and the family (`family`) have met this plan year.

    Embedded family limits: each person's costs count toward their own limits and the
    family's; nobody pays past their own, and once the family's is met nobody in the family
    pays more. A line with its own copay (a prescription's tier) costs that copay, capped at
    its allowed amount, with no deductible or coinsurance; the other lines take the
    deductible, then the visit's copay or coinsurance. Preventive care carries no cost
    sharing in network (ACA §2713 / PHSA 2713).
    """
    family = family or Accumulators()
    allowed = cents(sum(allowed_per_line, Decimal("0")))
    if preventive:
        plan = replace(plan, deductible=Decimal("0"), coinsurance_percentage=100, copay=None)
        line_copays = None
    flat_lines = [
        (copay, amount)
        for copay, amount in zip(
            line_copays or [None] * len(allowed_per_line), allowed_per_line, strict=True
        )  # fmt: skip
        if copay is not None
    ]
    flat = sum((min(copay, amount) for copay, amount in flat_lines), Decimal("0"))
    shared = allowed - sum((amount for _, amount in flat_lines), Decimal("0"))
    deductible_left, room = left(plan, met, family)
    deductible = min(deductible_left, shared)
    rest = shared - deductible
    if plan.copay is not None:
        copay, coinsurance = min(plan.copay, rest), Decimal("0")
    else:
        copay = Decimal("0")
        coinsurance = cents(rest * (100 - plan.coinsurance_percentage) / 100)
    copay += flat
    # the out-of-pocket maximum caps the member's share: coinsurance gives way first
    coinsurance = min(coinsurance, max(room - deductible - copay, Decimal("0")))
    copay = min(copay, max(room - deductible, Decimal("0")))
    deductible = min(deductible, room)
    member = deductible + copay + coinsurance
    paid = allowed - member
    return CostShare(
        allowed_per_line=tuple(allowed_per_line),
        allowed=allowed,
        deductible=deductible,
        copay=copay,
        coinsurance=coinsurance,
        member_responsibility=member,
        paid=paid,
        paid_per_line=_spread(paid, allowed_per_line),
        accumulators=met.plus(deductible, member),
        family_accumulators=family.plus(deductible, member),
    )


def _spread(paid: Decimal, allowed: Sequence[Decimal]) -> tuple[Decimal, ...]:
    """The plan's payment over the lines, in proportion to allowed; cents go to the last."""
    total = sum(allowed, Decimal("0"))
    if total == 0:
        return tuple(Decimal("0.00") for _ in allowed)
    parts = [cents(paid * a / total) for a in allowed[:-1]]
    return (*parts, paid - sum(parts, Decimal("0")))
