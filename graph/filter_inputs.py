"""The filter and order inputs of the root lists: what a client may narrow and sort by.

Each filter field declares the field group it reads (`reads`, graph/search.py); graph/filters.py
turns each filter into a row filter."""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry

from graph import enums
from graph.listing import OrderDirection
from graph.search import reads

_EVERY = (
    "; every field given must match. A list matches any of its values (an empty list narrows "
    "nothing); a field your role may not read is refused (FORBIDDEN)."
)


@strawberry.input(
    description="Narrow a member list. Names and SSNs are encrypted at rest: look people up "
    "by lastName with dateOfBirth, or by ssn (exact, through keyed blind indexes)" + _EVERY
)
class MemberFilter:
    last_name: str | None = reads(
        "Member",
        "name",
        description="Last name, exact apart from case and surrounding spaces; only together "
        "with dateOfBirth.",
    )
    date_of_birth: date | None = reads(
        "Member", "birth_date", description="Date of birth; only together with lastName."
    )
    ssn: str | None = reads(
        "Member",
        "ssn",
        description="Social security number, nine digits (dashes and spaces are ignored); "
        "exact match.",
    )
    status: list[enums.MemberStatus] | None = reads(
        "Member", "enrolment", description="Enrolment statuses to include."
    )
    employer_id: strawberry.ID | None = reads(
        "Employer", "identity", description="Only employees of this employer (its global id)."
    )
    state: str | None = reads(
        "Member",
        "geo",
        description="Two-letter US state of the member's address, upper case (CA); exact.",
    )
    member_number: str | None = reads(
        "Member",
        "identifier",
        description="The plan's member number on the ID card (MBR-NNNNNNNN); exact.",
    )
    enrolled_from: date | None = reads(
        "Member", "enrolment_date", description="Enrolled on or after this date."
    )
    enrolled_to: date | None = reads(
        "Member", "enrolment_date", description="Enrolled on or before this date."
    )


@strawberry.enum(description="What a member list may be ordered by.")
class MemberOrderField(Enum):
    MEMBER_NUMBER = strawberry.enum_value(
        "member_number", description="The plan's member number (MBR-NNNNNNNN)."
    )
    ENROLLMENT_DATE = strawberry.enum_value(
        "enrollment_date", description="The date the member's enrolment began."
    )
    CREATED_AT = strawberry.enum_value(
        "created_at", description="When the member's record was created in this system."
    )


@strawberry.input(description="How to order a member list; ties are broken by record id.")
class MemberOrder:
    field: MemberOrderField = strawberry.field(
        default=MemberOrderField.MEMBER_NUMBER, description="What to order by."
    )
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Ascending or descending."
    )


@strawberry.input(description="Narrow a dependent list" + _EVERY)
class DependentFilter:
    status: list[enums.DependentStatus] | None = reads(
        "Dependent",
        "enrolment",
        description="Coverage statuses to include (aged_out: a child past the end of the "
        "month they turned 26).",
    )
    relationship: list[enums.Relationship] | None = reads(
        "Dependent", "enrolment", description="Relationships to the subscriber to include."
    )
    member_id: strawberry.ID | None = reads(
        "Member",
        "identity",
        description="Only dependents covered through this subscriber (the member's global id).",
    )


@strawberry.input(description="Narrow a policy list" + _EVERY)
class PolicyFilter:
    status: list[enums.PolicyStatus] | None = reads(
        "Policy", "business", description="Policy statuses to include."
    )
    plan_type: list[enums.PlanType] | None = reads(
        "Policy", "business", description="Plan types to include (HMO, PPO, EPO, POS, HDHP)."
    )
    member_id: strawberry.ID | None = reads(
        "Member", "identity", description="Only this subscriber's policies (their global id)."
    )
    employer_id: strawberry.ID | None = reads(
        "Employer",
        "identity",
        description="Only policies of this employer's employees (the employer's global id).",
    )
    effective_from: date | None = reads(
        "Policy", "record_date", description="Coverage starting on or after this date."
    )
    effective_to: date | None = reads(
        "Policy", "record_date", description="Coverage starting on or before this date."
    )


@strawberry.input(description="Narrow an appeal list" + _EVERY)
class AppealFilter:
    status: list[enums.AppealStatus] | None = reads(
        "Appeal", "business", description="Appeal statuses to include."
    )
    urgency: list[enums.AppealUrgency] | None = reads(
        "Appeal",
        "business",
        description="Urgencies to include; each sets the decision deadline (urgent 72 hours, "
        "pre-service 30 days, post-service 60 days).",
    )
    claim_id: strawberry.ID | None = reads(
        "Claim", "identity", description="Only appeals of this claim (its global id)."
    )
    due_before: date | None = reads(
        "Appeal",
        "record_date",
        description="Only appeals whose decision is due before this date begins (overdue "
        "ones included).",
    )


@strawberry.input(description="Narrow a payment list" + _EVERY)
class PaymentFilter:
    status: list[enums.PaymentStatus] | None = reads(
        "Payment", "business", description="Payment statuses to include."
    )
    payment_type: list[enums.PaymentType] | None = reads(
        "Payment",
        "business",
        description="Kinds of payment to include (premium, claim reimbursement, ...).",
    )
    claim_id: strawberry.ID | None = reads(
        "Claim", "identity", description="Only payments of this claim (its global id)."
    )
    policy_id: strawberry.ID | None = reads(
        "Policy", "identity", description="Only payments under this policy (its global id)."
    )


@strawberry.input(description="Narrow a provider list" + _EVERY)
class ProviderFilter:
    network_status: list[enums.NetworkStatus] | None = reads(
        "Provider", "public", description="Network statuses to include (in or out of network)."
    )
    provider_type: list[enums.ProviderType] | None = reads(
        "Provider",
        "public",
        description="Kinds of provider to include: individual practitioner, group, facility.",
    )
    status: list[enums.ProviderStatus] | None = reads(
        "Provider", "public", description="Provider statuses to include."
    )
    state: str | None = reads(
        "Provider",
        "public",
        description="Two-letter US state of the provider's address, upper case (CA); exact.",
    )
    specialty: str | None = reads(
        "Provider",
        "public",
        description="Primary specialty as the directory writes it (Family Medicine); exact, "
        "case included.",
    )
    npi: str | None = reads(
        "Provider", "public", description="The provider's 10-digit National Provider Identifier."
    )
    name: str | None = reads(
        "Provider",
        "public",
        description="Find by name, case ignored: every word given must be part of the "
        'organisation\'s name or of the practitioner\'s first or last name ("okoro", "ada '
        'oko", "harbor clinic"). At most 100 characters; empty is BAD_USER_INPUT.',
    )
    zip_code: str | None = reads(
        "Provider",
        "public",
        description="Where the practice is: five digits for that ZIP code (ZIP+4 codes under "
        "it included), ZIP+4 (12345-6789) exactly, or three digits for the whole ZIP3 area "
        "(958: Sacramento and around). No distances: the plan ships no table of ZIP centroids.",
    )
    language: str | None = reads(
        "Provider",
        "public",
        description="A language spoken with patients, as the directory lists it (Spanish), "
        "case ignored.",
    )
    accepting_new_patients: bool | None = reads(
        "Provider",
        "public",
        description="True: only providers taking new patients; false: only those who are not.",
    )
    telehealth_available: bool | None = reads(
        "Provider",
        "public",
        description="True: only providers offering visits by video or phone; false: only "
        "those who do not.",
    )


@strawberry.input(description="Narrow a list of provider credentials" + _EVERY)
class CredentialFilter:
    status: list[enums.CredentialStatus] | None = reads(
        "Credential", "business", description="Verification statuses to include."
    )
    credential_type: list[enums.CredentialType] | None = reads(
        "Credential",
        "business",
        description="Kinds of credential to include (licence, board certification, DEA, ...).",
    )
    provider_id: strawberry.ID | None = reads(
        "Provider", "identity", description="Only this provider's credentials (its global id)."
    )
    expires_before: date | None = reads(
        "Credential",
        "business",
        description="Only credentials expiring before this date (those without an "
        "expiration date are left out).",
    )


@strawberry.input(description="Narrow a list of provider contracts" + _EVERY)
class ContractFilter:
    status: list[enums.ContractStatus] | None = reads(
        "Contract", "business", description="Contract statuses to include."
    )
    provider_id: strawberry.ID | None = reads(
        "Provider", "identity", description="Only this provider's contracts (its global id)."
    )


@strawberry.input(description="Narrow an employer list" + _EVERY)
class EmployerFilter:
    status: list[enums.EmployerStatus] | None = reads(
        "Employer", "business", description="Employer group statuses to include."
    )
    state: str | None = reads(
        "Employer",
        "business",
        description="Two-letter US state of the employer's address, upper case (CA); exact.",
    )
