"""Cost sharing, worked by hand: each expected number is computed in the comment above it."""

from decimal import Decimal as D

import pytest

from domain.costshare import Accumulators, Line, Plan, allowed_amounts, share
from domain.errors import DomainError

PLAN = Plan(
    deductible=D("500.00"),
    out_of_pocket_max=D("3000.00"),
    coinsurance_percentage=80,
    out_of_network_percentage=60,
)
SCHEDULE = {"99214": D("150.00"), "85025": D("12.00")}
VISIT = [Line("99214", D("250.00")), Line("85025", D("40.00"))]


def test_in_network_allowed_is_the_fee_schedule_capped_at_billed():
    # 99214: fee 150 < billed 250 -> 150; 85025: fee 12 < billed 40 -> 12
    assert allowed_amounts(VISIT, in_network=True, fee_schedule=SCHEDULE, plan=PLAN) == [
        D("150.00"),
        D("12.00"),
    ]
    # a fee above the charge is capped at the charge: 2 units x 150 = 300 > billed 250
    capped = allowed_amounts(
        [Line("99214", D("250.00"), units=2)], in_network=True, fee_schedule=SCHEDULE, plan=PLAN
    )
    assert capped == [D("250.00")]


def test_out_of_network_allowed_is_the_plan_percentage_of_billed():
    # 60% of 250.00 = 150.00; 60% of 40.00 = 24.00
    assert allowed_amounts(VISIT, in_network=False, fee_schedule=SCHEDULE, plan=PLAN) == [
        D("150.00"),
        D("24.00"),
    ]


def test_the_remaining_deductible_comes_first():
    # allowed 162.00; deductible left 500 - 300 = 200 -> all 162.00 is deductible
    result = share([D("150.00"), D("12.00")], plan=PLAN, met=Accumulators(D("300.00"), D("300.00")))
    assert (result.deductible, result.coinsurance, result.member_responsibility, result.paid) == (
        D("162.00"),
        D("0.00"),
        D("162.00"),
        D("0.00"),
    )
    # met so far: deductible 300 + 162 = 462; out of pocket 300 + 162 = 462
    assert result.accumulators == Accumulators(D("462.00"), D("462.00"))


def test_after_the_deductible_the_member_pays_coinsurance():
    # deductible met; 20% of 162.00 = 32.40 for the member; the plan pays 129.60
    result = share(
        [D("150.00"), D("12.00")], plan=PLAN, met=Accumulators(D("500.00"), D("1000.00"))
    )
    assert (result.coinsurance, result.member_responsibility, result.paid) == (
        D("32.40"),
        D("32.40"),
        D("129.60"),
    )
    # the payment spread over the lines in proportion: 129.60 x 150/162 = 120.00; rest 9.60
    assert result.paid_per_line == (D("120.00"), D("9.60"))


def test_a_deductible_split_across_the_claim():
    # deductible left 100 of allowed 162.00 -> 100.00; 20% of the other 62.00 = 12.40
    # member 112.40, plan 49.60
    result = share([D("150.00"), D("12.00")], plan=PLAN, met=Accumulators(D("400.00"), D("400.00")))
    assert (result.deductible, result.coinsurance, result.member_responsibility, result.paid) == (
        D("100.00"),
        D("12.40"),
        D("112.40"),
        D("49.60"),
    )


def test_the_out_of_pocket_maximum_caps_the_member():
    # only 3000 - 2990 = 10.00 of room left: coinsurance 32.40 is cut to 10.00; plan 152.00
    result = share(
        [D("150.00"), D("12.00")], plan=PLAN, met=Accumulators(D("500.00"), D("2990.00"))
    )
    assert (result.member_responsibility, result.paid) == (D("10.00"), D("152.00"))
    assert result.accumulators.out_of_pocket_met == D("3000.00")


def test_a_copay_replaces_coinsurance():
    # deductible met; a 25.00 copay instead of 20% coinsurance; plan pays 150 - 25 = 125.00
    plan = Plan(D("500.00"), D("3000.00"), 80, 60, copay=D("25.00"))
    result = share([D("150.00")], plan=plan, met=Accumulators(D("500.00"), D("0.00")))
    assert (result.copay, result.coinsurance, result.paid) == (D("25.00"), D("0.00"), D("125.00"))


def test_out_of_network_visit_end_to_end():
    # allowed 60% of 250 = 150.00; deductible met; 20% = 30.00 member; plan 120.00
    allowed = allowed_amounts(
        [Line("99214", D("250.00"))], in_network=False, fee_schedule=SCHEDULE, plan=PLAN
    )
    result = share(allowed, plan=PLAN, met=Accumulators(D("500.00"), D("0.00")))
    assert (result.allowed, result.member_responsibility, result.paid) == (
        D("150.00"),
        D("30.00"),
        D("120.00"),
    )


def test_lines_need_a_charge_and_a_unit():
    with pytest.raises(DomainError):
        allowed_amounts(
            [Line("99214", D("0.00"))], in_network=True, fee_schedule=SCHEDULE, plan=PLAN
        )


def test_preventive_care_carries_no_cost_sharing():
    # nothing met yet, yet the member pays 0 and the plan all 150.00
    result = share([D("150.00")], plan=PLAN, met=Accumulators(), preventive=True)
    assert (result.member_responsibility, result.paid) == (D("0.00"), D("150.00"))


def test_a_denial_needs_a_reason_code_the_plan_uses():
    from domain.adjudication import decide

    plan = Plan(deductible=D("500.00"), out_of_pocket_max=D("3000.00"),
                coinsurance_percentage=80, out_of_network_percentage=60, copay=None)  # fmt: skip
    common = dict(lines=[Line("99213", D("145.00"), 1)], covered_lines=None, in_network=True,
                  fee_schedule={}, plan=plan, met=Accumulators(D("0"), D("0")),
                  denial_reason="Not medically necessary", reason_codes=frozenset({"50", "B7"}))  # fmt: skip
    assert decide("deny", denial_code="50", **common).status == "denied"
    assert decide("deny", denial_code="b7", **common).status == "denied"
    for code in ("999", "", None):
        with pytest.raises(DomainError) as refused:
            decide("deny", denial_code=code, **common)
        assert refused.value.field == "denialCode"
