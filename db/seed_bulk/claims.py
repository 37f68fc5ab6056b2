"""Claims with their lines, timeline, appeal and payment, true to the outcome drawn."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta

from db.seed_bulk.reference import (
    _APPEAL_REASONS,
    _DECISIONS,
    _DUE,
    _OUTCOME_BAG,
    _PER_UNIT,
    _PREVENTIVE,
    _PRICES,
    _TEMPLATE_BAG,
    _URGENCY_BAG,
    DENIALS,
    HIGH_BILLED_CENTS,
    OUTCOMES,
)
from db.seed_bulk.rows import Family, Patient, Provider, ProviderPool, _cents, money
from domain.adjudication import plan_year
from domain.costshare import Accumulators, Plan, share
from domain.triage import is_sensitive, triage


class ClaimRows:
    """Claim rows; mixed into `SeedBuilder` over `RowSource`."""

    def claims(self, fam: Family, n: int, pool: ProviderPool) -> None:
        """`n` claims for the family in submission order, so deductibles accumulate in order."""
        rng, anchor = self.rng, self.anchor
        patients = fam.patients + fam.patients[:1]  # the subscriber sees doctors most
        drafts = []
        for _ in range(n):
            outcome, patient = rng.choice(_OUTCOME_BAG), rng.choice(patients)
            earliest = datetime.combine(patient.covered_from, time(), UTC) + timedelta(days=2)
            lo = max(earliest, anchor - timedelta(days=int(outcome.max_age)))
            hi = anchor - timedelta(days=int(outcome.min_age), hours=1)
            if lo >= hi:  # covered too recently for that story: the claim has just come in
                outcome, lo = OUTCOMES[0], max(earliest, anchor - timedelta(days=21))
            drafts.append((lo + (hi - lo) * rng.random(), outcome, patient))
        drafts.sort(key=lambda d: d[0])
        for submitted, outcome, patient in drafts:
            template = rng.choice(_TEMPLATE_BAG)
            provider = pool.pick(rng, template.category, fam.state)
            self.claim(fam, patient=patient, outcome=outcome, template=template,
                       provider=provider, submitted_at=submitted)  # fmt: skip

    def claim(
        self, fam: Family, *, patient: Patient, outcome, template, provider: Provider,
        submitted_at: datetime, diagnoses: Sequence[str] = (), submitted_by=None, filed_by=None,
        appeal_status: str | None = None, urgency: str | None = None, **over,
    ) -> dict:  # fmt: skip
        """One claim with its lines, timeline, appeal and payment, true to its outcome."""
        rng = self.rng
        service_date = max(patient.covered_from,
                           (submitted_at - timedelta(days=rng.randint(1, 30))).date())  # fmt: skip
        dx = list(diagnoses or rng.sample(template.diagnoses, min(len(template.diagnoses), 2)))
        lines = self._priced_lines(fam, template, patient, provider)
        decision, appeal = outcome.decision, outcome.appeal
        if decision == "partially_approved":  # one service not covered, or half the units
            lines[-1][3] = 0 if len(lines) > 1 else lines[-1][3] // 2
        approves = decision in ("approved", "partially_approved") or appeal == "overturned"
        ded = copay = coins = 0
        if approves:
            allowed = sum(line[3] for line in lines)
            ded, copay, coins = self._share(fam, patient, service_date, allowed, template.share)
        else:  # a denial allows nothing on any line
            allowed = 0
            for line in lines:
                line[3] = 0
        paid, billed = allowed - ded - copay - coins, sum(line[2] for line in lines)
        status = outcome.status
        if status == "paid" and paid == 0:  # all of it went to the deductible: nothing to pay
            status = "approved" if appeal == "overturned" else decision
        urgency = urgency or rng.choice(_URGENCY_BAG)
        steps = self._timeline(submitted_at, status, decision, appeal, _DUE[urgency])
        at = {action: when for when, action, *_ in steps}
        adjudicator = rng.choice(self.adjudicators) if self.adjudicators else None
        others = [a for a in self.adjudicators if a != adjudicator]  # separation of duties
        reviewer = rng.choice(others) if others else None
        denial = rng.choice(DENIALS) if decision == "denied" and appeal != "overturned" else None
        place = rng.choice(template.pos)
        verdict = triage(place_of_service=place, procedure_codes=[line[0] for line in lines],
                         diagnosis_codes=dx, billed=money(billed))  # fmt: skip
        priority = verdict.priority.value
        pending = status in ("submitted", "under_review")
        row = self.add("claims", **{
            "policy_id": fam.policy_id, "member_id": fam.member_id,
            "dependent_id": patient.dependent_id, "provider_id": provider.id,
            "claim_type": template.claim_type, "service_type": template.service,
            "place_of_service": place, "diagnosis_codes": dx,
            "procedure_codes": [line[0] for line in lines], "service_date": service_date,
            "submission_date": submitted_at,
            "received_date": submitted_at + timedelta(minutes=rng.uniform(1, 50)),
            "processed_date": at.get("appeal_decided" if appeal == "overturned" else "adjudicated"),
            "billed_amount": money(billed), "allowed_amount": None if pending else money(allowed),
            "deductible_applied": money(ded), "coinsurance_amount": money(coins),
            "copay_amount": money(copay), "paid_amount": None if pending else money(paid),
            "member_responsibility": money(ded + copay + coins) if approves else None,
            "status": status, "denial_code": denial and denial[0],
            "denial_reason": denial and denial[1],
            "adjudicator_notes": "Denial overturned on appeal." if appeal == "overturned" else None,
            "submitted_by": submitted_by, "processed_by": adjudicator if decision else None,
            "assigned_to": None if status == "submitted" else adjudicator, "priority": priority,
            "triage_confidence": verdict.confidence,
            "triage_reasons": json.dumps(list(verdict.reasons)),
            "is_sensitive": is_sensitive(dx),
            "requires_manual_review": billed > HIGH_BILLED_CENTS,
            "is_duplicate": denial is not None and denial[0] == "18", "version": len(steps),
            "created_at": submitted_at, "updated_at": steps[-1][0], "frequency_code": "original",
            **over,
        })  # fmt: skip
        self._lines(row, lines, None if pending else paid, allowed)
        actors = {"submitted": submitted_by, "review_started": adjudicator,
                  "adjudicated": adjudicator, "appeal_filed": filed_by,
                  "appeal_decided": reviewer}  # fmt: skip
        for when, action, old, new, details in steps:
            self.add("claim_events", claim_id=row["id"], actor_id=actors.get(action), action=action,
                     old_status=old, new_status=new, details=details, created_at=when)  # fmt: skip
        if appeal:
            drawn = rng.choice(("submitted", "under_review")) if appeal == "open" else appeal
            state = appeal_status or drawn
            self.add("appeals", **{
                "claim_id": row["id"], "filed_by": filed_by, "status": state, "urgency": urgency,
                "appeal_reason": rng.choice(_APPEAL_REASONS),
                "requested_amount": money(billed - allowed) if billed > allowed else None,
                "submission_date": at["appeal_filed"], "due_at": at["appeal_filed"] + _DUE[urgency],
                "decision_date": at.get("appeal_decided"),
                "decision_reason": _DECISIONS.get(state),
                "reviewed_by": None if state == "submitted" else reviewer,
                "created_at": at["appeal_filed"], "updated_at": steps[-1][0],
            })  # fmt: skip
        if status == "paid":
            self.add("payments", **{
                "payer_type": "system", "payee_type": "provider", "payee_id": provider.id,
                "policy_id": fam.policy_id, "claim_id": row["id"], "amount": money(paid),
                "payment_type": "claim_reimbursement", "status": "completed",
                "payment_method": rng.choice(("eft", "eft", "ach", "check")),
                "transaction_id": f"EFT{rng.getrandbits(48):012X}",
                "payment_date": at["paid"], "processed_date": at["paid"],
                "description": f"{template.service}, {service_date:%m/%d/%Y}",
            })  # fmt: skip
        return row

    def _priced_lines(self, fam: Family, template, patient: Patient, provider: Provider) -> list:
        """[code, units, charge, allowed] per line, allowed at the contracted fee if any."""
        rng = self.rng
        extra = min(len(template.addons), rng.choice((0, 1, 1, 2)))
        codes = [rng.choice(template.primary), *rng.sample(template.addons, extra)]
        if template.service == "Preventive visit":  # the preventive visit code goes by age
            codes[0] = next(code for below, code in _PREVENTIVE if patient.age < below)
        lines = []
        for code in codes:
            units = rng.randint(*_PER_UNIT[code]) if code in _PER_UNIT else 1
            charge = round(_PRICES[code][1] * units * rng.uniform(0.85, 1.35))
            fee = provider.fees.get(code)  # out of network: the plan's share of the charge
            allowed = min(charge, fee * units) if fee else charge * fam.terms["oon"] // 100
            lines.append([code, units, charge, allowed])
        return lines

    def _lines(self, claim: dict, lines: list, paid: int | None, allowed: int) -> None:
        left = paid
        for number, (code, units, charge, line_allowed) in enumerate(lines, start=1):
            line_paid = None
            if paid is not None:  # spread by allowed amount; the last line takes the rounding
                last = number == len(lines)
                line_paid = left if last else (paid * line_allowed // allowed if allowed else 0)
                left -= line_paid
            modifiers = ["95"] if claim["place_of_service"] == "02" else []  # telehealth
            if number == 1 and len(lines) > 1 and code.startswith("99"):
                modifiers = ["25"]  # a separate visit on the day of a procedure
            pointers = [1, 2][: len(claim["diagnosis_codes"])] if number == 1 else [1]
            self.add("claim_lines", **{
                "claim_id": claim["id"], "line_number": number, "procedure_code": code,
                "modifiers": modifiers, "units": units, "charge_amount": money(charge),
                "allowed_amount": None if paid is None else money(line_allowed),
                "paid_amount": None if line_paid is None else money(line_paid),
                "diagnosis_pointers": pointers, "service_date": claim["service_date"],
            })  # fmt: skip

    def _timeline(self, start: datetime, status, decision, appeal, due: timedelta) -> list:
        """(time, action, old status, new status, details) steps, all of them before today."""
        rng, hours, days = self.rng, timedelta(hours=1), timedelta(days=1)
        steps = [(timedelta(), "submitted", None, "submitted", None)]
        if status != "submitted":
            steps.append((hours * rng.uniform(12, 72), "review_started", "submitted",
                          "under_review", None))  # fmt: skip
        if decision:
            steps.append((days * rng.uniform(1, 14), "adjudicated", "under_review", decision, None))
        current = decision
        if appeal:
            steps.append((days * rng.uniform(3, 45), "appeal_filed", decision, "appealed", None))
            current = "appealed"
            if appeal != "open":  # decided within the appeal's due time
                current = "approved" if appeal == "overturned" else decision
                steps.append((due * rng.uniform(0.05, 0.9), "appeal_decided", "appealed", current,
                              json.dumps({"appeal": appeal})))  # fmt: skip
        if status == "paid":
            steps.append((days * rng.uniform(2, 10), "paid", current, "paid", None))
        # A recent claim has had less time: squeeze its steps to end somewhere before today.
        total = sum((step[0] for step in steps), timedelta())
        room = (self.anchor - start) * rng.uniform(0.4, 0.95)
        squeeze = min(1.0, room / total) if total else 1.0
        out, when = [], start
        for delta, *rest in steps:
            when += delta * squeeze
            out.append((when, *rest))
        return out

    def _share(
        self, fam: Family, patient: Patient, service_date, allowed: int, kind: str
    ) -> tuple[int, int, int]:
        """Deductible, copay and coinsurance (in cents) by the domain's cost-sharing rule:
        the patient's own limits and the family's, in the policy's plan year."""
        terms = fam.terms
        year = plan_year(terms["effective"], service_date)[0]
        person, family = fam.spent[(year, patient.dependent_id)], fam.spent[(year, "family")]
        copay = terms.get(kind) if kind != "preventive" else None

        def optional(cents: int | None):
            return None if cents is None else money(cents)

        plan = Plan(
            deductible=money(terms["deductible"]),
            out_of_pocket_max=money(terms["oop"]),
            coinsurance_percentage=terms["share"],
            out_of_network_percentage=terms["oon"],
            copay=money(copay) if copay else None,
            family_deductible=optional(terms["family_deductible"]),
            family_out_of_pocket_max=optional(terms["family_oop"]),
        )
        result = share(
            [money(allowed)],
            plan=plan,
            met=Accumulators(money(person[0]), money(person[1])),
            family=Accumulators(money(family[0]), money(family[1])),
            preventive=kind == "preventive",
        )
        person[:] = (
            _cents(result.accumulators.deductible_met),
            _cents(result.accumulators.out_of_pocket_met),
        )
        family[:] = (
            _cents(result.family_accumulators.deductible_met),
            _cents(result.family_accumulators.out_of_pocket_met),
        )
        return _cents(result.deductible), _cents(result.copay), _cents(result.coinsurance)
