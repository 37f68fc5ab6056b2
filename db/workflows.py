"""Writes of the claim workflows: optimistic updates, the timeline, the outbox."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.engine import RowMapping

from db.contract_terms import in_force
from db.tables import (
    claim_events,
    claim_lines,
    claims,
    contracts,
    fee_schedule_items,
    outbox_events,
    policies,
    providers,
)


async def claim_lines_of(conn, claim_id: UUID) -> list[RowMapping]:
    result = await conn.execute(
        select(claim_lines)
        .where(claim_lines.c.claim_id == claim_id)
        .order_by(claim_lines.c.line_number)
    )
    return list(result.mappings())


async def pricing(
    conn, *, provider_id: UUID, service_date: date
) -> tuple[bool, dict[str, Decimal]]:
    """(in network?, fee schedule) for a provider on a date: an active contract of its own
    or of its group, and an in-network provider."""
    provider = (
        (
            await conn.execute(
                select(providers.c.id, providers.c.parent_id, providers.c.network_status).where(
                    providers.c.id == provider_id
                )
            )
        )
        .mappings()
        .one()
    )
    rows = await conn.execute(
        select(fee_schedule_items.c.procedure_code, fee_schedule_items.c.allowed_amount)
        .join(contracts, contracts.c.id == fee_schedule_items.c.contract_id)
        .where(active_contract(_owners(provider), service_date))
    )
    schedule = {code: amount for code, amount in rows}
    in_network = provider["network_status"] == "in_network" and bool(schedule)
    return in_network, schedule


def _owners(provider: RowMapping) -> list[UUID]:
    """A provider and the group it practises in: a group's contract covers its practitioners."""
    return [provider["id"]] + ([provider["parent_id"]] if provider["parent_id"] else [])


def active_contract(owners: list[UUID], service_date: date):
    """The condition for a contract of one of `owners` in force on `service_date` (an active
    one, or one since ended whose term covers the day: db/contract_terms.py)."""
    return and_(contracts.c.provider_id.in_(owners), in_force(service_date))


async def policy_for_update(conn, policy_id: UUID) -> RowMapping:
    """The policy, locked: two adjudications under one policy settle its accumulators in
    turn, and one renewal of it happens at a time."""
    result = await conn.execute(
        select(policies).where(policies.c.id == policy_id).with_for_update()
    )
    return result.mappings().one()


async def update_claim(
    conn, *, claim_id: UUID, version: int, values: dict[str, Any]
) -> RowMapping | None:
    """Apply `values` if the claim is still at `version`; None when someone got there first."""
    result = await conn.execute(
        update(claims)
        .where(claims.c.id == claim_id, claims.c.version == version)
        .values(**values, version=claims.c.version + 1, updated_at=func.now())
        .returning(claims)
    )
    return result.mappings().first()


async def update_line(conn, *, line_id: UUID, allowed: Decimal, paid: Decimal) -> None:
    await conn.execute(
        update(claim_lines)
        .where(claim_lines.c.id == line_id)
        .values(allowed_amount=allowed, paid_amount=paid)
    )


async def add_event(
    conn,
    *,
    claim_id: UUID,
    actor_id: UUID | None,
    action: str,
    old: str | None,
    new: str | None,
    details: dict | None = None,
) -> None:
    await conn.execute(
        insert(claim_events).values(
            claim_id=claim_id,
            actor_id=actor_id,
            action=action,
            old_status=old,
            new_status=new,
            details=details,
        )
    )


async def publish(conn, *, topic: str, payload: dict) -> int:
    """An outbox event, committed with the change it describes; returns its sequence number."""
    result = await conn.execute(
        insert(outbox_events).values(topic=topic, payload=payload).returning(outbox_events.c.seq)
    )
    return int(result.scalar_one())


async def specialty_of(conn, provider_id: UUID) -> str | None:
    result = await conn.execute(
        select(providers.c.primary_specialty).where(providers.c.id == provider_id)
    )
    return result.scalar_one_or_none()


async def add_payment(
    conn, *, claim: RowMapping, amount: Decimal, method: str, confirmation: str | None
) -> RowMapping:
    """A completed claim payment to the provider, numbered PAY-########."""
    return await completed_payment(
        conn, claim=claim, amount=amount, method=method, confirmation=confirmation,
        payer_type="system", payee_type="provider", payee_id=claim["provider_id"],
        payment_type="claim_reimbursement",
    )  # fmt: skip


async def completed_payment(
    conn, *, claim: RowMapping, amount: Decimal, method: str, confirmation: str | None,
    **parties: Any,
) -> RowMapping:  # fmt: skip
    """A completed payment on a claim, numbered PAY-########; `parties` says who pays whom,
    and what for (payer and payee types and ids, payment type, description)."""
    from db.tables import payments

    number = await _next_number(conn, "payment_number_seq", "PAY")
    result = await conn.execute(
        insert(payments)
        .values(
            payment_number=number,
            policy_id=claim["policy_id"],
            claim_id=claim["id"],
            amount=amount,
            payment_method=method,
            confirmation_number=confirmation,
            status="completed",
            payment_date=func.now(),
            processed_date=func.now(),
            **parties,
        )  # fmt: skip
        .returning(payments)
    )
    return result.mappings().one()


async def open_appeal_statuses(conn, claim_id: UUID) -> list[str]:
    from db.tables import appeals

    result = await conn.execute(select(appeals.c.status).where(appeals.c.claim_id == claim_id))
    return list(result.scalars())


async def add_appeal(
    conn,
    *,
    claim_id: UUID,
    filed_by: UUID,
    reason: str,
    urgency: str,
    requested_amount: Decimal | None,
    due_at,
    additional_information: str | None = None,
) -> RowMapping:

    from db.tables import appeals

    number = await _next_number(conn, "appeal_number_seq", "APL")
    result = await conn.execute(
        insert(appeals)
        .values(
            appeal_number=number,
            claim_id=claim_id,
            filed_by=filed_by,
            appeal_reason=reason,
            urgency=urgency,
            requested_amount=requested_amount,
            additional_information=additional_information,
            due_at=due_at,
            status="submitted",
        )  # fmt: skip
        .returning(appeals)
    )
    return result.mappings().one()


async def update_appeal(conn, *, appeal_id: UUID, version: int, values: dict) -> RowMapping | None:
    from db.tables import appeals

    result = await conn.execute(
        update(appeals)
        .where(appeals.c.id == appeal_id, appeals.c.version == version)
        .values(**values, version=appeals.c.version + 1, updated_at=func.now())
        .returning(appeals)
    )
    return result.mappings().first()


async def status_before_appeal(conn, claim_id: UUID) -> str | None:
    """The claim's status when its latest appeal was filed, from the timeline."""
    result = await conn.execute(
        select(claim_events.c.old_status)
        .where(claim_events.c.claim_id == claim_id, claim_events.c.action == "appeal_filed")
        .order_by(claim_events.c.created_at.desc())
        .limit(1)
    )
    return result.scalar_one_or_none()


async def claim_row(conn, claim_id: UUID) -> RowMapping:
    result = await conn.execute(select(claims).where(claims.c.id == claim_id))
    return result.mappings().one()


async def _next_number(conn, sequence: str, prefix: str) -> str:
    """The next readable number (APL-, PAY-, ...) from its migration-made sequence."""
    from sqlalchemy import text

    from domain.identifiers import record_number

    value = (await conn.execute(text(f"SELECT nextval('{sequence}')"))).scalar_one()
    return record_number(prefix, value)
