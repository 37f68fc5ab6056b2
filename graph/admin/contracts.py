"""Admin mutations of network contracts and their fee schedules."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from db import admin as admin_db
from db import workflows as wf
from domain import contracts as rules
from domain.enums import ContractStatus
from domain.errors import DomainError, IllegalTransition
from graph.admin.inputs import CreateContractInput, given
from graph.admin.writes import transaction
from graph.context import Info
from graph.guard import require
from graph.lookup import by_global_id
from graph.provider.types import Contract
from graph.results import IllegalStatusChange, InvalidInput, illegal, invalid
from graph.rows import build
from policies import resources as res


@strawberry.type(description="The contract as saved, with its fee schedule.")
class ContractSaved:
    contract: Contract = strawberry.field(
        description="The contract with its number (CTR- and eight digits) and status."
    )
    event_sequence: int = strawberry.field(description="The outbox cursor of this change.")


CreateContractResult = Annotated[
    ContractSaved | InvalidInput, strawberry.union("CreateContractResult")
]
TerminateContractResult = Annotated[
    ContractSaved | InvalidInput | IllegalStatusChange,
    strawberry.union("TerminateContractResult"),
]


async def _publish(db, row) -> int:
    return await wf.publish(db, topic="contract.changed", payload={
        "contract_id": str(row["id"]), "provider_id": str(row["provider_id"]),
        "status": row["status"],
    })  # fmt: skip


@strawberry.type
class ContractAdminMutations:
    @strawberry.mutation(
        description="Sign a network contract with its fee schedule (admins). A provider has "
        "at most one active contract at a time."
    )
    async def create_contract(
        self,
        info: Info,
        input: Annotated[
            CreateContractInput,
            strawberry.argument(description="The contract, its provider and fee schedule."),
        ],
    ) -> CreateContractResult:
        ctx = info.context
        provider = await by_global_id(info, input.provider_id, expected="Provider")
        values = given(input) | {"provider_id": provider.db_id}
        draft = values.pop("draft")
        values["status"] = (ContractStatus.DRAFT if draft else ContractStatus.ACTIVE).value
        require(info, "create", res.Contract(id=None, **values))
        try:
            rules.check_dates(
                effective=input.effective_date,
                termination=input.termination_date,
                renewal=input.renewal_date,
            )
            schedule = rules.fee_schedule(
                [(item.procedure_code, item.allowed_amount) for item in input.fee_schedule],
                required=input.reimbursement_method.value == "fee_for_service",
            )
            values |= {
                "contract_type": input.contract_type.value,
                "reimbursement_method": input.reimbursement_method.value,
                "contract_terms": (input.contract_terms or "").strip() or None,
                "created_by": ctx.principal.user_id,
            }
            async with transaction(ctx) as db:
                if not draft:
                    # the provider row is the lock: its new contracts are checked in turn
                    await admin_db.provider_row(db, provider.db_id, lock=True)
                    active = await admin_db.active_contract_terms(db, provider_id=provider.db_id)
                    rules.check_single_active(
                        rules.Term(input.effective_date, input.termination_date),
                        [rules.Term(start, end) for start, end in active],
                    )
                row, items = await admin_db.insert_contract(db, values=values, schedule=schedule)
                sequence = await _publish(db, row)
                ctx.audit.event(
                    "create_contract", "Contract", row["id"],
                    fields=sorted(values) + (["fee_schedule"] if items else []),
                    new_values={"status": row["status"], "provider_id": str(row["provider_id"]),
                                "fee_schedule_items": len(items)},
                )  # fmt: skip
        except DomainError as exc:
            return invalid(exc)
        return ContractSaved(contract=build(Contract, row), event_sequence=sequence)

    @strawberry.mutation(
        description="Terminate a contract (admins): it prices no claim from then on; the "
        "termination date comes after its effective date."
    )
    async def terminate_contract(
        self,
        info: Info,
        contract_id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The draft or active contract to terminate."),
        ],
        termination_date: Annotated[
            date,
            strawberry.argument(
                description="First day the contract no longer prices claims; after its "
                "effective date. Care given before it is still priced under the contract. A "
                "draft never priced: it is terminated with no termination date, whatever is "
                "given."
            ),
        ],
        reason: Annotated[
            str | None,
            strawberry.argument(
                description="Why; added to the contract's terms as 'Terminated: <reason>'."
            ),
        ] = None,
    ) -> TerminateContractResult:
        ctx = info.context
        contract = await by_global_id(info, contract_id, expected="Contract")
        require(info, "terminate", res.Contract(**contract._row))
        try:
            async with transaction(ctx) as db:
                current = await admin_db.contract_row(db, contract.db_id)
                rules.move(current["status"], ContractStatus.TERMINATED)
                termination_date = rules.termination_for(
                    current["status"], effective=current["effective_date"],
                    requested=termination_date,
                )  # fmt: skip
                values = {"status": ContractStatus.TERMINATED.value,
                          "termination_date": termination_date}  # fmt: skip
                if reason is not None and reason.strip():
                    note = f"Terminated: {reason.strip()}"
                    terms = current["contract_terms"]
                    values["contract_terms"] = f"{terms}\n{note}" if terms else note
                row = await admin_db.update_contract(db, contract_id=current["id"], values=values)
                sequence = await _publish(db, row)
                ctx.audit.event(
                    "terminate_contract", "Contract", row["id"], fields=sorted(values),
                    old_values={"status": current["status"],
                                "termination_date": _iso(current["termination_date"])},
                    new_values={"status": row["status"],
                                "termination_date": _iso(termination_date)},
                )  # fmt: skip
        except IllegalTransition as exc:
            return illegal(exc)
        except DomainError as exc:
            return invalid(exc)
        return ContractSaved(contract=build(Contract, row), event_sequence=sequence)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
