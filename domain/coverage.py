"""A policy's coverage details, exclusions and network restrictions: what the plan covers
and on what conditions, what it never covers, and where and from whom care is covered.

They are recorded on the policy (three JSONB columns) for members, employers and staff to
read; adjudication does not apply them yet, an adjudicator does. Each is validated here into
the plain JSON stored: known categories, bounded lists and lengths."""

from __future__ import annotations

from typing import Any

from domain.enums import BenefitCategory, OutOfNetworkCoverage
from domain.errors import DomainError
from domain.organisations import US_STATES

MAX_BENEFITS = len(BenefitCategory)
MAX_EXCLUSIONS = 50
MAX_NOTE = 500
MAX_VISITS = 366


def _text(value: str | None, *, field: str, required: bool = False) -> str | None:
    cleaned = (value or "").strip()
    if len(cleaned) > MAX_NOTE:
        raise DomainError(f"At most {MAX_NOTE} characters.", field=field)
    if required and not cleaned:
        raise DomainError("Say what is excluded, in a few words.", field=field)
    return cleaned or None


def benefits(items: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    """Each category at most once, with whether it is covered, whether it needs prior
    authorization, a yearly visit limit (1 to 366) and a short note."""
    if items is None:
        return None
    seen: set[BenefitCategory] = set()
    out = []
    for i, item in enumerate(items):
        at = f"coverageDetails[{i}]"
        category = BenefitCategory(item["category"])
        if category in seen:
            raise DomainError("Each kind of care is listed once.", field=f"{at}.category")
        seen.add(category)
        limit = item.get("visit_limit")
        if limit is not None and not 1 <= limit <= MAX_VISITS:
            raise DomainError(
                f"A visit limit is between 1 and {MAX_VISITS} a plan year; leave it out for none.",
                field=f"{at}.visitLimit",
            )
        if limit is not None and not item["covered"]:
            raise DomainError(
                "Care that is not covered has no visit limit.", field=f"{at}.visitLimit"
            )
        out.append({
            "category": category.value,
            "covered": bool(item["covered"]),
            "prior_authorization_required": bool(item.get("prior_authorization_required")),
            "visit_limit": limit,
            "note": _text(item.get("note"), field=f"{at}.note"),
        })  # fmt: skip
    return out


def exclusions(items: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    """At most MAX_EXCLUSIONS, each described in words (at most 500 characters), with the
    kind of care it falls under if it falls under one."""
    if items is None:
        return None
    if len(items) > MAX_EXCLUSIONS:
        raise DomainError(f"At most {MAX_EXCLUSIONS} exclusions.", field="exclusions")
    out = []
    for i, item in enumerate(items):
        category = item.get("category")
        out.append({
            "category": BenefitCategory(category).value if category else None,
            "description": _text(item.get("description"), field=f"exclusions[{i}].description",
                                 required=True),
        })  # fmt: skip
    return out


def network(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """Out-of-network coverage, whether specialists need a referral, whether members choose a
    primary-care provider, and the states of the service area (USPS codes; empty: anywhere)."""
    if value is None:
        return None
    area: list[str] = []
    codes = value.get("service_area") or []
    if len(codes) > len(US_STATES):
        raise DomainError(
            f"At most {len(US_STATES)} states.", field="networkRestrictions.serviceArea"
        )
    for i, code in enumerate(codes):
        state = code.strip().upper()
        if state not in US_STATES:
            raise DomainError(
                "A state is its two-letter USPS code, e.g. CA.", field=f"networkRestrictions."
                f"serviceArea[{i}]",
            )  # fmt: skip
        if state not in area:
            area.append(state)
    return {
        "out_of_network": OutOfNetworkCoverage(value["out_of_network"]).value,
        "referral_required": bool(value.get("referral_required")),
        "primary_care_provider_required": bool(value.get("primary_care_provider_required")),
        "service_area": sorted(area),
    }


def clean(sent: dict[str, Any]) -> dict[str, Any]:
    """The columns to store from those sent (None clears one)."""
    rules = {"coverage_details": benefits, "exclusions": exclusions,
             "network_restrictions": network}  # fmt: skip
    return {column: rules[column](value) for column, value in sent.items() if column in rules}
