"""The inputs of the employer and user account mutations."""

from __future__ import annotations

from datetime import date

import strawberry

from graph import enums
from graph.admin.values import UNSET

# What each employer field means, shared by the create and the update input.
_EMPLOYER = {
    "company_name": "The employer's name; its members see it.",
    "tax_id": "EIN, NN-NNNNNNN. No two employers share one.",
    "industry": "The employer's line of business, free text.",
    "employee_count": "How many people the employer employs; zero or more.",
    "primary_contact_name": "Name of the employer's benefits contact.",
    "primary_contact_email": "Email address of the benefits contact (name@domain.tld).",
    "primary_contact_phone": "Phone number of the benefits contact, trimmed and stored as given.",
    "address_line1": "Street address of the employer.",
    "address_line2": "Suite, floor or building.",
    "city": "City of the employer's address.",
    "state": (
        "Two-letter USPS code of the employer's state, upper-cased; the regulator of that "
        "state oversees the employer and the members enrolled through it."
    ),
    "zip_code": "ZIP code of the employer's address: 12345 or 12345-6789.",
    "billing_cycle": "How often the plan bills the employer for premiums.",
    "payment_method": "How the employer pays its premiums: ACH, wire, check or credit card.",
    "contract_start_date": "First day of the employer's group agreement with the plan.",
    "contract_end_date": "When the group agreement ends; after its start date.",
}


def _change(name: str, *, kept: bool = False) -> str:
    """An update field's description: its meaning, and whether null clears it."""
    return _EMPLOYER[name] + (" Cannot be cleared." if kept else " Null clears it.")


@strawberry.input(description="A new employer group.")
class CreateEmployerInput:
    company_name: str = strawberry.field(description=_EMPLOYER["company_name"])
    tax_id: str | None = strawberry.field(default=None, description=_EMPLOYER["tax_id"])
    industry: str | None = strawberry.field(default=None, description=_EMPLOYER["industry"])
    employee_count: int | None = strawberry.field(
        default=None, description=_EMPLOYER["employee_count"]
    )
    primary_contact_name: str | None = strawberry.field(
        default=None, description=_EMPLOYER["primary_contact_name"]
    )
    primary_contact_email: str | None = strawberry.field(
        default=None, description=_EMPLOYER["primary_contact_email"]
    )
    primary_contact_phone: str | None = strawberry.field(
        default=None, description=_EMPLOYER["primary_contact_phone"]
    )
    address_line1: str | None = strawberry.field(
        default=None, description=_EMPLOYER["address_line1"]
    )
    address_line2: str | None = strawberry.field(
        default=None, description=_EMPLOYER["address_line2"]
    )
    city: str | None = strawberry.field(default=None, description=_EMPLOYER["city"])
    state: str | None = strawberry.field(default=None, description=_EMPLOYER["state"])
    zip_code: str | None = strawberry.field(default=None, description=_EMPLOYER["zip_code"])
    billing_cycle: enums.BillingCycle = strawberry.field(
        default=enums.BillingCycle.MONTHLY,
        description=_EMPLOYER["billing_cycle"] + " Monthly if left out.",
    )
    payment_method: enums.EmployerPaymentMethod | None = strawberry.field(
        default=None, description=_EMPLOYER["payment_method"]
    )
    contract_start_date: date | None = strawberry.field(
        default=None, description=_EMPLOYER["contract_start_date"]
    )
    contract_end_date: date | None = strawberry.field(
        default=None, description=_EMPLOYER["contract_end_date"]
    )


@strawberry.input(description="Changes to an employer; fields left out stay as they are.")
class UpdateEmployerInput:
    employer_id: strawberry.ID = strawberry.field(description="The employer to change.")
    company_name: str | None = strawberry.field(
        default=UNSET, description=_change("company_name", kept=True)
    )
    tax_id: str | None = strawberry.field(default=UNSET, description=_change("tax_id"))
    industry: str | None = strawberry.field(default=UNSET, description=_change("industry"))
    employee_count: int | None = strawberry.field(
        default=UNSET, description=_change("employee_count")
    )
    primary_contact_name: str | None = strawberry.field(
        default=UNSET, description=_change("primary_contact_name")
    )
    primary_contact_email: str | None = strawberry.field(
        default=UNSET, description=_change("primary_contact_email")
    )
    primary_contact_phone: str | None = strawberry.field(
        default=UNSET, description=_change("primary_contact_phone")
    )
    address_line1: str | None = strawberry.field(
        default=UNSET, description=_change("address_line1")
    )
    address_line2: str | None = strawberry.field(
        default=UNSET, description=_change("address_line2")
    )
    city: str | None = strawberry.field(default=UNSET, description=_change("city"))
    state: str | None = strawberry.field(default=UNSET, description=_change("state"))
    zip_code: str | None = strawberry.field(default=UNSET, description=_change("zip_code"))
    billing_cycle: enums.BillingCycle | None = strawberry.field(
        default=UNSET, description=_change("billing_cycle", kept=True)
    )
    payment_method: enums.EmployerPaymentMethod | None = strawberry.field(
        default=UNSET, description=_change("payment_method")
    )
    contract_start_date: date | None = strawberry.field(
        default=UNSET, description=_change("contract_start_date")
    )
    contract_end_date: date | None = strawberry.field(
        default=UNSET, description=_change("contract_end_date")
    )
    status: enums.EmployerStatus | None = strawberry.field(
        default=UNSET,
        description="Whether the employer's group is in force: only an active employer's "
        "employees can be enrolled. Cannot be cleared.",
    )


# What each of an account's ties means: the record its role is tied to.
_TIES = {
    "member_id": "For a member: their member record.",
    "dependent_id": "For a dependent: their dependent record (18 or older).",
    "provider_id": "For provider staff: their provider organisation.",
    "employer_id": "For an employer's benefits administrator: the employer.",
    "jurisdiction": "For a regulator: the two-letter USPS code of the state it oversees.",
}
_ONLY = " Required for that role; any other role leaves it out."


@strawberry.input(description="A new account: its role and the record that role is tied to.")
class CreateUserInput:
    email: str = strawberry.field(description="The sign-in name; one account per address.")
    password: str = strawberry.field(description="At least 12 characters; stored hashed only.")
    role: enums.Role = strawberry.field(
        description="What the account may see and do; it decides which tie below is required."
    )
    display_name: str | None = strawberry.field(
        default=None, description="A name for the account (e.g. the person's), trimmed."
    )
    member_id: strawberry.ID | None = strawberry.field(
        default=None, description=_TIES["member_id"] + _ONLY
    )
    dependent_id: strawberry.ID | None = strawberry.field(
        default=None, description=_TIES["dependent_id"] + _ONLY
    )
    provider_id: strawberry.ID | None = strawberry.field(
        default=None, description=_TIES["provider_id"] + _ONLY
    )
    employer_id: strawberry.ID | None = strawberry.field(
        default=None, description=_TIES["employer_id"] + _ONLY
    )
    jurisdiction: str | None = strawberry.field(
        default=None, description=_TIES["jurisdiction"] + _ONLY
    )


@strawberry.input(description="A new role for an account, with the record it is tied to.")
class ChangeUserRoleInput:
    user_id: strawberry.ID = strawberry.field(
        description="The account to change; not your own (another admin changes yours)."
    )
    role: enums.Role = strawberry.field(
        description="The new role; it decides which tie below is required."
    )
    member_id: strawberry.ID | None = strawberry.field(
        default=None, description=_TIES["member_id"] + _ONLY
    )
    dependent_id: strawberry.ID | None = strawberry.field(
        default=None, description=_TIES["dependent_id"] + _ONLY
    )
    provider_id: strawberry.ID | None = strawberry.field(
        default=None, description=_TIES["provider_id"] + _ONLY
    )
    employer_id: strawberry.ID | None = strawberry.field(
        default=None, description=_TIES["employer_id"] + _ONLY
    )
    jurisdiction: str | None = strawberry.field(
        default=None, description=_TIES["jurisdiction"] + _ONLY
    )
