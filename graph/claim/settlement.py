"""Money on a claim that may replace others: recordPayment pays the difference from what the
replaced claims were paid, or recoups the excess; a denied correction recoups it all."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from db import corrections as corr
from db import workflows as wf
from domain import claim_corrections as rules
from graph.context import Context

_LESS = "Recouped: the corrected claim allows less than was paid on the claim it replaced."
_DENIED = "Recouped: the corrected claim was denied."
VOIDED = "Recouped: the provider voided the claim."


async def settle_payment(db, ctx: Context, claim: Mapping[str, Any], *, method: str,
                         confirmation: str | None):  # fmt: skip
    """recordPayment's payment row: the claim's paid amount less what the plan paid on the
    claims it replaced, or the refund of what they were paid beyond it. DomainError when
    nothing would move (checked before anything is written)."""
    paid_before, _ = await corr.paid_for_episode(db, claim["id"])
    settlement = rules.settle(payable=claim["paid_amount"], paid_before=paid_before)
    if settlement.pay > 0:
        return await wf.add_payment(db, claim=claim, amount=settlement.pay, method=method,
                                    confirmation=confirmation)  # fmt: skip
    return await recoup(db, ctx, claim, settlement.recoup, method=method, note=_LESS,
                        confirmation=confirmation)  # fmt: skip


async def recoup_on_denial(db, ctx: Context, claim: Mapping[str, Any]) -> None:
    """A corrected claim denied keeps nothing of what the claims it replaced were paid."""
    if claim["replaces_claim_id"] is None:  # an original claim is never paid before a decision
        return
    paid_before, method = await corr.paid_for_episode(db, claim["id"])
    amount = rules.recoupment_on_void(paid_before)
    if amount > 0:
        await recoup(db, ctx, claim, amount, method=method or "eft", note=_DENIED)


async def recoup(db, ctx: Context, claim: Mapping[str, Any], amount: Decimal, *, method: str,
                 note: str, confirmation: str | None = None):  # fmt: skip
    """The refund row from the provider, and its audit row."""
    payment = await corr.add_recoupment(db, claim=claim, amount=amount, method=method,
                                        note=note, confirmation=confirmation)  # fmt: skip
    ctx.audit.event(
        "recoup_payment", "Payment", payment["id"], subject_member_id=claim["member_id"],
        subject_dependent_id=claim["dependent_id"],
        new_values={"claim_number": claim["claim_number"], "payment_type": "refund",
                    "amount": str(amount), "payment_number": payment["payment_number"]},
    )  # fmt: skip
    return payment
