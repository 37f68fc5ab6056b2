"""The inputs of the admin mutations. On update inputs a field left out is left unchanged;
a field sent as null is cleared (where the record allows it)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import strawberry
from strawberry.utils.str_converters import to_camel_case

from graph import enums

UNSET: Any = strawberry.UNSET


def given(input: Any, *, columns: dict[str, str] | None = None) -> dict[str, Any]:
    """Column -> value of every field the client sent; `columns` renames fields to columns."""
    names = columns or {}
    fields = (f.python_name for f in input.__strawberry_definition__.fields)
    return {
        names.get(name, name): getattr(input, name)
        for name in fields
        if getattr(input, name) is not UNSET and name not in _NOT_COLUMNS
    }


def camel(columns: dict[str, str]) -> dict[str, str]:
    """Column -> input field as the client spells it."""
    return {column: to_camel_case(field) for field, column in columns.items()}


# ids of the record being changed, and references decoded separately
_NOT_COLUMNS = frozenset(
    {"provider_id", "parent_id", "member_id", "dependent_id", "employer_id", "fee_schedule"}
)


@strawberry.input(description="A new practitioner, group or facility.")
class CreateProviderInput:
    npi: str = strawberry.field(description="Ten digits; the last is the CMS check digit.")
    provider_type: enums.ProviderType
    primary_specialty: str
    first_name: str | None = None
    last_name: str | None = None
    credential_titles: str | None = strawberry.field(
        default=None, description="Professional titles after the name (MD, DO, NP...)."
    )
    organization_name: str | None = None
    parent_id: strawberry.ID | None = strawberry.field(
        default=None, description="The group a practitioner belongs to."
    )
    tax_id: str | None = strawberry.field(default=None, description="EIN, NN-NNNNNNN.")
    secondary_specialties: list[str] | None = None
    phone: str | None = None
    fax: str | None = None
    email: str | None = None
    website: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    city: str | None = None
    state: str | None = None
    zip_code: str | None = None
    network_status: enums.NetworkStatus = enums.NetworkStatus.PENDING
    accepting_new_patients: bool = True
    languages_spoken: list[str] | None = None
    wheelchair_accessible: bool = False
    telehealth_available: bool = False


@strawberry.input(description="Changes to a provider; fields left out stay as they are.")
class UpdateProviderInput:
    provider_id: strawberry.ID
    npi: str | None = UNSET
    primary_specialty: str | None = UNSET
    first_name: str | None = UNSET
    last_name: str | None = UNSET
    credential_titles: str | None = UNSET
    organization_name: str | None = UNSET
    parent_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The group a practitioner belongs to; null: none."
    )
    tax_id: str | None = UNSET
    secondary_specialties: list[str] | None = UNSET
    phone: str | None = UNSET
    fax: str | None = UNSET
    email: str | None = UNSET
    website: str | None = UNSET
    address_line1: str | None = UNSET
    address_line2: str | None = UNSET
    city: str | None = UNSET
    state: str | None = UNSET
    zip_code: str | None = UNSET
    network_status: enums.NetworkStatus | None = UNSET
    accepting_new_patients: bool | None = UNSET
    languages_spoken: list[str] | None = UNSET
    wheelchair_accessible: bool | None = UNSET
    telehealth_available: bool | None = UNSET
    status: enums.ProviderStatus | None = UNSET


PROVIDER_COLUMNS = {"credential_titles": "credentials"}


@strawberry.input(description="A licence or certification to put on a provider's file.")
class AddCredentialInput:
    provider_id: strawberry.ID
    credential_type: enums.CredentialType
    credential_number: str | None = None
    issuing_authority: str | None = None
    issuing_state: str | None = None
    issue_date: date | None = None
    expiration_date: date | None = None
    notes: str | None = None


@strawberry.input(description="A procedure code and what the contract allows for it.")
class FeeScheduleItemInput:
    procedure_code: str
    allowed_amount: Decimal = strawberry.field(
        description="More than zero, at most two decimal places."
    )


@strawberry.input(description="A network contract with its fee schedule.")
class CreateContractInput:
    provider_id: strawberry.ID
    contract_type: enums.ContractType
    effective_date: date
    termination_date: date | None = None
    renewal_date: date | None = None
    reimbursement_method: enums.ReimbursementMethod = enums.ReimbursementMethod.FEE_FOR_SERVICE
    contract_terms: str | None = None
    fee_schedule: list[FeeScheduleItemInput] = strawberry.field(default_factory=list)
    draft: bool = strawberry.field(
        default=False,
        description="Record it as a draft (not yet in force, prices nothing) instead of active.",
    )


@strawberry.input(description="A new employer group.")
class CreateEmployerInput:
    company_name: str
    tax_id: str | None = strawberry.field(default=None, description="EIN, NN-NNNNNNN.")
    industry: str | None = None
    employee_count: int | None = None
    primary_contact_name: str | None = None
    primary_contact_email: str | None = None
    primary_contact_phone: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    city: str | None = None
    state: str | None = None
    zip_code: str | None = None
    billing_cycle: enums.BillingCycle = enums.BillingCycle.MONTHLY
    payment_method: enums.EmployerPaymentMethod | None = None
    contract_start_date: date | None = None
    contract_end_date: date | None = None


@strawberry.input(description="Changes to an employer; fields left out stay as they are.")
class UpdateEmployerInput:
    employer_id: strawberry.ID
    company_name: str | None = UNSET
    tax_id: str | None = UNSET
    industry: str | None = UNSET
    employee_count: int | None = UNSET
    primary_contact_name: str | None = UNSET
    primary_contact_email: str | None = UNSET
    primary_contact_phone: str | None = UNSET
    address_line1: str | None = UNSET
    address_line2: str | None = UNSET
    city: str | None = UNSET
    state: str | None = UNSET
    zip_code: str | None = UNSET
    billing_cycle: enums.BillingCycle | None = UNSET
    payment_method: enums.EmployerPaymentMethod | None = UNSET
    contract_start_date: date | None = UNSET
    contract_end_date: date | None = UNSET
    status: enums.EmployerStatus | None = UNSET


@strawberry.input(description="A new account: its role and the record that role is tied to.")
class CreateUserInput:
    email: str = strawberry.field(description="The sign-in name; one account per address.")
    password: str = strawberry.field(description="At least 12 characters; stored hashed only.")
    role: enums.Role
    display_name: str | None = None
    member_id: strawberry.ID | None = strawberry.field(default=None, description="For a member.")
    dependent_id: strawberry.ID | None = strawberry.field(
        default=None, description="For an adult dependent."
    )
    provider_id: strawberry.ID | None = strawberry.field(
        default=None, description="For provider staff: their organisation."
    )
    employer_id: strawberry.ID | None = strawberry.field(
        default=None, description="For an employer's benefits administrator."
    )
    jurisdiction: str | None = strawberry.field(
        default=None, description="For a regulator: the US state it oversees."
    )


@strawberry.input(description="A new role for an account, with the record it is tied to.")
class ChangeUserRoleInput:
    user_id: strawberry.ID
    role: enums.Role
    member_id: strawberry.ID | None = None
    dependent_id: strawberry.ID | None = None
    provider_id: strawberry.ID | None = None
    employer_id: strawberry.ID | None = None
    jurisdiction: str | None = None
