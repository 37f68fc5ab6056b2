"""Employers and providers, with the providers' credentials, contracts and fee schedules."""

from __future__ import annotations

from datetime import date

from db.seed_bulk.reference import (
    _AUTHORITY,
    _CATEGORY_CODES,
    _INDUSTRIES,
    _NETWORK,
    _ORG_NAMES,
    _PRICES,
    SPECIALTY,
    STATES,
)
from db.seed_bulk.rows import Provider, _anniversary, _month_start, money, years_ago


class ProviderRows:
    """Employer and provider rows; mixed into `SeedBuilder` over `RowSource`."""

    def employer(self, **over) -> dict:
        """An employer group in one of the states."""
        rng, (first, last, _) = self.rng, self._name()
        company = rng.choice(self.companies)
        domain = "".join(ch for ch in company.lower() if ch.isalnum())[:20]
        return self.add("employers", **{
            "company_name": company, "tax_id": self._tax_id(), "industry": rng.choice(_INDUSTRIES),
            "employee_count": rng.choice((40, 120, 350, 900)),
            "primary_contact_name": f"{first} {last}", "primary_contact_phone": self._phone(),
            "primary_contact_email": f"benefits@{domain}.example.com",
            **self._address(over.pop("state", None) or rng.choice(STATES)),
            "billing_cycle": rng.choices(("monthly", "quarterly", "annually"), (8, 1, 1))[0],
            "payment_method": rng.choice(("ach", "wire", "check")),
            "contract_start_date": self._ago(200, 2500), "status": "active", **over,
        })  # fmt: skip

    def provider(self, *, specialty: str, parent: Provider | None = None, **over) -> Provider:
        """A provider with credentials and, when in network, an active contract and fee schedule."""
        rng, spec = self.rng, SPECIALTY[specialty]
        state = over.pop("state", None) or (parent.state if parent else rng.choice(STATES))
        address, (first, last, _) = self._address(state), self._name()
        place = last if spec.kind == "group" else address["city"]
        org = f"{place} {_ORG_NAMES[spec.category]}" if spec.kind != "individual" else None
        row = self.add("providers", **{
            "parent_id": parent and parent.id, "npi": self._npi(), "provider_type": spec.kind,
            "first_name": None if org else first, "last_name": None if org else last,
            "credentials": spec.letters, "organization_name": org, "tax_id": self._tax_id(),
            "primary_specialty": specialty, "phone": self._phone(), **address,
            "email": f"office{rng.randint(1, 9999)}@example.org",
            "network_status": rng.choices(_NETWORK, (80, 12, 8))[0],
            "accepting_new_patients": rng.random() < 0.85,
            "languages_spoken": ["English", "Spanish"] if rng.random() < 0.3 else ["English"],
            "telehealth_available": rng.random() < (0.8 if spec.category == "mental" else 0.3),
            "status": "active", **over,
        })  # fmt: skip
        self._credentials(row)
        fees = self._contracts(row, spec.category) if row["network_status"] == "in_network" else {}
        return Provider(row["id"], state, spec.category, fees)

    def _credentials(self, p: dict) -> None:
        rng, state = self.rng, p["state"]
        kinds = ["medical_license", "malpractice_insurance"]
        if p["provider_type"] == "individual":
            kinds += ["board_certification"] + (["dea"] if p["credentials"] in ("MD", "DO") else [])
        for kind in kinds:
            status = rng.choices(("verified", "expired", "pending"), (82, 10, 8))[0]
            self.add(
                "provider_credentials", provider_id=p["id"], credential_type=kind,
                credential_number=f"{state}{rng.randint(100000, 999999)}",
                issuing_authority=_AUTHORITY[kind].format(state), issuing_state=state,
                issue_date=self._ago(400, 3600), status=status,
                expiration_date=self._ago(1, 300) if status == "expired" else self._ago(-999, -30),
                verification_date=self._ago(1, 300) if status == "verified" else None,
            )  # fmt: skip

    def _contracts(self, p: dict, category: str) -> dict[str, int]:
        """The active contract's fees; one provider in five also has an expired predecessor."""
        factor = self.rng.uniform(0.9, 1.3)
        start = _month_start(self._ago(120, 1400))
        if self.rng.random() < 0.2:
            self._contract(p, category, years_ago(start, 3), start, factor * 0.92)
        return self._contract(p, category, start, None, factor)

    def _contract(self, p: dict, category: str, start: date, end, factor: float) -> dict:
        renewal = end or _anniversary(start, self.today)
        method = self.rng.choices(("fee_for_service", "bundled", "value_based"), (85, 8, 7))[0]
        contract = self.add(
            "contracts", provider_id=p["id"], contract_type=p["provider_type"],
            effective_date=start, termination_date=end, renewal_date=renewal,
            status="expired" if end else "active", reimbursement_method=method,
            contract_terms="Payment at the lesser of billed charges and the fee schedule.",
        )  # fmt: skip
        fees = {c: round(_PRICES[c][0] * factor) for c in sorted(_CATEGORY_CODES[category])}
        for code, cents in fees.items():
            self.add("fee_schedule_items", contract_id=contract["id"], procedure_code=code,
                     allowed_amount=money(cents))  # fmt: skip
        return fees
