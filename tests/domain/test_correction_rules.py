"""Corrected and voided claims: which claims may be corrected, and how money settles."""

from decimal import Decimal as D
from uuid import uuid4

import pytest

from domain import claim_corrections as corrections
from domain import lifecycle
from domain.enums import ClaimStatus as C
from domain.errors import DomainError, IllegalTransition


@pytest.mark.parametrize("current", ["submitted", "under_review", "approved",
                                     "partially_approved", "denied", "paid"])  # fmt: skip
@pytest.mark.parametrize("requested", [C.REPLACED, C.VOIDED])
def test_a_claim_not_under_appeal_may_be_corrected_or_voided(current, requested):
    corrections.check_correctable(current, requested)
    assert lifecycle.move_claim(current, requested) is requested


@pytest.mark.parametrize("current", ["appealed", "replaced", "voided"])
def test_an_appealed_or_superseded_claim_may_not(current):
    with pytest.raises(IllegalTransition) as refused:
        corrections.check_correctable(current, C.REPLACED)
    assert (refused.value.current, refused.value.requested) == (current, "replaced")
    assert ("appeal" in str(refused.value)) == (current == "appealed")
    # and a superseded claim goes nowhere else either
    for status in C:
        if current != "appealed":
            with pytest.raises(IllegalTransition):
                lifecycle.move_claim(current, status)


@pytest.mark.parametrize(
    ("payable", "paid_before", "pay", "recoup"),
    [("400.00", "240.00", "160.00", "0.00"), ("80.00", "240.00", "0.00", "160.00"),
     ("0.00", "240.00", "0.00", "240.00"), ("145.00", "0.00", "145.00", "0.00")],
)  # fmt: skip
def test_settling_pays_the_difference_or_recoups_the_excess(payable, paid_before, pay, recoup):
    s = corrections.settle(payable=D(payable), paid_before=D(paid_before))
    assert (s.pay, s.recoup) == (D(pay), D(recoup))
    assert D(paid_before) + s.pay - s.recoup == D(payable)


@pytest.mark.parametrize(("payable", "paid_before"), [("0.00", "0.00"), ("240.00", "240.00")])
def test_nothing_to_settle_is_refused(payable, paid_before):
    with pytest.raises(DomainError) as refused:
        corrections.settle(payable=D(payable), paid_before=D(paid_before))
    assert refused.value.field == "claimId" and "Nothing is payable" in str(refused.value)


def test_a_correction_is_for_the_same_patient():
    member, child = uuid4(), uuid4()
    corrections.check_same_patient(original=(member, child), corrected=(member, child))
    with pytest.raises(DomainError) as refused:
        corrections.check_same_patient(original=(member, child), corrected=(member, None))
    assert refused.value.field == "claim.memberNumber"
    assert corrections.recoupment_on_void(D("240.00")) == D("240.00")
    assert corrections.recoupment_on_void(D("0.00")) == D("0.00")
