"""Claims the provider corrects: a replacement (X12 837 frequency code 7) or a void (8) of a
claim filed before. Which claims may be corrected, that a replacement bills the same care
for the same patient, and how the money already paid is settled."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from domain import lifecycle
from domain.enums import ClaimStatus
from domain.errors import DomainError, IllegalTransition

ZERO = Decimal("0.00")


class NotCorrectable(IllegalTransition):
    """The claim cannot be replaced or voided now; the message says why in the claim's terms."""

    def __init__(self, current: ClaimStatus, requested: ClaimStatus, why: str) -> None:
        super().__init__("claim", current, requested)
        self.template = why
        self.args = (self.render(lambda member: str(member.value)),)


def check_correctable(current: str, requested: ClaimStatus) -> None:
    """Whether a claim at `current` may become REPLACED or VOIDED; NotCorrectable if not."""
    status = ClaimStatus(current)
    try:
        lifecycle.move_claim(status, requested)
    except IllegalTransition:
        if status is ClaimStatus.APPEALED:
            why = ("An appeal of this claim is open or waits for the claim to be decided "
                   "again: it cannot be corrected or voided until that ends.")  # fmt: skip
        else:
            why = "A claim that is {current} was corrected or voided already: it is final."
        raise NotCorrectable(status, requested, why) from None


def check_same_patient(
    *,
    original: tuple[UUID, UUID | None],
    corrected: tuple[UUID | None, UUID | None],
    field: str = "claim",
) -> None:
    """A replacement bills care for the patient of the claim it replaces: to bill another
    patient, void the claim and file a new one."""
    if corrected != original:
        raise DomainError(
            "A corrected claim is for the same patient as the claim it replaces; to bill "
            "another patient, void the claim and file a new one.",
            field=f"{field}.memberNumber",
        )


@dataclass(frozen=True, slots=True)
class Settlement:
    """What settling a claim moves: the plan pays `pay` to the provider, or recoups `recoup`
    from it; never both."""

    pay: Decimal
    recoup: Decimal


def settle(*, payable: Decimal, paid_before: Decimal) -> Settlement:
    """The episode's payments come to what the standing claim pays: the plan pays the
    difference from what it paid on the claims this one replaced, or recoups the excess.
    DomainError when no money would move."""
    difference = payable - paid_before
    if difference == 0:
        why = ("its paid amount is zero." if paid_before == 0 else
               "the claims it replaced were paid this amount already.")  # fmt: skip
        raise DomainError(f"Nothing is payable on this claim: {why}", field="claimId")
    if difference > 0:
        return Settlement(pay=difference, recoup=ZERO)
    return Settlement(pay=ZERO, recoup=-difference)


def recoupment_on_void(paid_before: Decimal) -> Decimal:
    """A voided claim keeps nothing: all that was paid for it (and for the claims it
    replaced) is recouped."""
    return max(paid_before, ZERO)
