"""A policy's coverage details, exclusions and network restrictions as GraphQL shapes: the
types Policy reads (from the JSONB columns) and the inputs createPolicy, updatePolicy and
renewPolicy write (checked by domain/coverage.py)."""

from __future__ import annotations

from typing import Any

import strawberry

from domain import coverage
from graph import enums

_CATEGORY = "The kind of care."
_VISITS = "Covered visits per plan year for this kind of care; null: no limit."
_PRIOR = (
    "Whether the plan must approve this care before it is given (prior authorization); "
    "care given without it may be denied."
)
_NOTE = "Anything else the member should know, in plain words; at most 500 characters."
_EXCLUDED = "What the plan does not cover, in plain words (e.g. cosmetic surgery)."
_OUT_OF_NETWORK = "Whether care outside the plan's network is covered."
_REFERRAL = "Whether a specialist visit needs a referral from the primary-care provider."
_PCP = "Whether each person on the policy must choose a primary-care provider."
_AREA = (
    "The states (USPS codes) where the plan's network serves members; empty: no limit. Care "
    "elsewhere is out of network unless it is an emergency."
)

COVERAGE_DETAILS = (
    "Which kinds of care the policy covers and on what conditions (prior authorization, a "
    "visit limit), each listed once; recorded for members and staff to read, applied by the "
    "adjudicator. Kinds not listed follow the plan's usual rules."
)
EXCLUSIONS = "What the policy never covers, in plain words, by kind of care where one applies."
NETWORK_RESTRICTIONS = (
    "Where and from whom care is covered: out of network or not, referrals, a chosen "
    "primary-care provider, the service area."
)


@strawberry.type(description="Whether the policy covers one kind of care, and on what terms.")
class CoveredService:
    category: enums.BenefitCategory = strawberry.field(description=_CATEGORY)
    covered: bool = strawberry.field(description="Whether the plan covers this kind of care.")
    prior_authorization_required: bool = strawberry.field(description=_PRIOR)
    visit_limit: int | None = strawberry.field(description=_VISITS)
    note: str | None = strawberry.field(description=_NOTE)


@strawberry.type(description="Care the policy does not cover.")
class PolicyExclusion:
    category: enums.BenefitCategory | None = strawberry.field(
        description="The kind of care it falls under; null when none fits."
    )
    description: str = strawberry.field(description=_EXCLUDED)


@strawberry.type(description="Where and from whom the policy covers care.")
class NetworkRestrictions:
    out_of_network_coverage: enums.OutOfNetworkCoverage = strawberry.field(
        description=_OUT_OF_NETWORK
    )
    referral_required: bool = strawberry.field(description=_REFERRAL)
    primary_care_provider_required: bool = strawberry.field(description=_PCP)
    service_area: list[str] = strawberry.field(description=_AREA)


@strawberry.input(description="Whether the policy covers one kind of care, and on what terms.")
class CoveredServiceInput:
    category: enums.BenefitCategory = strawberry.field(description=_CATEGORY + " Once each.")
    covered: bool = strawberry.field(description="Whether the plan covers this kind of care.")
    prior_authorization_required: bool = strawberry.field(
        default=False, description=_PRIOR + " False if left out."
    )
    visit_limit: int | None = strawberry.field(
        default=None, description=_VISITS + " 1 to 366; only for covered care."
    )
    note: str | None = strawberry.field(default=None, description=_NOTE)


@strawberry.input(description="Care the policy does not cover.")
class PolicyExclusionInput:
    description: str = strawberry.field(
        description=_EXCLUDED + " Required, at most 500 characters."
    )
    category: enums.BenefitCategory | None = strawberry.field(
        default=None, description="The kind of care it falls under, if one fits."
    )


@strawberry.input(description="Where and from whom the policy covers care.")
class NetworkRestrictionsInput:
    out_of_network_coverage: enums.OutOfNetworkCoverage = strawberry.field(
        description=_OUT_OF_NETWORK
    )
    referral_required: bool = strawberry.field(
        default=False, description=_REFERRAL + " False if left out."
    )
    primary_care_provider_required: bool = strawberry.field(
        default=False, description=_PCP + " False if left out."
    )
    service_area: list[str] = strawberry.field(
        default_factory=list, description=_AREA + " At most the 56 USPS state codes."
    )


COLUMNS = ("coverage_details", "exclusions", "network_restrictions")


def stored(sent: dict[str, Any]) -> dict[str, Any]:
    """The JSONB columns to store from the inputs sent (None clears one), checked."""
    plain: dict[str, Any] = {}
    for column, value in sent.items():
        if column not in COLUMNS:
            continue
        if value is None:
            plain[column] = None
        elif column == "network_restrictions":
            plain[column] = {
                "out_of_network": value.out_of_network_coverage.value,
                "referral_required": value.referral_required,
                "primary_care_provider_required": value.primary_care_provider_required,
                "service_area": value.service_area,
            }
        else:
            plain[column] = [_plain(item) for item in value]
    return coverage.clean(plain)


def _plain(item: Any) -> dict[str, Any]:
    out = {k: getattr(item, k) for k in item.__annotations__}
    if out.get("category") is not None:
        out["category"] = out["category"].value
    return out


# --- reads: the stored JSON as the types above --------------------------------------------


def render_benefits(value: list | None, row: Any) -> list[CoveredService] | None:
    if value is None:
        return None
    return [
        CoveredService(
            category=enums.BenefitCategory(b["category"]),
            covered=b["covered"],
            prior_authorization_required=b["prior_authorization_required"],
            visit_limit=b["visit_limit"],
            note=b["note"],
        )  # fmt: skip
        for b in value
    ]


def render_exclusions(value: list | None, row: Any) -> list[PolicyExclusion] | None:
    if value is None:
        return None
    return [
        PolicyExclusion(
            category=enums.BenefitCategory(x["category"]) if x["category"] else None,
            description=x["description"],
        )
        for x in value
    ]


def render_network(value: dict | None, row: Any) -> NetworkRestrictions | None:
    if value is None:
        return None
    return NetworkRestrictions(
        out_of_network_coverage=enums.OutOfNetworkCoverage(value["out_of_network"]),
        referral_required=value["referral_required"],
        primary_care_provider_required=value["primary_care_provider_required"],
        service_area=list(value["service_area"]),
    )
