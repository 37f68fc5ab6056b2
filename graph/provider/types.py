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


def _business(column: str, python_type: Any, description: str):
    return classified(column, BUSINESS, "business", python_type, description=description)


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
    provider_type = _public(
        "provider_type",
        enums.ProviderType,
        description="INDIVIDUAL (a practitioner), GROUP (a practice its practitioners belong to) "
        "or FACILITY (a hospital, imaging center, pharmacy and the like).",
    )
    first_name = _public(
        "first_name", description="A practitioner's first name; null for a group or facility."
    )
    last_name = _public(
        "last_name", description="A practitioner's last name; null for a group or facility."
    )
    credential_titles = _public(
        "credentials", description="Professional titles after the name (MD, DO, NP...)."
    )
    organization_name = _public(
        "organization_name",
        description="The name of a group or facility; a practitioner usually has none.",
    )
    primary_specialty = _public(
        "primary_specialty",
        description="The main specialty, as the directory lists it (e.g. Family Medicine, "
        "Psychiatry). A primary care specialty gives an office visit the policy's primary care "
        "copay, any other the specialist copay.",
    )
    secondary_specialties = _public(
        "secondary_specialties",
        list[str],
        description="Further specialties, for the directory; empty when none.",
    )
    phone = _public("phone", description="The office phone number.")
    fax = _public("fax", description="The office fax number; null when none is listed.")
    email = _public("email", description="The office email address.")
    website = _public("website", description="The provider's website; null when none is listed.")
    address_line1 = _public("address_line1", description="Street address of the practice location.")
    address_line2 = _public(
        "address_line2", description="Suite, floor or building; null when none."
    )
    city = _public("city", description="City of the practice location.")
    state = _public(
        "state",
        description="Two-letter US state code of the practice location. A regulator sees the "
        "claims of the providers in its state.",
    )
    zip_code = _public(
        "zip_code", description="ZIP code of the practice location: five digits, or ZIP+4."
    )
    network_status = _public(
        "network_status",
        enums.NetworkStatus,
        description="IN_NETWORK: its claims are priced by the fee schedule of its (or its group's) "
        "active contract. OUT_OF_NETWORK or PENDING (not yet decided): priced at the plan's "
        "out-of-network percentage of billed.",
    )
    accepting_new_patients = _public(
        "accepting_new_patients",
        bool,
        description="Whether the provider takes new patients, for the directory.",
    )
    languages_spoken = _public(
        "languages_spoken",
        list[str],
        description="Languages spoken with patients, e.g. English, Spanish.",
    )
    wheelchair_accessible = _public(
        "wheelchair_accessible",
        bool,
        description="Whether the practice location is wheelchair accessible.",
    )
    telehealth_available = _public(
        "telehealth_available",
        bool,
        description="Whether the provider offers visits by video or phone.",
    )
    status = _public(
        "status",
        enums.ProviderStatus,
        description="ACTIVE, INACTIVE or SUSPENDED. Only an active provider can bill: a claim from "
        "another is refused.",
    )
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

    @strawberry.field(
        description="The provider's network contracts, latest effective date first; empty "
        "for those who may not see them (only plan staff, regulators in its state and the "
        "provider itself do)."
    )
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
        filter: Annotated[
            ClaimFilter | None,
            strawberry.argument(description="Narrow the claims; every given field must match."),
        ] = None,
        order_by: Annotated[
            ClaimOrder | None,
            strawberry.argument(
                description="How to sort them: the latest filed first unless told."
            ),
        ] = None,
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
    credential_type = classified(
        "credential_type",
        BUSINESS,
        "business",
        enums.CredentialType,
        description="What it is: a medical licence, a board certification, a DEA registration "
        "(to prescribe controlled substances), malpractice insurance or hospital privileges.",
    )
    credential_number = _business(
        "credential_number",
        str,
        "The number the issuing authority gave it, such as the licence number.",
    )
    issuing_authority = _business(
        "issuing_authority", str, "Who issued it, such as a state medical board."
    )
    issuing_state = _business(
        "issuing_state", str, "Two-letter US state code where it was issued; null when none."
    )
    issue_date = _business("issue_date", date, "The day it was issued; never in the future.")
    expiration_date = _business(
        "expiration_date",
        date,
        "The last day it is in force; null when it does not expire. A claim passes the "
        "credentialing check only with a VERIFIED credential in force on its service date.",
    )
    status = _business(
        "status",
        enums.CredentialStatus,
        "PENDING (on file, not yet checked with the issuing authority), VERIFIED (checked), "
        "EXPIRED (verified again once renewed) or REVOKED (final).",
    )
    verification_date = _business(
        "verification_date",
        date,
        "The day the plan last verified it with the issuing authority; null until then.",
    )

    @staticmethod
    def field_view(principal, row, today) -> FieldView:
        return FieldView(type="Credential")

    @strawberry.field(description="The provider that holds the credential.")
    @relation(ld.ProviderByIdLoader, "provider_id")
    async def provider(self, info: Info) -> Provider | None:
        row = await info.context.loader(ld.ProviderByIdLoader).load(self._row["provider_id"])
        return build_optional(Provider, row)


@strawberry.type(description="A fee-schedule entry: what the contract allows for a procedure.")
class FeeScheduleItem:
    procedure_code: str = strawberry.field(
        description="A CPT, HCPCS or CDT procedure code, upper case."
    )
    allowed_amount: Decimal = strawberry.field(
        description="What the contract allows per unit of the procedure, in US dollars: an "
        "in-network claim line is allowed this times its units, at most its charge."
    )


@strawberry.type(description="A provider's network contract with its fee schedule.")
class Contract(Node):
    contract_number = _business(
        "contract_number", str, "The plan's contract number, CTR- and eight digits."
    )
    contract_type = _business(
        "contract_type",
        enums.ContractType,
        "Whom it is made with: INDIVIDUAL (a practitioner), GROUP (a group practice, whose "
        "contract also prices its practitioners' claims) or FACILITY.",
    )
    effective_date = _business(
        "effective_date", date, "The first service date whose claims it prices."
    )
    termination_date = _business(
        "termination_date",
        date,
        "The first service date it no longer prices (claims for care from that day on are "
        "out of network; care before it is still priced under the contract after it ends); "
        "null when open-ended, and for a draft terminated before it ever priced.",
    )
    renewal_date = _business(
        "renewal_date",
        date,
        "When the contract comes up for renewal, after its effective date; a reminder for "
        "the plan: it ends nothing by itself. Null when none is set.",
    )
    status = _business(
        "status",
        enums.ContractStatus,
        "DRAFT (not yet in force), ACTIVE (prices claims between its dates; a provider has at "
        "most one active contract at a time), EXPIRED or TERMINATED.",
    )
    reimbursement_method = _business(
        "reimbursement_method",
        enums.ReimbursementMethod,
        "How the provider is paid under it: FEE_FOR_SERVICE (per service, by the fee "
        "schedule, which it must have), CAPITATION, BUNDLED or VALUE_BASED.",
    )

    @staticmethod
    def field_view(principal, row, today) -> FieldView:
        return FieldView(type="Contract")

    @strawberry.field(description="The provider the contract is with.")
    @relation(ld.ProviderByIdLoader, "provider_id")
    async def provider(self, info: Info) -> Provider | None:
        row = await info.context.loader(ld.ProviderByIdLoader).load(self._row["provider_id"])
        return build_optional(Provider, row)

    @strawberry.field(
        description="The contract's fee schedule: the allowed amount per procedure code, "
        "used to price in-network claims; a code not listed is priced out of network."
    )
    async def fee_schedule(self, info: Info) -> list[FeeScheduleItem]:
        rows = await info.context.loader(ld.FeeScheduleByContractIdLoader).load(self.db_id)
        return [
            FeeScheduleItem(procedure_code=r["procedure_code"], allowed_amount=r["allowed_amount"])
            for r in rows
        ]
