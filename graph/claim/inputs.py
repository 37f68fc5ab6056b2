"""Claim list arguments: the filters and orderings a frontend needs."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum

import strawberry

from db.repos import Order
from domain.access import Compare, Related, RowFilter, eq
from graph import enums
from graph.listing import Listing, OrderDirection, all_of, date_range
from graph.relay import from_global_id
from graph.search import reads


@strawberry.input(
    description="Narrow a claim list; every given field must match, within what you may see. "
    "Narrowing by a field you may not read is refused (FORBIDDEN); a range given backwards "
    "is BAD_USER_INPUT."
)
class ClaimFilter:
    status: list[enums.ClaimStatus] | None = reads(
        "Claim", "business", description="Claims in any of these statuses."
    )
    claim_type: list[enums.ClaimType] | None = reads(
        "Claim", "business", description="Claims for any of these kinds of care."
    )
    priority: list[enums.Priority] | None = reads(
        "Claim", "business", description="Claims at any of these payer-queue priorities."
    )
    member_id: strawberry.ID | None = reads(
        "Member",
        "identity",
        description="Claims under this member's coverage (a Member id): the member's own and "
        "their dependents'.",
    )
    dependent_id: strawberry.ID | None = reads(
        "Dependent", "identity", description="Claims for this dependent's care (a Dependent id)."
    )
    provider_id: strawberry.ID | None = reads(
        "Provider",
        "identity",
        description="Claims billed under this provider (a Provider id); a group's practitioners "
        "bill under their own ids.",
    )
    employer_id: strawberry.ID | None = reads(
        "Employer",
        "identity",
        description="Claims of this employer's employees and their dependents (an Employer id).",
    )
    policy_id: strawberry.ID | None = reads(
        "Policy", "identity", description="Claims under this policy (a Policy id)."
    )
    service_date_from: date | None = reads(
        "Claim", "record_date", description="Claims whose service date is on or after this day."
    )
    service_date_to: date | None = reads(
        "Claim", "record_date", description="Claims whose service date is on or before this day."
    )
    submitted_from: datetime | None = reads(
        "Claim", "record_date", description="Claims filed at or after this moment."
    )
    submitted_to: datetime | None = reads(
        "Claim", "record_date", description="Claims filed at or before this moment."
    )
    min_billed_amount: Decimal | None = reads(
        "Claim", "business", description="Claims billed at least this much, in US dollars."
    )
    max_billed_amount: Decimal | None = reads(
        "Claim", "business", description="Claims billed at most this much, in US dollars."
    )
    claim_number: str | None = reads(
        "Claim",
        "record_number",
        description="The claim with exactly this number (CLM-YYYYMMDD-NNNNNN).",
    )


@strawberry.enum(
    description="What a claim list can be sorted by. Sorting by a field you may not read is "
    "refused (FORBIDDEN)."
)
class ClaimOrderField(Enum):
    SUBMITTED_AT = strawberry.enum_value(
        "submission_date", description="When the claim was filed (submissionDate)."
    )
    SERVICE_DATE = strawberry.enum_value(
        "service_date", description="The day the care was given (serviceDate)."
    )
    BILLED_AMOUNT = strawberry.enum_value(
        "billed_amount", description="What the provider charged (billedAmount)."
    )
    CLAIM_NUMBER = strawberry.enum_value(
        "claim_number", description="The claim number: by filing day, then by sequence."
    )


@strawberry.input(description="How to sort a claim list: by default, the latest filed first.")
class ClaimOrder:
    field: ClaimOrderField = strawberry.field(
        default=ClaimOrderField.SUBMITTED_AT,
        description="What to sort by (SUBMITTED_AT unless told).",
    )
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.DESC,
        description="ASC for earliest or smallest first, DESC (the default) for the reverse.",
    )


def in_values(column: str, values) -> RowFilter | None:
    return Compare(column, "in", tuple(v.value for v in values)) if values else None


def id_equals(value, expected: str, column: str, field: str) -> RowFilter | None:
    if value is None:
        return None
    return eq(column, from_global_id(value, expected=expected, field=f"filter.{field}")[1])


def claim_filter(f: ClaimFilter | None) -> RowFilter | None:
    """The client's filter as a row filter (ANDed with the policy's, never instead of it)."""
    if f is None:
        return None
    parts: list[RowFilter | None] = [
        in_values("status", f.status),
        in_values("claim_type", f.claim_type),
        in_values("priority", f.priority),
        id_equals(f.member_id, "Member", "member_id", "memberId"),
        id_equals(f.dependent_id, "Dependent", "dependent_id", "dependentId"),
        id_equals(f.provider_id, "Provider", "provider_id", "providerId"),
        id_equals(f.policy_id, "Policy", "policy_id", "policyId"),
        *date_range("service_date", f.service_date_from, f.service_date_to, field="serviceDate"),
        *date_range("submission_date", f.submitted_from, f.submitted_to, field="submitted"),
        *date_range(
            "billed_amount", f.min_billed_amount, f.max_billed_amount, field="billedAmount"
        ),
    ]
    if f.employer_id is not None:
        employer = from_global_id(f.employer_id, expected="Employer", field="filter.employerId")[1]
        parts.append(Related("member", eq("employer_id", employer)))
    if f.claim_number:
        parts.append(eq("claim_number", f.claim_number))
    return all_of(*parts)


def claim_listing(order: ClaimOrder | None) -> Listing:
    """The client's ordering (refused when it sorts by what the caller may not read), or the
    default one (which leaves such a column out)."""
    asked = order is not None
    order = order or ClaimOrder()
    key = (order.field.name, order.direction is OrderDirection.DESC, asked)
    if key not in _LISTINGS:
        label = f"orderBy.field {order.field.name}" if asked else None
        _LISTINGS[key] = Listing("claim", [Order(order.field.value, key[1])], label=label)
    return _LISTINGS[key]


_LISTINGS: dict[tuple[str, bool, bool], Listing] = {}


# The payer queue: urgent → low, then oldest first (DOMAIN.md, Claim lifecycle).
QUEUE = Listing("claim", [Order("priority_rank"), Order("created_at")])


async def nested_claims(info, loader, parent, *, first, after, filter, order_by):
    """A claims page under one parent (member, dependent, provider), batched per request."""
    from graph.claim.types import Claim
    from graph.rows import build

    listing = claim_listing(order_by)
    request = listing.request(info.context, first=first, after=after, extra=claim_filter(filter))
    page = await info.context.loader(loader).load((parent, request))
    return listing.from_page(page, lambda r: build(Claim, r), request=request)
