"""Providers (practitioners, groups, facilities), their credentials and contracts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from graph import enums
from graph import loaders as ld
from graph.claim.inputs import ClaimFilter, ClaimOrder, nested_claims
from graph.context import Info
from graph.fields import BUSINESS, PUBLIC, RESTRICTED, classified
from graph.relay import Connection, Node
from graph.rows import build, build_optional, relation
from policies.resources import FieldView

if TYPE_CHECKING:
    from graph.claim.types import Claim

ClaimRef = Annotated["Claim", strawberry.lazy("graph.claim.types")]


def _display_name(_value, row) -> str:
    if row["organization_name"]:
        return row["organization_name"]
    name = " ".join(p for p in (row["first_name"], row["last_name"]) if p)
    return f"{name}, {row['credentials']}" if row["credentials"] else name


def _public(column: str, python_type: Any = str, **kw):
    return classified(column, PUBLIC, "public", python_type, **kw)


@strawberry.type(description="A practitioner, a group of practitioners or a facility.")
class Provider(Node):
    npi = _public("npi", description="National Provider Identifier (CMS check digit).")
    name = classified(
        "organization_name",
        PUBLIC,
        "public",
        str,
        render=_display_name,
        description="Display name: the organisation, or the practitioner's name and titles.",
    )
    provider_type = _public("provider_type", enums.ProviderType)
    first_name = _public("first_name")
    last_name = _public("last_name")
    credential_titles = _public(
        "credentials", description="Professional titles after the name (MD, DO, NP...)."
    )
    organization_name = _public("organization_name")
    primary_specialty = _public("primary_specialty")
    secondary_specialties = _public("secondary_specialties", list[str])
    phone = _public("phone")
    fax = _public("fax")
    email = _public("email")
    website = _public("website")
    address_line1 = _public("address_line1")
    address_line2 = _public("address_line2")
    city = _public("city")
    state = _public("state")
    zip_code = _public("zip_code")
    network_status = _public("network_status", enums.NetworkStatus)
    accepting_new_patients = _public("accepting_new_patients", bool)
    languages_spoken = _public("languages_spoken", list[str])
    wheelchair_accessible = _public("wheelchair_accessible", bool)
    telehealth_available = _public("telehealth_available", bool)
    status = _public("status", enums.ProviderStatus)
    tax_id = classified(
        "tax_id", RESTRICTED, "tax_id", str, description="Tax id, masked to the last four."
    )

    @staticmethod
    def field_view(principal, row, today) -> FieldView:
        mine = principal.provider_id
        own = mine is not None and mine in (row["id"], row["parent_id"])
        return FieldView(type="Provider", own_organisation=own)

    @strawberry.field(description="The group this practitioner belongs to.")
    @relation(ld.ProviderByIdLoader, "parent_id")
    async def group(self, info: Info) -> Provider | None:
        parent = self._row["parent_id"]
        if parent is None:
            return None
        return build_optional(
            Provider, await info.context.loader(ld.ProviderByIdLoader).load(parent)
        )

    @strawberry.field(description="The practitioners of this group.")
    @relation(ld.PractitionersByGroupIdLoader, many=True)
    async def practitioners(self, info: Info) -> list[Provider]:
        rows = await info.context.loader(ld.PractitionersByGroupIdLoader).load(self.db_id)
        return [build(Provider, r) for r in rows]

    @strawberry.field(description="Licences and certifications on file (credentialing).")
    @relation(ld.CredentialsByProviderIdLoader, many=True)
    async def credentials(self, info: Info) -> list[Credential]:
        rows = await info.context.loader(ld.CredentialsByProviderIdLoader).load(self.db_id)
        return [build(Credential, r) for r in rows]

    @strawberry.field
    @relation(ld.ContractsByProviderIdLoader, many=True)
    async def contracts(self, info: Info) -> list[Contract]:
        rows = await info.context.loader(ld.ContractsByProviderIdLoader).load(self.db_id)
        return [build(Contract, r) for r in rows]

    @strawberry.field(description="Claims this provider submitted that you may see.")
    async def claims(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: ClaimFilter | None = None,
        order_by: ClaimOrder | None = None,
    ) -> Connection[ClaimRef]:
        return await nested_claims(
            info,
            ld.ClaimPagesByProviderIdLoader,
            self.db_id,
            first=first,
            after=after,
            filter=filter,
            order_by=order_by,
        )


@strawberry.type(description="A licence, certification or other credential of a provider.")
class Credential(Node):
    credential_type = classified("credential_type", BUSINESS, "business", enums.CredentialType)
    credential_number = classified("credential_number", BUSINESS, "business", str)
    issuing_authority = classified("issuing_authority", BUSINESS, "business", str)
    issuing_state = classified("issuing_state", BUSINESS, "business", str)
    issue_date = classified("issue_date", BUSINESS, "business", date)
    expiration_date = classified("expiration_date", BUSINESS, "business", date)
    status = classified("status", BUSINESS, "business", enums.CredentialStatus)
    verification_date = classified("verification_date", BUSINESS, "business", date)

    @staticmethod
    def field_view(principal, row, today) -> FieldView:
        return FieldView(type="Credential")

    @strawberry.field
    @relation(ld.ProviderByIdLoader, "provider_id")
    async def provider(self, info: Info) -> Provider | None:
        row = await info.context.loader(ld.ProviderByIdLoader).load(self._row["provider_id"])
        return build_optional(Provider, row)


@strawberry.type(description="A fee-schedule entry: what the contract allows for a procedure.")
class FeeScheduleItem:
    procedure_code: str
    allowed_amount: Decimal


@strawberry.type(description="A provider's network contract with its fee schedule.")
class Contract(Node):
    contract_number = classified("contract_number", BUSINESS, "business", str)
    contract_type = classified("contract_type", BUSINESS, "business", enums.ContractType)
    effective_date = classified("effective_date", BUSINESS, "business", date)
    termination_date = classified("termination_date", BUSINESS, "business", date)
    renewal_date = classified("renewal_date", BUSINESS, "business", date)
    status = classified("status", BUSINESS, "business", enums.ContractStatus)
    reimbursement_method = classified(
        "reimbursement_method", BUSINESS, "business", enums.ReimbursementMethod
    )

    @staticmethod
    def field_view(principal, row, today) -> FieldView:
        return FieldView(type="Contract")

    @strawberry.field
    @relation(ld.ProviderByIdLoader, "provider_id")
    async def provider(self, info: Info) -> Provider | None:
        row = await info.context.loader(ld.ProviderByIdLoader).load(self._row["provider_id"])
        return build_optional(Provider, row)

    @strawberry.field(description="Allowed amount per procedure code. Field class: business.")
    async def fee_schedule(self, info: Info) -> list[FeeScheduleItem]:
        rows = await info.context.loader(ld.FeeScheduleByContractIdLoader).load(self.db_id)
        return [
            FeeScheduleItem(procedure_code=r["procedure_code"], allowed_amount=r["allowed_amount"])
            for r in rows
        ]
