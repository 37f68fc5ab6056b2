"""What a visit of a given kind would cost a member under their policy: the eligibility
answer a provider asks for before the visit (X12 270/271), from the same terms and
accumulators that price claims (domain/costshare.py, domain/adjudication.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from domain.adjudication import RX_COPAY, plan_terms
from domain.costshare import Accumulators, left
from domain.enums import ServiceType

# which of the policy's copays each kind of visit takes (None: coinsurance)
_COPAY = {
    ServiceType.PRIMARY_CARE: "primary_care_copay",
    ServiceType.SPECIALIST: "specialist_copay",
    ServiceType.URGENT_CARE: "urgent_care_copay",
    ServiceType.EMERGENCY: "emergency_copay",
    ServiceType.PHARMACY_GENERIC: RX_COPAY["generic"],
    ServiceType.PHARMACY_BRAND: RX_COPAY["brand"],
    ServiceType.PHARMACY_SPECIALTY: RX_COPAY["specialty"],
}
_PRESCRIPTIONS = {
    ServiceType.PHARMACY_GENERIC,
    ServiceType.PHARMACY_BRAND,
    ServiceType.PHARMACY_SPECIALTY,
}


@dataclass(frozen=True, slots=True)
class Benefit:
    copay: Decimal | None  # a flat amount per visit or prescription
    coinsurance_percentage: int | None  # the member's share after the deductible
    deductible_applies: bool
    deductible_remaining: Decimal  # the least of the person's and the family's
    out_of_pocket_remaining: Decimal


def benefit(
    service_type: ServiceType,
    policy: Mapping[str, Any],
    *,
    person: Accumulators,
    family: Accumulators,
) -> Benefit:
    """The cost sharing of one in-network visit of `service_type` and what is left of the
    limits, individual and family taken together (embedded, as claims are priced)."""
    terms = plan_terms(policy, copay=None)
    deductible_left, oop_left = left(terms, person, family)
    if service_type is ServiceType.PREVENTIVE:
        return Benefit(Decimal("0.00"), 0, False, deductible_left, oop_left)
    column = _COPAY.get(service_type)
    copay = policy.get(column) if column else None
    if copay is not None:
        # a prescription's copay comes without deductible; a visit copay after it
        return Benefit(copay, None, service_type not in _PRESCRIPTIONS, deductible_left,
                       oop_left)  # fmt: skip
    return Benefit(None, 100 - terms.coinsurance_percentage, True, deductible_left, oop_left)
