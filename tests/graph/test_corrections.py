"""Claims the provider corrects, over HTTP: a provider bills a wrong procedure code, the
claim is approved and paid; the provider files a corrected claim with the right code, it is
adjudicated, and the payments reconcile (the difference, or a recoupment when the correction
allows less); the prior claim reads as replaced with a link both ways; a void of a paid
claim records the recoupment; the member's accumulators count only the live claim.

Every test enrols a member of its own (tests/graph/correction_support.py), so each amount
below is worked by hand. The refusals are in tests/graph/test_correction_refusals.py."""

from __future__ import annotations

import json
from decimal import Decimal as D

from tests.graph.admin_support import _db_id
from tests.graph.correction_support import (
    ADJUDICATOR,
    PROVIDER,
    RIGHT,
    SUBMIT,
    VOID,
    WRONG,
    _bill,
    _correct,
    _decide,
    _net,
    _paid_claim,
    _patient,
    _pay,
    _policy_of,
    _read,
    _rows,
)
from tests.graph.test_accumulators import ACCUMULATORS


async def test_a_wrong_code_paid_is_corrected_and_the_plan_pays_the_difference(gql, engine):
    patient = await _patient(gql)
    original = await _paid_claim(gql, patient)

    corrected = await _correct(
        gql, {"claimId": original["id"], "version": original["version"]},
        _bill(patient, RIGHT, "1000.00"), why="Wrong procedure code",
    )  # fmt: skip
    assert corrected["__typename"] == "ClaimCorrected", corrected
    claim, replaced = corrected["claim"], corrected["replaced"]
    assert claim["status"] == "SUBMITTED" and claim["frequencyCode"] == "REPLACEMENT"
    assert claim["procedureCodes"] == [RIGHT] and claim["claimNumber"] != original["claimNumber"]
    assert claim["replaces"] == {"id": original["id"], "claimNumber": original["claimNumber"],
                                 "status": "REPLACED"}  # fmt: skip
    assert replaced["status"] == "REPLACED" and replaced["version"] == original["version"] + 1
    assert replaced["replacedBy"] == {"id": claim["id"], "claimNumber": claim["claimNumber"]}
    assert claim["events"][0]["details"]["replaces"] == original["claimNumber"]

    # adjudicated afresh: the replaced claim's deductible no longer counts, so 500.00 again,
    # 20 % of the other 500.00 (100.00); the plan owes 400.00 and already paid 240.00
    decided = await _decide(gql, claim["id"], 1)
    assert (D(decided["deductibleApplied"]), D(decided["coinsuranceAmount"]),
            D(decided["paidAmount"])) == (D("500.00"), D("100.00"), D("400.00"))  # fmt: skip
    await _pay(gql, claim["id"], decided["version"])

    now, before = await _read(gql, claim["id"]), await _read(gql, original["id"])
    assert now["status"] == "PAID"
    assert [(p["paymentType"], D(p["amount"])) for p in now["payments"]] == [
        ("CLAIM_REIMBURSEMENT", D("160.00"))
    ]
    assert _net(before, now) == D("400.00") == D(now["paidAmount"])
    # the prior claim reads as replaced, linked both ways, its timeline saying by which
    assert before["status"] == "REPLACED" and before["frequencyCode"] == "ORIGINAL"
    assert before["replacedBy"]["id"] == claim["id"] and before["replaces"] is None
    last = before["events"][-1]
    assert (last["action"], last["oldStatus"], last["newStatus"]) == ("replaced", "paid",
                                                                      "replaced")  # fmt: skip
    assert last["details"] == {"replaced_by": claim["claimNumber"],
                               "reason": "Wrong procedure code"}  # fmt: skip
    # the provider reads both ends too
    mine = await _read(gql, original["id"], as_=PROVIDER)
    assert mine["replacedBy"]["claimNumber"] == claim["claimNumber"]

    # the member's accumulators count the live claim only: 500.00 + 100.00, not 560.00 more
    body = await gql(ACCUMULATORS, {"id": await _policy_of(engine, claim["id"])},
                     as_=ADJUDICATOR)  # fmt: skip
    (person,) = body["data"]["policy"]["accumulators"]["individuals"]
    assert (D(person["deductibleMet"]), D(person["outOfPocketMet"])) == (D("500.00"),
                                                                         D("600.00"))  # fmt: skip

    # the outbox tells the queue the prior claim moved; audit rows for both claims
    (event,) = await _rows(engine, "SELECT topic, payload FROM outbox_events WHERE seq = :s",
                           s=corrected["eventSequence"])  # fmt: skip
    assert event["topic"] == "claim.status_changed"
    assert event["payload"]["claim_id"] == str(_db_id(original["id"]))
    assert (event["payload"]["old_status"], event["payload"]["new_status"]) == ("paid",
                                                                                "replaced")  # fmt: skip
    audits = await _rows(
        engine, "SELECT action, resource_id, new_values, success FROM audit_log "
        "WHERE resource_id IN (:a, :b) AND action IN ('replace_claim', 'submit_corrected_claim')",
        a=_db_id(original["id"]), b=_db_id(claim["id"]),
    )  # fmt: skip
    assert {(r["action"], r["resource_id"]) for r in audits} == {
        ("replace_claim", _db_id(original["id"])),
        ("submit_corrected_claim", _db_id(claim["id"])),
    }
    assert all(r["success"] for r in audits)
    assert patient["number"] not in json.dumps([r["new_values"] for r in audits])


async def test_a_correction_that_allows_less_recoups_the_overpayment(gql, engine):
    patient = await _patient(gql)
    original = await _paid_claim(gql, patient)
    # named by its claim number, as on the remittance
    corrected = await _correct(gql, {"claimNumber": original["claimNumber"].lower()},
                               _bill(patient, RIGHT, "600.00"))  # fmt: skip
    assert corrected["__typename"] == "ClaimCorrected", corrected
    claim = corrected["claim"]
    # 600.00: 500.00 deductible, 20 % of 100.00; the plan owes 80.00 but paid 240.00
    decided = await _decide(gql, claim["id"], 1)
    assert D(decided["paidAmount"]) == D("80.00")
    paid = await _pay(gql, claim["id"], decided["version"])
    assert paid["claim"]["status"] == "PAID"

    now, before = await _read(gql, claim["id"]), await _read(gql, original["id"])
    (refund,) = now["payments"]
    assert refund["paymentNumber"] == paid["paymentNumber"]
    assert (refund["paymentType"], refund["payerType"], refund["payeeType"], D(refund["amount"]),
            refund["status"]) == ("REFUND", "PROVIDER", "SYSTEM", D("160.00"), "COMPLETED")  # fmt: skip
    assert _net(before, now) == D("80.00") == D(now["paidAmount"])
    (audit,) = await _rows(engine, "SELECT new_values FROM audit_log WHERE action = "
                           "'recoup_payment' AND new_values->>'claim_number' = :n",
                           n=claim["claimNumber"])  # fmt: skip
    assert audit["new_values"]["amount"] == "160.00"


async def test_a_corrected_claim_denied_recoups_all_the_prior_claim_was_paid(gql):
    patient = await _patient(gql)
    original = await _paid_claim(gql, patient)
    corrected = await _correct(gql, {"claimId": original["id"]}, _bill(patient, RIGHT, "900.00"))
    claim = corrected["claim"]
    await _decide(gql, claim["id"], 1, decision="DENY", denialCode="50",
                  denialReason="Not medically necessary")  # fmt: skip
    now, before = await _read(gql, claim["id"]), await _read(gql, original["id"])
    assert now["status"] == "DENIED"
    assert [(p["paymentType"], D(p["amount"])) for p in now["payments"]] == [
        ("REFUND", D("240.00"))
    ]
    assert _net(before, now) == D("0.00")


async def test_a_paid_claim_voided_is_recouped_and_counts_no_more(gql, engine):
    patient = await _patient(gql)
    original = await _paid_claim(gql, patient)
    body = await gql(VOID, {"prior": {"claimId": original["id"]}, "why": "Billed in error"},
                     as_=PROVIDER)  # fmt: skip
    voided = body["data"]["voidClaim"]
    assert voided["__typename"] == "ClaimVoided", voided
    assert voided["claim"]["status"] == "VOIDED" and voided["claim"]["replacedBy"] is None
    recoupment = voided["recoupment"]
    assert (recoupment["paymentType"], recoupment["payerType"], recoupment["payeeType"],
            D(recoupment["amount"]), recoupment["paymentMethod"]) == (
        "REFUND", "PROVIDER", "SYSTEM", D("240.00"), "EFT")  # fmt: skip
    assert _net(voided["claim"]) == D("0.00")
    last = voided["claim"]["events"][-1]
    assert (last["action"], last["newStatus"], last["details"]) == (
        "voided", "voided", {"reason": "Billed in error", "recouped": "240.00"})  # fmt: skip

    body = await gql(ACCUMULATORS, {"id": await _policy_of(engine, original["id"])},
                     as_=ADJUDICATOR)  # fmt: skip
    (person,) = body["data"]["policy"]["accumulators"]["individuals"]
    assert (D(person["deductibleMet"]), D(person["outOfPocketMet"])) == (D("0"), D("0"))
    (event,) = await _rows(engine, "SELECT payload FROM outbox_events WHERE seq = :s",
                           s=voided["eventSequence"])  # fmt: skip
    assert event["payload"]["new_status"] == "voided"
    assert await _rows(engine, "SELECT 1 FROM audit_log WHERE action = 'void_claim' AND "
                       "resource_id = :i", i=_db_id(original["id"]))  # fmt: skip

    # final: neither corrected nor voided again, nor paid
    again = await _correct(gql, {"claimId": original["id"]}, _bill(patient, RIGHT, "700.00"))
    assert again["__typename"] == "IllegalStatusChange", again
    assert (again["currentStatus"], again["requestedStatus"]) == ("VOIDED", "REPLACED")
    body = await gql(VOID, {"prior": {"claimId": original["id"]}}, as_=PROVIDER)
    assert body["data"]["voidClaim"]["currentStatus"] == "VOIDED"
    # the same care may be billed anew: a voided claim is no duplicate
    fresh = await gql(SUBMIT, {"input": _bill(patient, WRONG, "800.00")}, as_=PROVIDER)
    assert fresh["data"]["submitClaim"]["__typename"] == "ClaimSubmitted", fresh
