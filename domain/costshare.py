"""Cost sharing on approval (DOMAIN.md): allowed amounts, deductible, copay or coinsurance,
the out-of-pocket maximum, and what the plan pays. Money is Decimal, rounded to cents."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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
    deductible: Decimal
    out_of_pocket_max: Decimal
    coinsurance_percentage: int  # what the plan pays after the deductible, e.g. 80
    out_of_network_percentage: int  # what the plan allows of billed out of network, e.g. 60
    copay: Decimal | None = None  # a flat copay for this kind of visit, instead of coinsurance


@dataclass(frozen=True, slots=True)
class Accumulators:
    """Met so far this plan year, per policy."""

    deductible_met: Decimal = Decimal("0.00")
    out_of_pocket_met: Decimal = Decimal("0.00")


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
    accumulators: Accumulators


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
    preventive: bool = False,
) -> CostShare:
    """The member's share and the plan's payment for allowed amounts, given what is met.

    Preventive care carries no cost sharing in network (ACA §2713 / PHSA 2713).
    """
    allowed = cents(sum(allowed_per_line, Decimal("0")))
    if preventive:
        plan = Plan(Decimal("0"), plan.out_of_pocket_max, 100, plan.out_of_network_percentage)
    deductible = min(max(plan.deductible - met.deductible_met, Decimal("0")), allowed)
    rest = allowed - deductible
    if plan.copay is not None:
        copay, coinsurance = min(plan.copay, rest), Decimal("0")
    else:
        copay = Decimal("0")
        coinsurance = cents(rest * (100 - plan.coinsurance_percentage) / 100)
    # the out-of-pocket maximum caps the member's share: coinsurance gives way first
    room = max(plan.out_of_pocket_max - met.out_of_pocket_met, Decimal("0"))
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
        accumulators=Accumulators(
            deductible_met=met.deductible_met + deductible,
            out_of_pocket_met=met.out_of_pocket_met + member,
        ),
    )


def _spread(paid: Decimal, allowed: Sequence[Decimal]) -> tuple[Decimal, ...]:
    """The plan's payment over the lines, in proportion to allowed; cents go to the last."""
    total = sum(allowed, Decimal("0"))
    if total == 0:
        return tuple(Decimal("0.00") for _ in allowed)
    parts = [cents(paid * a / total) for a in allowed[:-1]]
    return (*parts, paid - sum(parts, Decimal("0")))
