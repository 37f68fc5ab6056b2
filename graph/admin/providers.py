"""Admin mutations of the provider directory: providers and their credentials."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

import strawberry

from db import admin as admin_db
from db import workflows as wf
from domain import credentialing, organisations
from domain.errors import DomainError, IllegalTransition
from graph import enums
from graph.admin.inputs import (
    PROVIDER_COLUMNS,
    UNSET,
    AddCredentialInput,
    CreateProviderInput,
    UpdateProviderInput,
    camel,
    given,
)
from graph.admin.writes import audited, changes, referenced, transaction
from graph.context import Info
from graph.guard import require
from graph.lookup import by_global_id
from graph.provider.types import Credential, Provider
from graph.results import IllegalStatusChange, InvalidInput, illegal, invalid
from graph.rows import build
from policies import resources as res

_FIELDS = camel(
    {name: name for name in ("npi", "tax_id", "state", "zip_code", "email", "primary_specialty")}
)
_REQUIRED = frozenset({"npi", "primary_specialty", "network_status", "status",
                       "accepting_new_patients", "wheelchair_accessible",
                       "telehealth_available"})  # fmt: skip


@strawberry.type(description="The provider as saved.")
class ProviderSaved:
    provider: Provider = strawberry.field(description="The provider with the change applied.")
    event_sequence: int = strawberry.field(description="The outbox cursor of this change.")


@strawberry.type(description="The credential as saved.")
class CredentialSaved:
    credential: Credential = strawberry.field(
        description="The credential with its status and dates as now on file."
    )
    event_sequence: int = strawberry.field(
        description="The outbox cursor of this change (a provider.changed event)."
    )


ProviderResult = Annotated[ProviderSaved | InvalidInput, strawberry.union("ProviderResult")]
AddCredentialResult = Annotated[
    CredentialSaved | InvalidInput, strawberry.union("AddCredentialResult")
]
UpdateCredentialStatusResult = Annotated[
    CredentialSaved | InvalidInput | IllegalStatusChange,
    strawberry.union("UpdateCredentialStatusResult"),
]


async def _parent(info: Info, parent_id) -> tuple[UUID | None, str | None]:
    """(id, provider type) of the group an input names; (None, None) for none."""
    if parent_id is None:
        return None, None
    parent = await referenced(info, parent_id, expected="Provider", field="parentId")
    return parent["id"], parent["provider_type"]


async def _publish(db, row, change: str) -> int:
    return await wf.publish(db, topic="provider.changed", payload={
        "provider_id": str(row["id"]), "change": change, "status": row["status"],
        "network_status": row["network_status"],
    })  # fmt: skip


async def _publish_credential(db, row, change: str) -> int:
    """A credential change is news about its provider (credentialed or not)."""
    return await wf.publish(db, topic="provider.changed", payload={
        "provider_id": str(row["provider_id"]), "change": change,
        "credential_id": str(row["id"]), "credential_status": row["status"],
    })  # fmt: skip


@strawberry.type
class ProviderAdminMutations:
    @strawberry.mutation(
        description="Add a practitioner, group or facility to the directory (admins)."
    )
    async def create_provider(
        self,
        info: Info,
        input: Annotated[
            CreateProviderInput, strawberry.argument(description="The provider to add.")
        ],
    ) -> ProviderResult:
        ctx = info.context
        raw = given(input, columns=PROVIDER_COLUMNS)
        require(info, "create", res.Provider(id=None, parent_id=None, **raw))
        try:
            values = organisations.clean(raw, fields=_FIELDS, required=_REQUIRED)
            values["parent_id"], parent_type = await _parent(info, input.parent_id)
            organisations.check_provider_names(
                input.provider_type.value, first_name=values.get("first_name"),
                last_name=values.get("last_name"),
                organization_name=values.get("organization_name"),
            )  # fmt: skip
            organisations.check_parent(
                provider_type=values["provider_type"], parent_type=parent_type
            )
            async with transaction(ctx) as db:
                row = await admin_db.insert_provider(db, values=values)
                sequence = await _publish(db, row, "created")
                ctx.audit.event(
                    "create_provider", "Provider", row["id"], fields=sorted(values),
                    new_values=audited(row, sorted(values)),
                )  # fmt: skip
        except DomainError as exc:
            return invalid(exc)
        return ProviderSaved(provider=build(Provider, row), event_sequence=sequence)

    @strawberry.mutation(
        description="Change a provider: network status, specialty, group, contact details "
        "(admins). Fields left out stay as they are."
    )
    async def update_provider(
        self,
        info: Info,
        input: Annotated[
            UpdateProviderInput,
            strawberry.argument(description="The provider and the fields to change."),
        ],
    ) -> ProviderResult:
        ctx = info.context
        provider = await by_global_id(info, input.provider_id, expected="Provider")
        require(info, "update", res.Provider(**provider._row))
        try:
            values = organisations.clean(
                given(input, columns=PROVIDER_COLUMNS), fields=_FIELDS, required=_REQUIRED
            )
            if input.parent_id is not UNSET:
                values["parent_id"], parent_type = await _parent(info, input.parent_id)
            async with transaction(ctx) as db:
                current = await admin_db.provider_row(db, provider.db_id, lock=True)
                merged = {**current, **values}
                organisations.check_provider_names(
                    current["provider_type"], first_name=merged["first_name"],
                    last_name=merged["last_name"], organization_name=merged["organization_name"],
                )  # fmt: skip
                if values.get("parent_id") is not None:
                    organisations.check_parent(
                        provider_type=current["provider_type"],
                        parent_type=parent_type,
                        is_self=values["parent_id"] == current["id"],
                    )
                changed = changes(current, values)
                row = await admin_db.update_provider(db, current=current, values=values)
                sequence = await _publish(db, row, "updated")
                ctx.audit.event(
                    "update_provider", "Provider", row["id"], fields=changed,
                    old_values=audited(current, changed), new_values=audited(row, changed),
                )  # fmt: skip
        except DomainError as exc:
            return invalid(exc)
        return ProviderSaved(provider=build(Provider, row), event_sequence=sequence)

    @strawberry.mutation(
        description="Put a licence or certification on a provider's file (admins); it waits "
        "for verification."
    )
    async def add_credential(
        self,
        info: Info,
        input: Annotated[
            AddCredentialInput,
            strawberry.argument(description="The credential and the provider it belongs to."),
        ],
    ) -> AddCredentialResult:
        ctx = info.context
        provider = await by_global_id(info, input.provider_id, expected="Provider")
        values = given(input) | {
            "provider_id": provider.db_id,
            "credential_type": input.credential_type.value,
        }
        require(info, "create", res.Credential(id=None, **values))
        try:
            values = organisations.clean(values, fields={"issuing_state": "issuingState"})
            if values["issuing_state"] is not None:
                values["issuing_state"] = organisations.state(
                    values["issuing_state"], field="issuingState"
                )
            credentialing.check_dates(
                issued=input.issue_date, expires=input.expiration_date, today=ctx.today
            )
            values["status"] = credentialing.initial_status(
                expires=input.expiration_date, today=ctx.today
            ).value
            async with transaction(ctx) as db:
                row = await admin_db.insert_credential(db, values=values)
                sequence = await _publish_credential(db, row, "credential_added")
                ctx.audit.event(
                    "add_credential", "Credential", row["id"], fields=sorted(values),
                    new_values=audited(row, ["credential_type", "status"]),
                )  # fmt: skip
        except DomainError as exc:
            return invalid(exc)
        return CredentialSaved(credential=build(Credential, row), event_sequence=sequence)

    @strawberry.mutation(
        description="Move a credential through its lifecycle (admins): pending → verified | "
        "revoked; verified → expired | revoked; expired → verified (with the renewed "
        "expiration date) | revoked."
    )
    async def update_credential_status(
        self,
        info: Info,
        credential_id: Annotated[
            strawberry.ID, strawberry.argument(description="The credential to move.")
        ],
        status: Annotated[
            enums.CredentialStatus,
            strawberry.argument(description="The status it moves to, as the lifecycle allows."),
        ],
        expiration_date: Annotated[
            date | None,
            strawberry.argument(description="The renewed expiration date, verifying a renewal."),
        ] = None,
        notes: Annotated[
            str | None,
            strawberry.argument(
                description="Replaces the credential's notes (e.g. how it was verified); "
                "left out or blank, they stay."
            ),
        ] = None,
    ) -> UpdateCredentialStatusResult:
        ctx = info.context
        credential = await by_global_id(info, credential_id, expected="Credential")
        require(info, "update", res.Credential(**credential._row))
        try:
            async with transaction(ctx) as db:
                current = await admin_db.credential_row(db, credential.db_id)
                credentialing.move(current["status"], status.value)
                expires = expiration_date or current["expiration_date"]
                values: dict = {"status": status.value}
                if expiration_date is not None:
                    credentialing.check_dates(
                        issued=current["issue_date"], expires=expiration_date, today=ctx.today
                    )
                    values["expiration_date"] = expiration_date
                if status.value == "verified":
                    credentialing.check_verifiable(expires=expires, today=ctx.today)
                    values |= {"verification_date": ctx.today,
                               "verified_by": ctx.principal.user_id}  # fmt: skip
                if notes is not None and notes.strip():
                    values["notes"] = notes.strip()
                row = await admin_db.update_credential(
                    db, credential_id=current["id"], values=values
                )
                sequence = await _publish_credential(db, row, "credential_status")
                ctx.audit.event(
                    "update_credential_status", "Credential", row["id"],
                    fields=sorted(values), old_values={"status": current["status"]},
                    new_values={"status": row["status"]},
                )  # fmt: skip
        except IllegalTransition as exc:
            return illegal(exc)
        except DomainError as exc:
            return invalid(exc)
        return CredentialSaved(credential=build(Credential, row), event_sequence=sequence)
