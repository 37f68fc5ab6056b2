"""Members with their dependents, policies and premium payments."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from db.seed_bulk.reference import (
    _ALLERGIES,
    _BLOOD_TYPES,
    _CONDITIONS,
    _PLANS,
    _PREMIUM_FACTOR,
    STATES,
)
from db.seed_bulk.rows import Family, Patient, _age, _anniversary, _month_start, money, years_ago


class FamilyRows:
    """Family rows; mixed into `SeedBuilder` over `RowSource`."""

    def family(
        self, *, employer: dict | None, member: dict | None = None,
        dependents: Sequence[dict] | None = None, policy_id=None, premiums: bool | None = None,
        plan: tuple[str, str] | None = None,
    ) -> Family:  # fmt: skip
        """A subscriber, their dependents (drawn unless given) and one active policy."""
        rng, today, member = self.rng, self.today, dict(member or {})
        effective = _month_start(today, rng.randint(6, 48))
        first, last, gender = self._name()
        state = employer["state"] if employer and rng.random() < 0.85 else rng.choice(STATES)
        m = self.add("members", **{
            "first_name": first, "middle_name": rng.choice("ABCDEFGHJKLMNPRSTW"), "last_name": last,
            "date_of_birth": years_ago(today, rng.randint(22, 64), days=rng.randint(0, 364)),
            "ssn": self._ssn(), "gender": gender, "phone": self._phone(),
            "email": f"{first}.{last}{rng.randint(1, 999)}@example.com".lower(),
            **self._address(member.pop("state", None) or state),
            **self._medical(),
            "emergency_contact_name": " ".join(self._name()[:2]),
            "emergency_contact_relation": rng.choice(("Spouse", "Sibling", "Parent", "Friend")),
            "emergency_contact_phone": self._phone(), "status": "active",
            "enrollment_date": effective, "employer_id": employer and employer["id"],
            "employee_id": f"E{rng.randint(100000, 999999)}" if employer else None, **member,
        })  # fmt: skip
        age = _age(m["date_of_birth"], today)
        drawn = self._household(age, effective) if dependents is None else dependents
        deps = [self._dependent(m, effective, spec) for spec in drawn]
        active = [d for d in deps if d["status"] == "active"]
        partner = any(d["relationship"] != "child" for d in active)
        child = any(d["relationship"] == "child" for d in active)
        level = ("individual", "individual_children", "individual_spouse", "family")[
            2 * partner + child
        ]
        policy, terms = self._policy(m["id"], level, effective, employer, policy_id, plan)
        patients = [Patient(None, age, effective)] + [
            Patient(d["id"], _age(d["date_of_birth"], today), d["enrollment_date"]) for d in active
            if d["enrollment_date"] <= today - timedelta(days=180)  # newborns: no history yet
        ]  # fmt: skip
        if rng.random() < 0.35 if premiums is None else premiums:
            self._premiums(policy, employer)
        return Family(m["id"], m["state"], policy["id"], terms, patients)

    def _household(self, age: int, effective: date) -> list[dict]:
        rng, today = self.rng, self.today
        n = rng.choices((0, 1, 2, 3), (35, 25, 20, 20))[0]
        out: list[dict] = []
        if n and age >= 24 and rng.random() < 0.7:
            kind = rng.choices(("spouse", "domestic_partner"), (9, 1))[0]
            dob = years_ago(today, max(19, age + rng.randint(-5, 5)), days=rng.randint(0, 364))
            out.append({"relationship": kind, "date_of_birth": dob})
        while len(out) < n:
            if age >= 50 and rng.random() < 0.2:  # covered to the end of the month they turned 26
                last_month_end = _month_start(today) - timedelta(days=1)
                span = (last_month_end - effective).days
                birthday = effective + timedelta(days=rng.randint(31, span))
                term = _month_start(birthday, -1)  # the first day without coverage
                out.append({"relationship": "child", "date_of_birth": years_ago(birthday, 26),
                            "status": "aged_out", "termination_date": term})  # fmt: skip
            else:
                dob = years_ago(today, rng.randint(0, min(25, age - 20)), days=rng.randint(0, 364))
                out.append({"relationship": "child", "date_of_birth": dob})
        return out

    def _dependent(self, m: dict, effective: date, spec: dict) -> dict:
        first, last, gender = self._name()
        if spec["relationship"] == "child" or self.rng.random() < 0.85:
            last = m["last_name"]  # most partners share the family name too
        adult = _age(spec["date_of_birth"], self.today) >= 18  # children have no phone of record
        return self.add("dependents", **{
            "member_id": m["id"], "first_name": first, "last_name": last, "ssn": self._ssn(),
            "gender": gender, "phone": self._phone() if adult else None,
            "email": f"{first}.{last}{self.rng.randint(1, 999)}@example.com".lower() if adult
            else None, **self._medical(), "status": "active", "termination_date": None,
            "enrollment_date": max(effective, spec["date_of_birth"]), **spec,
        })  # fmt: skip

    def _medical(self) -> dict:
        rng = self.rng
        return {"blood_type": rng.choice(_BLOOD_TYPES), "allergies": rng.choice(_ALLERGIES),
                "medical_conditions": rng.choice(_CONDITIONS)}  # fmt: skip

    def _policy(self, member_id, level, effective, employer, policy_id, plan) -> tuple[dict, dict]:
        """The policy and its terms; `plan` (type, metal level) is drawn unless given."""
        rng = self.rng
        kind = rng.choices(("PPO", "HMO", "EPO", "POS", "HDHP"), (35, 25, 10, 10, 20))[0]
        metal = rng.choice(("Bronze", "Silver") if kind == "HDHP" else tuple(_PLANS))
        plan, metal = plan or (kind, metal)
        deductible, oop, share, copays, premium = _PLANS[metal]
        if plan == "HDHP":  # IRS minimum deductible; no copays before it, so none listed
            deductible, oop, share, copays = rng.choice((165000, 200000)), 830000, 80, (None,) * 3
        deductible = int(round(deductible * rng.choice((0.8, 1, 1.2)), -4))
        premium = int(round(premium * _PREMIUM_FACTOR.get(level, 2.8) * rng.uniform(0.9, 1.1), -2))
        employer_share = int(round(premium * rng.choice((0.7, 0.8)), -2)) if employer else 0
        oon = rng.choice((50, 60))
        row = self.add("policies", **{
            "id": policy_id or self.uuid(), "member_id": member_id, "plan_type": plan,
            "plan_name": f"{metal} {plan} {deductible // 100}", "coverage_level": level,
            "deductible_individual": money(deductible), "deductible_family": money(2 * deductible),
            "out_of_pocket_max_individual": money(oop), "out_of_pocket_max_family": money(2 * oop),
            "coinsurance_percentage": share, "out_of_network_percentage": oon,
            "primary_care_copay": copays[0] and money(copays[0]),
            "specialist_copay": copays[1] and money(copays[1]),
            "emergency_copay": copays[2] and money(copays[2]), "status": "active",
            "effective_date": effective, "renewal_date": _anniversary(effective, self.today),
            "monthly_premium": money(premium), "employer_contribution": money(employer_share),
            "employee_contribution": money(premium - employer_share),
        })  # fmt: skip
        family = level != "individual"  # each person's limits, and the family's at twice them
        terms = {"deductible": deductible, "oop": oop, "share": share, "oon": oon,
                 "family_deductible": 2 * deductible if family else None,
                 "family_oop": 2 * oop if family else None, "effective": effective,
                 "pcp": copays[0], "specialist": copays[1], "er": copays[2]}  # fmt: skip
        return row, terms

    def _premiums(self, policy: dict, employer: dict | None) -> None:
        """Monthly premiums of the last months: the employer remits them, or the member pays."""
        rng = self.rng
        payer = ("employer", employer["id"]) if employer else ("member", policy["member_id"])
        for back in range(rng.randint(3, 12)):
            due = _month_start(self.today, back)
            if due < policy["effective_date"]:
                break
            at = datetime.combine(due, time(9), UTC) + timedelta(days=rng.randint(0, 4))
            done = at < self.anchor
            status = rng.choices(("completed", "failed"), (97, 3))[0] if done else "pending"
            self.add("payments", **{
                "payer_type": payer[0], "payer_id": payer[1], "payee_type": "system",
                "policy_id": policy["id"], "payment_type": "premium", "status": status,
                "amount": policy["monthly_premium"], "payment_method": "ach" if employer
                else rng.choice(("ach", "credit_card", "debit_card")),
                "transaction_id": f"ACH{rng.getrandbits(48):012X}" if done else None,
                "failure_reason": "ACH return R01: insufficient funds" if status == "failed"
                else None,
                "payment_date": at if done else None, "processed_date": at if done else None,
                "description": f"Premium for {due:%B %Y}",
                "invoice_number": f"INV-{due:%Y%m}-{rng.randint(10000, 99999)}",
            })  # fmt: skip
