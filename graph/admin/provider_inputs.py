"""The inputs of the provider directory mutations: providers, credentials and contracts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from graph import enums
from graph.admin.values import UNSET

_STATE = (
    "two-letter USPS code (the 50 states, DC and the territories), upper-cased; the regulator "
    "of that state oversees the provider, its credentials and contracts."
)
_ZIP = "ZIP code of the practice location: 12345 or 12345-6789."

# What each provider field means, shared by the create and the update input.
_PROVIDER = {
    "npi": "Ten digits; the last is the CMS check digit. No two providers share one.",
    "primary_specialty": (
        "Main specialty, as the directory shows it (e.g. Family Medicine). An office visit "
        "takes the primary-care copay for Family Medicine, Internal Medicine, Pediatrics or "
        "General Practice, the specialist copay otherwise."
    ),
    "first_name": "Practitioner's first name; required for an individual provider.",
    "last_name": "Practitioner's last name; required for an individual provider.",
    "credential_titles": "Professional titles after the name (MD, DO, NP...).",
    "organization_name": (
        "Name of the group or facility; required for those, and their display name."
    ),
    "tax_id": (
        "Federal tax id (EIN), nine digits kept as NN-NNNNNNN. Two provider organisations "
        "never share one; a practitioner may share its group's."
    ),
    "secondary_specialties": "Other specialties the directory lists; blank entries dropped.",
    "phone": "Office phone number for the directory, trimmed and stored as given.",
    "fax": "Office fax number, trimmed and stored as given.",
    "email": "Office email address for the directory (name@domain.tld).",
    "website": "Web address for the directory, stored as given.",
    "address_line1": "Street address of the practice location.",
    "address_line2": "Suite, floor or building of the practice location.",
    "city": "City of the practice location.",
    "network_status": (
        "Whether the provider is in the plan's network. Claims are priced from a fee "
        "schedule only for an in-network provider under an active contract."
    ),
    "accepting_new_patients": "Whether the provider takes new patients, for the directory.",
    "languages_spoken": "Languages spoken at the practice, for the directory.",
    "wheelchair_accessible": "Whether the practice location is wheelchair accessible.",
    "telehealth_available": "Whether the provider offers telehealth visits.",
}
_KEPT = " Cannot be cleared."


def _new(name: str, rule: str = "") -> str:
    return f"{_PROVIDER[name]} {rule}".strip()


@strawberry.input(description="A new practitioner, group or facility.")
class CreateProviderInput:
    npi: str = strawberry.field(description=_new("npi"))
    provider_type: enums.ProviderType = strawberry.field(
        description="Individual practitioner, group or facility; it decides which names are "
        "required and cannot be changed later."
    )
    primary_specialty: str = strawberry.field(description=_new("primary_specialty"))
    first_name: str | None = strawberry.field(default=None, description=_new("first_name"))
    last_name: str | None = strawberry.field(default=None, description=_new("last_name"))
    credential_titles: str | None = strawberry.field(
        default=None, description=_new("credential_titles")
    )
    organization_name: str | None = strawberry.field(
        default=None, description=_new("organization_name")
    )
    parent_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The group (a provider of type group) an individual practitioner belongs to.",
    )
    tax_id: str | None = strawberry.field(default=None, description=_new("tax_id"))
    secondary_specialties: list[str] | None = strawberry.field(
        default=None, description=_new("secondary_specialties", "Empty if left out.")
    )
    phone: str | None = strawberry.field(default=None, description=_new("phone"))
    fax: str | None = strawberry.field(default=None, description=_new("fax"))
    email: str | None = strawberry.field(default=None, description=_new("email"))
    website: str | None = strawberry.field(default=None, description=_new("website"))
    address_line1: str | None = strawberry.field(default=None, description=_new("address_line1"))
    address_line2: str | None = strawberry.field(default=None, description=_new("address_line2"))
    city: str | None = strawberry.field(default=None, description=_new("city"))
    state: str | None = strawberry.field(
        default=None, description=f"State of the practice location: {_STATE}"
    )
    zip_code: str | None = strawberry.field(default=None, description=_ZIP)
    network_status: enums.NetworkStatus = strawberry.field(
        default=enums.NetworkStatus.PENDING,
        description=_new("network_status", "Pending if left out."),
    )
    accepting_new_patients: bool = strawberry.field(
        default=True, description=_new("accepting_new_patients", "True if left out.")
    )
    languages_spoken: list[str] | None = strawberry.field(
        default=None, description=_new("languages_spoken", "Empty if left out.")
    )
    wheelchair_accessible: bool = strawberry.field(
        default=False, description=_new("wheelchair_accessible", "False if left out.")
    )
    telehealth_available: bool = strawberry.field(
        default=False, description=_new("telehealth_available", "False if left out.")
    )


def _change(name: str, *, kept: bool = False) -> str:
    """An update field's description: its meaning, and whether null clears it."""
    return _PROVIDER[name] + (_KEPT if kept else " Null clears it.")


@strawberry.input(description="Changes to a provider; fields left out stay as they are.")
class UpdateProviderInput:
    provider_id: strawberry.ID = strawberry.field(description="The provider to change.")
    npi: str | None = strawberry.field(default=UNSET, description=_change("npi", kept=True))
    primary_specialty: str | None = strawberry.field(
        default=UNSET, description=_change("primary_specialty", kept=True)
    )
    first_name: str | None = strawberry.field(default=UNSET, description=_PROVIDER["first_name"])
    last_name: str | None = strawberry.field(default=UNSET, description=_PROVIDER["last_name"])
    credential_titles: str | None = strawberry.field(
        default=UNSET, description=_change("credential_titles")
    )
    organization_name: str | None = strawberry.field(
        default=UNSET, description=_PROVIDER["organization_name"]
    )
    parent_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The group a practitioner belongs to; null: none."
    )
    tax_id: str | None = strawberry.field(default=UNSET, description=_change("tax_id"))
    secondary_specialties: list[str] | None = strawberry.field(
        default=UNSET, description=_change("secondary_specialties")
    )
    phone: str | None = strawberry.field(default=UNSET, description=_change("phone"))
    fax: str | None = strawberry.field(default=UNSET, description=_change("fax"))
    email: str | None = strawberry.field(default=UNSET, description=_change("email"))
    website: str | None = strawberry.field(default=UNSET, description=_change("website"))
    address_line1: str | None = strawberry.field(
        default=UNSET, description=_change("address_line1")
    )
    address_line2: str | None = strawberry.field(
        default=UNSET, description=_change("address_line2")
    )
    city: str | None = strawberry.field(default=UNSET, description=_change("city"))
    state: str | None = strawberry.field(
        default=UNSET, description=f"State of the practice location: {_STATE} Null clears it."
    )
    zip_code: str | None = strawberry.field(default=UNSET, description=f"{_ZIP} Null clears it.")
    network_status: enums.NetworkStatus | None = strawberry.field(
        default=UNSET, description=_change("network_status", kept=True)
    )
    accepting_new_patients: bool | None = strawberry.field(
        default=UNSET, description=_change("accepting_new_patients", kept=True)
    )
    languages_spoken: list[str] | None = strawberry.field(
        default=UNSET, description=_change("languages_spoken")
    )
    wheelchair_accessible: bool | None = strawberry.field(
        default=UNSET, description=_change("wheelchair_accessible", kept=True)
    )
    telehealth_available: bool | None = strawberry.field(
        default=UNSET, description=_change("telehealth_available", kept=True)
    )
    status: enums.ProviderStatus | None = strawberry.field(
        default=UNSET,
        description="Whether the provider may bill: claim validation refuses claims from a "
        "provider that is not active." + _KEPT,
    )


PROVIDER_COLUMNS = {"credential_titles": "credentials"}


@strawberry.input(description="A licence or certification to put on a provider's file.")
class AddCredentialInput:
    provider_id: strawberry.ID = strawberry.field(
        description="The provider whose file the credential goes on."
    )
    credential_type: enums.CredentialType = strawberry.field(
        description="Medical licence, board certification, DEA registration, malpractice "
        "insurance or hospital privileges."
    )
    credential_number: str | None = strawberry.field(
        default=None, description="The number the issuing authority gave it."
    )
    issuing_authority: str | None = strawberry.field(
        default=None, description="Who issued it: a state board, a specialty board, the DEA..."
    )
    issuing_state: str | None = strawberry.field(
        default=None,
        description="Two-letter USPS code of the issuing state, for a state licence; null for "
        "a national credential.",
    )
    issue_date: date | None = strawberry.field(
        default=None, description="When it was issued; not in the future."
    )
    expiration_date: date | None = strawberry.field(
        default=None,
        description="Last day it is in force; after the issue date. A credential already past "
        "it is recorded as expired; otherwise it starts pending verification. A claim needs a "
        "verified credential in force on its service date.",
    )
    notes: str | None = strawberry.field(
        default=None, description="Notes for credentialing staff, trimmed; blank is none."
    )


@strawberry.input(description="A procedure code and what the contract allows for it.")
class FeeScheduleItemInput:
    procedure_code: str = strawberry.field(
        description="CPT, HCPCS Level II or CDT code, five characters, upper-cased; each code "
        "once per schedule."
    )
    allowed_amount: Decimal = strawberry.field(
        description="Allowed amount per unit in US dollars: more than zero, at most two "
        "decimal places. An in-network line is allowed this times its units, at most billed."
    )


@strawberry.input(description="A network contract with its fee schedule.")
class CreateContractInput:
    provider_id: strawberry.ID = strawberry.field(
        description="The practitioner, group or facility the contract is with; a group's "
        "contract also prices its practitioners' claims."
    )
    contract_type: enums.ContractType = strawberry.field(
        description="Whether it is an individual, group or facility contract."
    )
    effective_date: date = strawberry.field(
        description="First day the contract prices claims. An active contract may not overlap "
        "another active contract of the same provider."
    )
    termination_date: date | None = strawberry.field(
        default=None,
        description="First day it no longer prices claims; after the effective date. "
        "Open-ended if left out.",
    )
    renewal_date: date | None = strawberry.field(
        default=None,
        description="When the contract comes up for renewal; after the effective date.",
    )
    reimbursement_method: enums.ReimbursementMethod = strawberry.field(
        default=enums.ReimbursementMethod.FEE_FOR_SERVICE,
        description="How the plan pays the provider; fee for service if left out.",
    )
    contract_terms: str | None = strawberry.field(
        default=None,
        description="The contract's terms as free text, trimmed; a termination reason is "
        "added to them later.",
    )
    fee_schedule: list[FeeScheduleItemInput] = strawberry.field(
        default_factory=list,
        description="Allowed amount per procedure code, used to price in-network claims; a "
        "fee-for-service contract needs at least one item. A code not listed is priced out "
        "of network.",
    )
    draft: bool = strawberry.field(
        default=False,
        description="Record it as a draft (not yet in force, prices nothing) instead of active.",
    )
