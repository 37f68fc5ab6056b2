"""Root lookups and lists of the organisations: providers, their credentials and contracts,
and employers (the root Query in graph/queries.py composes these)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from graph.context import Info
from graph.employer.types import Employer
from graph.filter_inputs import (
    ContractFilter,
    CredentialFilter,
    EmployerFilter,
    ProviderFilter,
)
from graph.filters import (
    CONTRACTS,
    CREDENTIALS,
    EMPLOYERS,
    PROVIDERS,
    contract_filter,
    credential_filter,
    employer_filter,
    provider_filter,
)
from graph.lookup import by_global_id
from graph.provider.types import Contract, Credential, Provider
from graph.relay import Connection
from graph.rows import build

_LOOKUP = "; NOT_FOUND when there is none or you may not see it (the same answer for both)."
_NARROW = " that match every field given; a field your role may not read is refused (FORBIDDEN)."


def _id(of: str):
    return strawberry.argument(description=f"The {of}'s global id, as its `id` field gives it.")


ProviderId = Annotated[strawberry.ID, _id("provider")]
CredentialId = Annotated[strawberry.ID, _id("credential")]
ContractId = Annotated[strawberry.ID, _id("contract")]
EmployerId = Annotated[strawberry.ID, _id("employer")]
ProviderFilterArg = Annotated[
    ProviderFilter | None,
    strawberry.argument(description="Only the providers" + _NARROW),
]
CredentialFilterArg = Annotated[
    CredentialFilter | None,
    strawberry.argument(description="Only the credentials" + _NARROW),
]
ContractFilterArg = Annotated[
    ContractFilter | None,
    strawberry.argument(description="Only the contracts" + _NARROW),
]
EmployerFilterArg = Annotated[
    EmployerFilter | None,
    strawberry.argument(description="Only the employers" + _NARROW),
]


@strawberry.type
class OrganisationQueries:
    # --- providers, credentials, contracts ---
    @strawberry.field(
        description="One provider (a practitioner, group or facility) by global id" + _LOOKUP
    )
    async def provider(self, info: Info, id: ProviderId) -> Provider:
        return await by_global_id(info, id, expected="Provider")

    @strawberry.field(
        description="The provider directory as your role may see it, in NPI order. Most roles "
        "read only its public fields (name, NPI, specialty, network status). Search it with "
        "`filter`: by name, ZIP code or three-digit ZIP area, language, new patients and "
        "telehealth."
    )
    async def providers(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: ProviderFilterArg = None,
    ) -> Connection[Provider]:
        extra = provider_filter(filter)
        return await PROVIDERS.top_level(
            info.context, lambda r: build(Provider, r), first=first, after=after, extra=extra
        )

    @strawberry.field(
        description="One provider credential (licence, board certification, DEA registration, "
        "...) by global id" + _LOOKUP
    )
    async def credential(self, info: Info, id: CredentialId) -> Credential:
        return await by_global_id(info, id, expected="Credential")

    @strawberry.field(
        description="Provider credentials you may see (plan staff: all; provider staff: their "
        "organisation's; a regulator: those in its state), oldest record first."
    )
    async def credentials(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: CredentialFilterArg = None,
    ) -> Connection[Credential]:
        extra = credential_filter(filter)
        return await CREDENTIALS.top_level(
            info.context, lambda r: build(Credential, r), first=first, after=after, extra=extra
        )

    @strawberry.field(description="One network contract with a provider by global id" + _LOOKUP)
    async def contract(self, info: Info, id: ContractId) -> Contract:
        return await by_global_id(info, id, expected="Contract")

    @strawberry.field(
        description="Network contracts you may see (plan staff: all; provider staff: "
        "their organisation's; a regulator: those in its state), in contract-number order."
    )
    async def contracts(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: ContractFilterArg = None,
    ) -> Connection[Contract]:
        extra = contract_filter(filter)
        return await CONTRACTS.top_level(
            info.context, lambda r: build(Contract, r), first=first, after=after, extra=extra
        )

    # --- employers ---
    @strawberry.field(description="One employer group by global id" + _LOOKUP)
    async def employer(self, info: Info, id: EmployerId) -> Employer:
        return await by_global_id(info, id, expected="Employer")

    @strawberry.field(
        description="Employer groups you may see (plan staff: all; an employer or a member: "
        "their own; a regulator: those in its state), in company-name order."
    )
    async def employers(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: EmployerFilterArg = None,
    ) -> Connection[Employer]:
        extra = employer_filter(filter)
        return await EMPLOYERS.top_level(
            info.context, lambda r: build(Employer, r), first=first, after=after, extra=extra
        )
