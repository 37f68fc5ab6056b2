"""The validation rules over hand-made drafts and facts: each rule's pass, its failure and
the field it points at."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from domain.validation import (
    DEFAULT_RULES,
    Credential,
    Draft,
    DraftLine,
    Facts,
    Rule,
    Severity,
    Span,
    evaluate,
    refuses,
)

TODAY = date(2026, 11, 22)
CLEAN_DRAFT = Draft(
    service_date=date(2026, 11, 2),
    diagnosis_codes=("J06.9", "R05.1"),
    lines=(
        DraftLine("99213", Decimal("145.00"), diagnosis_pointers=(1, 2)),
        DraftLine("87880", Decimal("35.50"), modifiers=("QW",), diagnosis_pointers=(1,)),
    ),
    place_of_service="11",
)
CLEAN_FACTS = Facts(
    today=TODAY,
    member=Span("active", date(2024, 1, 1)),
    policy=Span("active", date(2026, 1, 1), date(2027, 1, 1)),
    provider_npi="1234567893",  # the CMS worked example
    provider_status="active",
    credentials=(Credential("verified", date(2020, 5, 1), date(2027, 5, 1)),),
    has_contract=True,
)


def findings(draft=CLEAN_DRAFT, facts=CLEAN_FACTS, rules=DEFAULT_RULES):
    return [(f.rule, f.field) for f in evaluate(rules, draft, facts)]


def test_a_clean_claim_has_no_findings():
    assert findings() == []
    assert CLEAN_DRAFT.billed == Decimal("180.50")  # 145.00 + 35.50


def test_code_formats_point_at_the_code():
    draft = replace(
        CLEAN_DRAFT,
        diagnosis_codes=("J06.9", "U07.1", "123"),  # U is reserved, 123 has no letter
        lines=(DraftLine("9921", Decimal("10.00")), DraftLine("G0439", Decimal("10.00"),
                                                                modifiers=("Q",))),
    )  # fmt: skip
    assert findings(draft) == [
        ("diagnosis_code_valid", "diagnosisCodes[1]"),
        ("diagnosis_code_valid", "diagnosisCodes[2]"),
        ("procedure_code_valid", "lines[0].procedureCode"),
        ("procedure_code_valid", "lines[1].modifiers"),
    ]


def test_billable_diagnosis_is_asked_of_the_reference_data():
    facts = replace(CLEAN_FACTS, known_diagnosis=lambda code: code != "J06")
    draft = replace(CLEAN_DRAFT, diagnosis_codes=("J06", "R05.1"))  # J06 is a category
    assert findings(draft, facts) == [("diagnosis_code_valid", "diagnosisCodes[0]")]


def test_amounts_units_and_pointers():
    draft = replace(
        CLEAN_DRAFT,
        lines=(
            DraftLine("99213", Decimal("0.00")),
            DraftLine("99213", Decimal("10.005")),
            DraftLine("99214", Decimal("10.00"), units=0, diagnosis_pointers=(3,)),
        ),
    )
    assert findings(draft) == [
        ("units_positive", "lines[2].units"),
        ("amount_valid", "lines[0].chargeAmount"),
        ("amount_valid", "lines[1].chargeAmount"),
        ("diagnosis_pointers_valid", "lines[2].diagnosisPointers"),
    ]


def test_review_threshold_is_a_warning_and_its_amount_is_data():
    big = replace(CLEAN_DRAFT, lines=(DraftLine("27447", Decimal("10000.01")),))
    found = evaluate(DEFAULT_RULES, big, CLEAN_FACTS)
    assert [(f.rule, f.severity) for f in found] == [("amount_review_threshold", Severity.WARNING)]
    assert not refuses(found)
    lowered = [
        replace(r, condition={"amount": "100.00"}) if r.name == "amount_review_threshold" else r
        for r in DEFAULT_RULES
    ]
    assert findings(rules=lowered) == [("amount_review_threshold", None)]  # 180.50 > 100


def test_dates_future_and_timely_filing():
    future = replace(CLEAN_DRAFT, service_date=date(2026, 11, 23))
    assert ("service_date_not_future", "serviceDate") in findings(future)
    # 2025-11-22 is 365 days before 2026-11-22: still in time; a day earlier is late
    on_time = replace(CLEAN_DRAFT, service_date=date(2025, 11, 22))
    late = replace(CLEAN_DRAFT, service_date=date(2025, 11, 21))
    facts = replace(CLEAN_FACTS, policy=Span("active", date(2025, 1, 1)))
    assert ("timely_filing", "serviceDate") not in findings(on_time, facts)
    assert ("timely_filing", "serviceDate") in findings(late, facts)
    strict = [
        replace(r, condition={"days": 90}) if r.name == "timely_filing" else r
        for r in DEFAULT_RULES
    ]
    assert ("timely_filing", "serviceDate") in findings(
        replace(CLEAN_DRAFT, service_date=date(2026, 8, 23)), rules=strict
    )  # 91 days


def test_unknown_patient_gives_one_finding_that_names_nobody():
    found = evaluate(DEFAULT_RULES, CLEAN_DRAFT, replace(CLEAN_FACTS, patient_found=False,
                                                          member=None, policy=None))  # fmt: skip
    assert [(f.rule, f.field) for f in found] == [("patient_found", "memberNumber")]
    assert found[0].message.startswith("Member not found")


def test_eligibility_on_the_service_date():
    lapsed = replace(CLEAN_FACTS, member=Span("terminated", date(2024, 1, 1), date(2026, 11, 1)))
    assert findings(facts=lapsed) == [("member_eligible", "serviceDate")]
    no_policy = replace(CLEAN_FACTS, policy=None)
    assert findings(facts=no_policy) == [("policy_covers_date", "serviceDate")]
    # born 2000-10-15: turns 26 on 2026-10-15, covered to 2026-10-31, not on 2026-11-02
    aged = replace(
        CLEAN_FACTS,
        dependent=Span("active", date(2010, 1, 1)),
        dependent_born=date(2000, 10, 15),
        dependent_is_child=True,
    )
    assert findings(facts=aged) == [("dependent_eligible", "serviceDate")]
    in_month = replace(CLEAN_DRAFT, service_date=date(2026, 10, 31))
    assert findings(in_month, aged) == []


def test_provider_npi_credential_and_contract():
    bad_npi = replace(CLEAN_FACTS, provider_npi="1234567890")
    assert findings(facts=bad_npi) == [("provider_npi_valid", "providerId")]
    expired = replace(CLEAN_FACTS, credentials=(Credential("verified", date(2019, 1, 1),
                                                           date(2026, 11, 1)),))  # fmt: skip
    assert findings(facts=expired) == [("provider_credentialed", "providerId")]
    pending = replace(CLEAN_FACTS, credentials=(Credential("pending", None, None),))
    assert findings(facts=pending) == [("provider_credentialed", "providerId")]
    out_of_network = evaluate(DEFAULT_RULES, CLEAN_DRAFT, replace(CLEAN_FACTS,
                                                                  has_contract=False))  # fmt: skip
    assert [(f.rule, f.severity) for f in out_of_network] == [
        ("provider_in_network", Severity.WARNING)
    ]


def test_duplicate_refuses_and_disabled_rules_do_not_run():
    dup = replace(CLEAN_FACTS, duplicates=1)
    assert findings(facts=dup) == [("duplicate_claim", None)]
    assert refuses(evaluate(DEFAULT_RULES, CLEAN_DRAFT, dup))
    off = [replace(r, enabled=False) if r.name == "duplicate_claim" else r for r in DEFAULT_RULES]
    assert findings(facts=dup, rules=off) == []


def test_a_rule_the_server_does_not_know_is_skipped():
    assert findings(rules=[Rule("from_a_newer_release", "x", Severity.ERROR)]) == []


@pytest.mark.parametrize("code", ["J06.9", "j069", "S72.001A", "Z00.00", "F32.1"])
def test_real_icd10_shapes_pass(code):
    draft = replace(CLEAN_DRAFT, diagnosis_codes=(code,), lines=(
        DraftLine("99213", Decimal("145.00"), diagnosis_pointers=(1,)),))  # fmt: skip
    assert findings(draft) == []


def test_patient_is_matched_by_birth_date_then_first_name():
    from domain.people import match_patient

    family = dict(
        subscriber=(date(1985, 3, 14), "Maria"),
        dependents=[("d1", date(2017, 6, 1), "Sofia"), ("t1", date(2019, 2, 2), "Ana"),
                    ("t2", date(2019, 2, 2), "Eva")],
    )  # fmt: skip
    assert match_patient(born=date(1985, 3, 14), first_name=None, **family) == ("member", None)
    assert match_patient(born=date(2017, 6, 1), first_name="sofia ", **family) == (
        "dependent", "d1")  # fmt: skip
    assert match_patient(born=date(2017, 6, 1), first_name="Lucia", **family) is None
    assert match_patient(born=date(2019, 2, 2), first_name=None, **family) is None  # twins
    assert match_patient(born=date(2019, 2, 2), first_name="Eva", **family) == ("dependent", "t2")
    assert match_patient(born=date(1990, 1, 1), first_name=None, **family) is None


def test_thresholds_change_only_within_their_kind():
    from domain.errors import DomainError
    from domain.validation import check_condition

    timely = next(r for r in DEFAULT_RULES if r.name == "timely_filing")
    assert check_condition(timely, {"days": 90}) == {"days": 90}
    review = next(r for r in DEFAULT_RULES if r.name == "amount_review_threshold")
    assert check_condition(review, {"amount": "2500.5"}) == {"amount": "2500.50"}
    for rule, bad, at in [
        (timely, {"days": 0}, "condition.days"),
        (timely, {"days": "90"}, "condition.days"),
        (timely, {"weeks": 2}, "condition.weeks"),
        (review, {"amount": "-1"}, "condition.amount"),
        (review, {"amount": "12.345"}, "condition.amount"),
        (review, {"amount": "lots"}, "condition.amount"),
    ]:
        with pytest.raises(DomainError) as refused:
            check_condition(rule, bad)
        assert refused.value.field == at
