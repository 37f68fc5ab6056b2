"""Family deductible and out-of-pocket maximum (embedded): a family of four through a plan
year worked by hand, prescription copays by tier, and the limits as properties."""

from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.adjudication import plan_terms, prescription_copays
from domain.costshare import Accumulators, Plan, share

FAMILY_PLAN = Plan(
    deductible=D("500.00"),
    out_of_pocket_max=D("3000.00"),
    coinsurance_percentage=80,
    out_of_network_percentage=60,
    family_deductible=D("1000.00"),
    family_out_of_pocket_max=D("6000.00"),
)


class Family:
    """Runs claims in order, keeping each person's and the family's accumulators."""

    def __init__(self, plan: Plan) -> None:
        self.plan, self.people, self.family = plan, {}, Accumulators()

    def claim(self, who: str, allowed: str, **options):
        result = share([D(allowed)], plan=self.plan, met=self.people.get(who, Accumulators()),
                       family=self.family, **options)  # fmt: skip
        self.people[who], self.family = result.accumulators, result.family_accumulators
        return result


def test_a_family_of_four_through_a_plan_year():
    year = Family(FAMILY_PLAN)
    # Mom 300: all deductible (hers 500, family's 1000 both have room)
    mom = year.claim("mom", "300.00")
    assert (mom.deductible, mom.coinsurance, mom.member_responsibility) == (
        D("300.00"), D("0.00"), D("300.00"))  # fmt: skip
    # Dad 600: his whole deductible 500 (family has 700 left), 20% of the other 100 = 20
    dad = year.claim("dad", "600.00")
    assert (dad.deductible, dad.coinsurance, dad.paid) == (D("500.00"), D("20.00"), D("80.00"))
    # Ann 400: the family has only 200 of its deductible left; 20% of the other 200 = 40
    ann = year.claim("ann", "400.00")
    assert (ann.deductible, ann.coinsurance) == (D("200.00"), D("40.00"))
    assert year.family.deductible_met == D("1000.00")
    # Ben 250: the family deductible is met, so no deductible though he has met none of his
    ben = year.claim("ben", "250.00")
    assert (ben.deductible, ben.coinsurance, ben.paid) == (D("0.00"), D("50.00"), D("200.00"))
    # Mom again, 1000: she has 200 of her own deductible left, but the family's is met
    mom = year.claim("mom", "1000.00")
    assert (mom.deductible, mom.coinsurance) == (D("0.00"), D("200.00"))
    assert year.people["mom"] == Accumulators(D("300.00"), D("500.00"))
    # Dad, a hospital stay of 20000: 20% is 4000, but his own maximum leaves 3000 - 520
    dad = year.claim("dad", "20000.00")
    assert (dad.coinsurance, dad.paid) == (D("2480.00"), D("17520.00"))
    assert year.people["dad"].out_of_pocket_met == D("3000.00")
    # the family has paid 300+520+240+50+200+2480 = 3790 of its 6000
    assert year.family.out_of_pocket_met == D("3790.00")
    # Mom, 20000: her own room is 2500, the family's 2210: the family's limit holds
    mom = year.claim("mom", "20000.00")
    assert mom.member_responsibility == D("2210.00")
    assert year.family.out_of_pocket_met == D("6000.00")
    # Ann, 500: the family's maximum is met, the plan pays it all
    ann = year.claim("ann", "500.00")
    assert (ann.member_responsibility, ann.paid) == (D("0.00"), D("500.00"))


def test_one_person_on_a_family_policy_never_pays_past_their_own_limits():
    year = Family(FAMILY_PLAN)
    first = year.claim("mom", "800.00")  # her deductible 500, then 20% of 300 = 60
    assert (first.deductible, first.coinsurance) == (D("500.00"), D("60.00"))
    year.claim("mom", "50000.00")
    assert year.people["mom"].out_of_pocket_met == D("3000.00")
    assert year.claim("mom", "100.00").member_responsibility == D("0.00")
    # her brother still has his whole deductible ahead of him
    assert year.claim("ben", "100.00").deductible == D("100.00")


def test_an_individual_policy_has_no_family_limits():
    policy = {
        "coverage_level": "individual", "deductible_individual": D("500.00"),
        "deductible_family": D("1000.00"), "out_of_pocket_max_individual": D("3000.00"),
        "out_of_pocket_max_family": D("6000.00"), "coinsurance_percentage": 80,
        "out_of_network_percentage": 60,
    }  # fmt: skip
    assert plan_terms(policy, copay=None).family_deductible is None
    family = plan_terms({**policy, "coverage_level": "family"}, copay=None)
    assert (family.family_deductible, family.family_out_of_pocket_max) == (
        D("1000.00"), D("6000.00"))  # fmt: skip


def test_prescriptions_take_their_tier_s_copay_without_deductible():
    policy = {"rx_generic_copay": D("10.00"), "rx_brand_copay": D("35.00"),
              "rx_specialty_copay": None}  # fmt: skip
    copays = prescription_copays("pharmacy", ["generic", "brand", "specialty", None], policy)
    assert copays == [D("10.00"), D("35.00"), None, None]
    assert prescription_copays("medical", ["generic"], policy) is None
    # generic 8 (copay 10 capped at 8), brand 120 (copay 35): no deductible on either;
    # specialty 400 without a copay: the deductible, 500 left, takes all of it
    result = share([D("8.00"), D("120.00"), D("400.00")], plan=FAMILY_PLAN, met=Accumulators(),
                   line_copays=[D("10.00"), D("35.00"), None])  # fmt: skip
    assert (result.copay, result.deductible, result.coinsurance) == (
        D("43.00"), D("400.00"), D("0.00"))  # fmt: skip
    assert result.paid == D("85.00")  # 528 allowed - 443 member
    # the copays count toward the out-of-pocket maximum
    assert result.accumulators == Accumulators(D("400.00"), D("443.00"))


money = st.decimals(min_value=D("0.01"), max_value=D("30000"), places=2)


@settings(max_examples=200, deadline=None)
@given(
    deductible=st.integers(0, 5000),
    family_times=st.integers(2, 3),
    oop_over=st.integers(0, 8000),
    coinsurance=st.integers(0, 100),
    copay=st.one_of(st.none(), st.integers(0, 100)),
    claims=st.lists(
        st.tuples(st.sampled_from("ABCD"), money, st.one_of(st.none(), money)),
        min_size=1,
        max_size=30,
    ),  # fmt: skip
)
def test_no_one_pays_past_their_limit_and_no_family_past_its_own(
    deductible, family_times, oop_over, coinsurance, copay, claims
):
    oop = deductible + oop_over
    plan = Plan(
        deductible=D(deductible), out_of_pocket_max=D(oop), coinsurance_percentage=coinsurance,
        out_of_network_percentage=60, copay=None if copay is None else D(copay),
        family_deductible=D(deductible * family_times),
        family_out_of_pocket_max=D(oop * family_times),
    )  # fmt: skip
    year = Family(plan)
    for who, allowed, rx in claims:
        amounts = [allowed] if rx is None else [allowed, rx]
        copays = None if rx is None else [None, D("15.00")]
        result = share(amounts, plan=plan, met=year.people.get(who, Accumulators()),
                       family=year.family, line_copays=copays)  # fmt: skip
        year.people[who], year.family = result.accumulators, result.family_accumulators
        assert result.member_responsibility >= 0 and result.paid >= 0
        assert result.member_responsibility + result.paid == result.allowed
        for person in year.people.values():
            assert person.deductible_met <= plan.deductible
            assert person.out_of_pocket_met <= plan.out_of_pocket_max
        assert year.family.deductible_met <= plan.family_deductible
        assert year.family.out_of_pocket_met <= plan.family_out_of_pocket_max
    before = year.family
    last = share([D("100.00")], plan=plan, met=Accumulators(), family=before)
    if before.deductible_met >= plan.family_deductible:
        assert last.deductible == 0
    if before.out_of_pocket_met >= plan.family_out_of_pocket_max:
        assert last.member_responsibility == 0
