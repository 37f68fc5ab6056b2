"""The root lists' filters as row filters, and the listings (orderings) the lists page by.

The inputs themselves are in graph/filter_inputs.py."""

from __future__ import annotations

from db.repos import Order
from domain import directory
from domain.access import AnyOf, Compare, Related, RowFilter, eq
from domain.errors import DomainError
from graph.claim.inputs import id_equals, in_values
from graph.errors import BadUserInput, from_domain
from graph.filter_inputs import (
    AppealFilter,
    ContractFilter,
    CredentialFilter,
    DependentFilter,
    EmployerFilter,
    MemberFilter,
    MemberOrder,
    PaymentFilter,
    PolicyFilter,
    ProviderFilter,
)
from graph.listing import Listing, OrderDirection, all_of, date_range


def person_lookup(f) -> list[RowFilter]:
    """Equality search on encrypted fields, through their blind indexes."""
    from db.crypto import name_dob_index, ssn_index

    out: list[RowFilter] = []
    if (f.last_name is None) != (f.date_of_birth is None):
        raise BadUserInput(
            "Give lastName and dateOfBirth together: people are looked up by both.",
            field="lastName" if f.last_name is None else "dateOfBirth",
        )
    if f.last_name is not None:
        out.append(eq("name_dob_index", name_dob_index(f.last_name, f.date_of_birth)))
    if f.ssn is not None:
        if sum(ch.isdigit() for ch in f.ssn) != 9:
            raise BadUserInput("An SSN has nine digits.", field="ssn")
        out.append(eq("ssn_index", ssn_index(f.ssn)))
    return out


def member_listing(order: MemberOrder | None) -> Listing:
    asked = order is not None
    order = order or MemberOrder()
    key = (order.field.value, order.direction is OrderDirection.DESC, asked)
    if key not in _MEMBER_LISTINGS:
        label = f"orderBy.field {order.field.name}" if asked else None
        _MEMBER_LISTINGS[key] = Listing("member", [Order(*key[:2])], label=label)
    return _MEMBER_LISTINGS[key]


_MEMBER_LISTINGS: dict[tuple[str, bool, bool], Listing] = {}
DEPENDENTS = Listing("dependent", [Order("created_at")])
POLICIES = Listing("policy", [Order("effective_date", descending=True)])
APPEALS = Listing("appeal", [Order("due_at")])
PAYMENTS = Listing("payment", [Order("created_at", descending=True)])
PROVIDERS = Listing("provider", [Order("npi")])
CREDENTIALS = Listing("credential", [Order("created_at")])
CONTRACTS = Listing("contract", [Order("contract_number")])
EMPLOYERS = Listing("employer", [Order("company_name")])


# --- each filter as a row filter, ANDed with the policy's (never instead of it) ---


def member_filter(f: MemberFilter | None) -> RowFilter | None:
    f = f or MemberFilter()
    return all_of(
        *person_lookup(f),
        in_values("status", f.status),
        id_equals(f.employer_id, "Employer", "employer_id", "employerId"),
        eq("state", f.state) if f.state else None,
        eq("member_number", f.member_number) if f.member_number else None,
        *date_range("enrollment_date", f.enrolled_from, f.enrolled_to, field="enrolled"),
    )


def dependent_filter(f: DependentFilter | None) -> RowFilter | None:
    f = f or DependentFilter()
    return all_of(
        in_values("status", f.status),
        in_values("relationship", f.relationship),
        id_equals(f.member_id, "Member", "member_id", "memberId"),
    )


def policy_filter(f: PolicyFilter | None) -> RowFilter | None:
    f = f or PolicyFilter()
    employer = id_equals(f.employer_id, "Employer", "employer_id", "employerId")
    return all_of(
        in_values("status", f.status),
        in_values("plan_type", f.plan_type),
        id_equals(f.member_id, "Member", "member_id", "memberId"),
        Related("member", employer) if employer else None,
        *date_range("effective_date", f.effective_from, f.effective_to, field="effective"),
    )


def appeal_filter(f: AppealFilter | None) -> RowFilter | None:
    f = f or AppealFilter()
    return all_of(
        in_values("status", f.status),
        in_values("urgency", f.urgency),
        id_equals(f.claim_id, "Claim", "claim_id", "claimId"),
        Compare("due_at", "<", f.due_before) if f.due_before else None,
    )


def payment_filter(f: PaymentFilter | None) -> RowFilter | None:
    f = f or PaymentFilter()
    return all_of(
        in_values("status", f.status),
        in_values("payment_type", f.payment_type),
        id_equals(f.claim_id, "Claim", "claim_id", "claimId"),
        id_equals(f.policy_id, "Policy", "policy_id", "policyId"),
    )


def provider_filter(f: ProviderFilter | None) -> RowFilter | None:
    f = f or ProviderFilter()
    return all_of(
        in_values("network_status", f.network_status),
        in_values("provider_type", f.provider_type),
        in_values("status", f.status),
        eq("state", f.state) if f.state else None,
        eq("primary_specialty", f.specialty) if f.specialty else None,
        eq("npi", f.npi) if f.npi else None,
        *_directory_search(f),
    )


_NAME_PARTS = ("organization_name", "first_name", "last_name")


def _directory_search(f: ProviderFilter) -> list[RowFilter]:
    """The directory's searches: by name, ZIP or ZIP3 area, language, new patients and
    telehealth."""
    out: list[RowFilter] = []
    try:
        if f.name is not None:
            for word in directory.name_words(f.name, field="name"):
                out.append(AnyOf(tuple(Compare(c, "contains_ci", word) for c in _NAME_PARTS)))
        if f.zip_code is not None:
            zip_code = directory.zip_match(f.zip_code, field="zipCode")
            out.append(Compare("zip_code", "starts_with" if zip_code.prefix else "=",
                               zip_code.value))  # fmt: skip
        if f.language is not None:
            out.append(Compare("languages_spoken", "has_ci", directory.language(f.language)))
    except DomainError as exc:
        raise from_domain(exc) from None
    if f.accepting_new_patients is not None:
        out.append(eq("accepting_new_patients", f.accepting_new_patients))
    if f.telehealth_available is not None:
        out.append(eq("telehealth_available", f.telehealth_available))
    return out


def credential_filter(f: CredentialFilter | None) -> RowFilter | None:
    f = f or CredentialFilter()
    return all_of(
        in_values("status", f.status),
        in_values("credential_type", f.credential_type),
        id_equals(f.provider_id, "Provider", "provider_id", "providerId"),
        Compare("expiration_date", "<", f.expires_before) if f.expires_before else None,
    )


def contract_filter(f: ContractFilter | None) -> RowFilter | None:
    f = f or ContractFilter()
    return all_of(
        in_values("status", f.status),
        id_equals(f.provider_id, "Provider", "provider_id", "providerId"),
    )


def employer_filter(f: EmployerFilter | None) -> RowFilter | None:
    f = f or EmployerFilter()
    return all_of(in_values("status", f.status), eq("state", f.state) if f.state else None)
