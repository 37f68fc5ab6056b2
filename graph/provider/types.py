"""Providers (practitioners, groups, facilities), their credentials and contracts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import strawberry

from domain.masking import last_four
from graph import enums
from graph import loaders as ld
from graph.claim.inputs import ClaimFilter, ClaimOrder, claim_filter, claim_listing
from graph.context import Info
from graph.relay import Connection, Node
from graph.rows import build, build_optional

if TYPE_CHECKING:
    from graph.claim.types import Claim

ClaimRef = Annotated["Claim", strawberry.lazy("graph.claim.types")]


@strawberry.type(description="A practitioner, a group of practitioners or a facility.")
class Provider(Node):
    npi: str
    provider_type: enums.ProviderType
    first_name: str | None
    last_name: str | None
    credential_titles: str | None = strawberry.field(
        description="Professional titles after the name (MD, DO, NP, LCSW...)."
    )
    organization_name: str | None
    primary_specialty: str | None
    secondary_specialties: list[str]
    phone: str | None
    fax: str | None
    email: str | None
    website: str | None
    address_line1: str | None
    address_line2: str | None
    city: str | None
    state: str | None
    zip_code: str | None
    network_status: enums.NetworkStatus
    accepting_new_patients: bool
    languages_spoken: list[str]
    wheelchair_accessible: bool
    telehealth_available: bool
    status: enums.ProviderStatus
    parent_id: strawberry.Private[UUID | None]
    tax_id_value: strawberry.Private[str | None]

    @strawberry.field(description="Display name: the organisation, or the practitioner's name.")
    def name(self) -> str:
        if self.organization_name:
            return self.organization_name
        parts = [self.first_name, self.last_name]
        name = " ".join(p for p in parts if p)
        return f"{name}, {self.credential_titles}" if self.credential_titles else name

    @strawberry.field(description="Tax id, masked to the last four digits.")
    def tax_id(self) -> str | None:
        return last_four(self.tax_id_value)

    @strawberry.field(description="The group this practitioner belongs to.")
    async def group(self, info: Info) -> Provider | None:
        if self.parent_id is None:
            return None
        row = await info.context.loader(ld.ProviderByIdLoader).load(self.parent_id)
        return build_optional(Provider, row)

    @strawberry.field(description="The practitioners of this group.")
    async def practitioners(self, info: Info) -> list[Provider]:
        rows = await info.context.loader(ld.PractitionersByGroupIdLoader).load(self.db_id)
        return [build(Provider, r) for r in rows]

    @strawberry.field
    async def credentials(self, info: Info) -> list[Credential]:
        rows = await info.context.loader(ld.CredentialsByProviderIdLoader).load(self.db_id)
        return [build(Credential, r) for r in rows]

    @strawberry.field
    async def contracts(self, info: Info) -> list[Contract]:
        rows = await info.context.loader(ld.ContractsByProviderIdLoader).load(self.db_id)
        return [build(Contract, r) for r in rows]

    @strawberry.field(description="Claims this provider submitted.")
    async def claims(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: ClaimFilter | None = None,
        order_by: ClaimOrder | None = None,
    ) -> Connection[ClaimRef]:
        from graph.claim.types import Claim

        listing = claim_listing(order_by)
        request = listing.request(
            info.context, first=first, after=after, extra=claim_filter(filter)
        )
        page = await info.context.loader(ld.ClaimPagesByProviderIdLoader).load(
            (self.db_id, request)
        )
        return listing.from_page(page, lambda r: build(Claim, r), request=request)


@strawberry.type(description="A licence, certification or other credential of a provider.")
class Credential(Node):
    credential_type: enums.CredentialType
    credential_number: str | None
    issuing_authority: str | None
    issuing_state: str | None
    issue_date: date | None
    expiration_date: date | None
    status: enums.CredentialStatus
    verification_date: date | None
    provider_id: strawberry.Private[UUID]

    @strawberry.field
    async def provider(self, info: Info) -> Provider | None:
        row = await info.context.loader(ld.ProviderByIdLoader).load(self.provider_id)
        return build_optional(Provider, row)


@strawberry.type(description="A fee-schedule entry: what the contract allows for a procedure.")
class FeeScheduleItem:
    procedure_code: str
    allowed_amount: Decimal


@strawberry.type(description="A provider's network contract with its fee schedule.")
class Contract(Node):
    contract_number: str
    contract_type: enums.ContractType
    effective_date: date
    termination_date: date | None
    renewal_date: date | None
    status: enums.ContractStatus
    reimbursement_method: enums.ReimbursementMethod
    provider_id: strawberry.Private[UUID]

    @strawberry.field
    async def provider(self, info: Info) -> Provider | None:
        row = await info.context.loader(ld.ProviderByIdLoader).load(self.provider_id)
        return build_optional(Provider, row)

    @strawberry.field(description="Allowed amount per procedure code.")
    async def fee_schedule(self, info: Info) -> list[FeeScheduleItem]:
        rows = await info.context.loader(ld.FeeScheduleByContractIdLoader).load(self.db_id)
        return [
            FeeScheduleItem(procedure_code=r["procedure_code"], allowed_amount=r["allowed_amount"])
            for r in rows
        ]
