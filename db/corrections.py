"""The reads and writes of claim corrections: what the plan has paid the provider for one
episode of care (a claim and every claim it replaced), the recoupment of an overpayment, and
the link from a replaced claim to its replacement."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from sqlalchemy import case, func, select, update
from sqlalchemy.engine import RowMapping

from db.tables import claims, payments
from db.workflows import completed_payment


def _episode(claim_id: UUID):
    """The ids of the claim and of every claim it replaced, back to the original."""
    chain = (
        select(claims.c.id, claims.c.replaces_claim_id)
        .where(claims.c.id == claim_id)
        .cte("episode", recursive=True)
    )
    earlier = select(claims.c.id, claims.c.replaces_claim_id).join(
        chain, claims.c.id == chain.c.replaces_claim_id
    )
    return chain.union_all(earlier)


async def paid_for_episode(conn, claim_id: UUID) -> tuple[Decimal, str | None]:
    """(what the plan has paid the provider, net of recoupments, on the claim and the claims
    it replaced; how the latest of those payments was made)."""
    episode = _episode(claim_id)
    paid = (payments.c.payment_type == "claim_reimbursement") & (
        payments.c.payee_type == "provider"
    )
    recouped = (payments.c.payment_type == "refund") & (payments.c.payer_type == "provider")
    signed = case((paid, payments.c.amount), (recouped, -payments.c.amount), else_=0)
    latest = (
        select(payments.c.payment_method)
        .where(payments.c.claim_id.in_(select(episode.c.id)), paid)
        .order_by(payments.c.created_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    result = await conn.execute(
        select(func.coalesce(func.sum(signed), 0), latest).where(
            payments.c.claim_id.in_(select(episode.c.id)), payments.c.status == "completed"
        )
    )
    total, method = result.one()
    return Decimal(total), method


async def add_recoupment(
    conn, *, claim: RowMapping, amount: Decimal, method: str, note: str,
    confirmation: str | None = None,
) -> RowMapping:  # fmt: skip
    """A completed refund from the billing provider to the plan, numbered PAY-########."""
    return await completed_payment(
        conn, claim=claim, amount=amount, method=method, confirmation=confirmation,
        payer_type="provider", payer_id=claim["provider_id"], payee_type="system",
        payment_type="refund", description=note,
    )  # fmt: skip


async def link_replacement(conn, *, original_id: UUID, replacement_id: UUID) -> RowMapping:
    """The replaced claim names its replacement (same transaction as its move to REPLACED,
    which counted as the change of version)."""
    result = await conn.execute(
        update(claims)
        .where(claims.c.id == original_id)
        .values(replaced_by_claim_id=replacement_id)
        .returning(claims)
    )
    return result.mappings().one()
