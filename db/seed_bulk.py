"""Synthetic data at scale: employers, providers, families, policies, claims and their trail.

Rows come from one seeded `random.Random` (names from pools of seeded Faker output, because Faker
is slow) and go in with asyncpg's binary COPY. Every row keeps the CHECK constraints of
`db/tables/` and the rules of DOMAIN.md: the claim lifecycle and its timeline, cost sharing
against the policy's deductible and out-of-pocket maximum, appeal due dates, children covered
to 26. Readable numbers come from the migration's sequences, so repeated loads never collide.
"""

from __future__ import annotations

import asyncio
import gc
import json
import random
import uuid
from collections import Counter, defaultdict, namedtuple
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from operator import itemgetter
from typing import NamedTuple

from faker import Faker
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from db import tables as t
from db.reencrypt import seal
from domain.costshare import Accumulators, Plan, share
from domain.identifiers import claim_number, group_number, make_npi, record_number
from domain.triage import is_sensitive, triage


def _spec(names: str, rows: str, *, lists: str = "") -> tuple:
    """Parse a `|`-separated table into namedtuples; `lists` cells are space-separated, - empty."""
    kind = namedtuple("_Row", names)
    listed = {names.split().index(n) for n in lists.split()}

    def cell(i: int, c: str):
        if i in listed:
            return () if c == "-" else tuple(c.split())
        return None if c == "-" else c

    lines = rows.strip().splitlines()
    return tuple(kind(*(cell(i, c) for i, c in enumerate(line.split("|")))) for line in lines)


# State -> cities with their ZIP prefixes; ten states so regulators each see a slice.
_PLACES = {
    "CA": (("Sacramento", "958"), ("San Diego", "921"), ("Fresno", "937")),
    "TX": (("Austin", "787"), ("Houston", "770"), ("Dallas", "752")),
    "NY": (("Albany", "122"), ("Buffalo", "142"), ("Rochester", "146")),
    "FL": (("Tampa", "336"), ("Orlando", "328"), ("Miami", "331")),
    "IL": (("Chicago", "606"), ("Springfield", "627"), ("Peoria", "616")),
    "PA": (("Pittsburgh", "152"), ("Philadelphia", "191"), ("Harrisburg", "171")),
    "OH": (("Columbus", "432"), ("Cleveland", "441"), ("Dayton", "454")),
    "GA": (("Atlanta", "303"), ("Savannah", "314"), ("Macon", "312")),
    "NC": (("Raleigh", "276"), ("Charlotte", "282"), ("Durham", "277")),
    "WA": (("Seattle", "981"), ("Spokane", "992"), ("Tacoma", "984")),
}
STATES = tuple(_PLACES)

# Procedure code -> (contracted fee, billed charge) per unit, in cents.
_PRICES = {
    "99203": (11000, 22000), "99213": (9000, 18000), "99214": (13000, 26000),
    "99393": (11000, 22000), "99394": (12000, 24000), "99395": (12500, 25000),
    "99396": (14000, 28000), "G0438": (17000, 26000), "99283": (14000, 45000),
    "99285": (30000, 120000), "36415": (300, 2000), "85025": (1000, 4500),
    "80053": (1500, 6000), "71046": (3500, 15000), "70553": (40000, 300000),
    "29881": (90000, 650000), "97110": (3000, 8000), "97140": (2800, 7500),
    "J1100": (100, 1500), "J0696": (150, 3000), "90791": (17000, 30000),
    "90834": (10000, 18000), "90837": (14000, 25000), "D0120": (4500, 8000),
    "D1110": (8500, 14000), "D0274": (5500, 9500), "D2740": (110000, 160000),
    "92004": (15000, 26000), "92014": (13000, 22000),
}  # fmt: skip
_PREVENTIVE = ((12, "99393"), (18, "99394"), (40, "99395"), (65, "99396"), (999, "G0438"))
_PER_UNIT = {"97110": (2, 4), "97140": (1, 3), "J1100": (1, 4), "J0696": (1, 2)}

# What a claim is: service | claim type | provider category | places of service | first-line
# codes | add-on codes | ICD-10-CM codes | weight | triage before the amount check | cost share
TEMPLATES = _spec(
    "service claim_type category pos primary addons diagnoses weight triage share",
    """
Office visit|medical|primary|11|99213 99214|36415 85025 80053|I10 E11.9 J06.9 M54.50|30|normal|pcp
New patient visit|medical|primary|11|99203|36415 85025|R10.9 J45.909 E78.5|8|normal|pcp
Preventive visit|medical|primary|11|99395 99396|36415 80053|Z00.00|7|low|preventive
Emergency visit|medical|hospital|23|99283 99285|71046 85025 J1100|R07.9 S93.401A J18.9|6|urgent|er
Imaging|medical|imaging|22 11|71046 70553|-|R07.9 R51.9 R05.9|5|normal|coinsurance
Knee arthroscopy|medical|hospital|22 24|29881|J1100 36415|S83.241A M23.91|1|normal|coinsurance
Physical therapy|medical|therapy|11|97110|97140|M54.50 M25.561|5|normal|specialist
Psychotherapy|mental_health|mental|11 02|90834 90837 90791|-|F32.1 F41.1 F10.20|9|normal|specialist
Dental cleaning|dental|dental|11|D0120 D1110|D0274|Z01.20 K05.10 K02.9|7|low|preventive
Dental crown|dental|dental|11|D2740|-|K02.52|1|normal|coinsurance
Eye exam|vision|vision|11|92014 92004|-|H52.13 H52.4 H52.223|5|low|preventive
Prescription drug|pharmacy|pharmacy|01|J0696 J1100|-|J02.9 J20.9 L03.90|5|normal|coinsurance
""",
    lists="pos primary addons diagnoses",
)
_TEMPLATE_BAG = tuple(tp for tp in TEMPLATES for _ in range(int(tp.weight)))  # choice() is fast
HIGH_BILLED_CENTS = 250000  # triage: above this a claim is `high` unless it is urgent

# Provider category | specialty | provider type | credential letters | weight in the directory
_SPECIALTIES = _spec(
    "category specialty kind letters weight",
    """
primary|Family Medicine|individual|MD|20
primary|Internal Medicine|individual|DO|12
primary|Pediatrics|individual|MD|8
mental|Psychiatry|individual|MD|5
mental|Clinical Psychology|individual|PhD|5
mental|Clinical Social Work|individual|LCSW|5
dental|General Dentistry|individual|DDS|10
vision|Optometry|individual|OD|6
therapy|Physical Therapy|individual|DPT|6
hospital|General Acute Care Hospital|facility|-|4
imaging|Diagnostic Radiology|facility|-|3
pharmacy|Pharmacy|facility|-|5
primary|Multi-Specialty Group|group|-|0
""",
)
SPECIALTY = {s.specialty: s for s in _SPECIALTIES}
_CATEGORY_CODES: dict[str, set[str]] = defaultdict(set)
for _tp in TEMPLATES:
    _CATEGORY_CODES[_tp.category].update(_tp.primary + _tp.addons)
_CATEGORY_CODES["primary"].update(code for _, code in _PREVENTIVE)
_ORG_NAMES = {
    "hospital": "Regional Medical Center", "imaging": "Imaging Center", "pharmacy": "Pharmacy",
    "primary": "Health Partners",
}  # fmt: skip
_AUTHORITY = {
    "medical_license": "{} State Medical Board", "board_certification": "Specialty Board",
    "dea": "Drug Enforcement Administration", "malpractice_insurance": "Liability Carrier",
}  # fmt: skip
_NETWORK = ("in_network", "out_of_network", "pending")
_BLOOD_TYPES = ("O+", "O+", "A+", "A+", "B+", "AB+", "O-", "A-")
_ALLERGIES = (None,) * 17 + ("Penicillin", "Peanuts", "Latex")
_CONDITIONS = (None,) * 14 + ("Hypertension", "Hypertension", "Type 2 diabetes", "Asthma",
                              "Hyperlipidemia")  # fmt: skip
_INDUSTRIES = ("Manufacturing", "Retail", "Technology", "Education", "Logistics", "Hospitality")
_APPEAL_REASONS = (
    "The service was medically necessary; records from the treating provider attached.",
    "Prior authorization was obtained; reference number enclosed.",
    "The claim was coded incorrectly and has been corrected.",
    "The provider was in network on the date of service.",
)
_DECISIONS = {
    "upheld": "The original decision stands under the plan's terms.",
    "overturned": "Documentation supports coverage; the claim is re-adjudicated.",
    "withdrawn": "Withdrawn at the claimant's request.",
}

# Claim adjustment reason codes with our own short labels (X12's texts are licensed).
DENIALS = (
    ("50", "Not medically necessary"), ("96", "Non-covered charge"),
    ("97", "Included in another service already adjudicated"),
    ("197", "Precertification or authorization absent"),
    ("204", "Service not covered under the current benefit plan"),
    ("16", "Claim lacks information needed for adjudication"),
    ("11", "Diagnosis inconsistent with the procedure"), ("18", "Duplicate claim or service"),
)  # fmt: skip

# outcome | final status | adjudication | appeal | weight | minimum age in days | maximum age
OUTCOMES = _spec(
    "name status decision appeal weight min_age max_age",
    """
submitted|submitted|-|-|7|0|21
under_review|under_review|-|-|6|1|30
approved|approved|approved|-|5|4|730
partially_approved|partially_approved|partially_approved|-|4|4|730
denied|denied|denied|-|8|4|170
paid|paid|approved|-|48|6|730
paid_partial|paid|partially_approved|-|6|6|730
appealed|appealed|denied|open|3|20|110
appealed_partial|appealed|partially_approved|open|1|20|110
denied_upheld|denied|denied|upheld|3|60|730
denied_withdrawn|denied|denied|withdrawn|1|60|730
paid_overturned|paid|denied|overturned|1|60|730
""",
)
_OUTCOME_BAG = tuple(o for o in OUTCOMES for _ in range(int(o.weight)))
_URGENCY_BAG = ("post_service",) * 8 + ("pre_service", "urgent")
# Appeal decision deadlines, 29 CFR 2560.503-1(i).
_DUE = {"urgent": timedelta(hours=72), "pre_service": timedelta(days=30),
        "post_service": timedelta(days=60)}  # fmt: skip
_PLANS = {  # level -> deductible, out-of-pocket max, plan share %, copays (pcp, spec, er), premium
    "Bronze": (600000, 920000, 60, (4000, 8000, 50000), 42000),
    "Silver": (250000, 750000, 70, (3000, 6000, 35000), 50000),
    "Gold": (100000, 500000, 80, (2500, 5000, 25000), 59000),
    "Platinum": (25000, 300000, 90, (1500, 3000, 15000), 68000),
}
_PREMIUM_FACTOR = {"individual": 1.0, "individual_spouse": 2.0, "individual_children": 1.8}

# COPY writes parents before children.
_COPY_ORDER = ("employers", "providers", "provider_credentials", "contracts",
               "fee_schedule_items", "members", "dependents", "policies", "claims", "claim_lines",
               "claim_events", "appeals", "payments")  # fmt: skip
_NUMBERS = {  # table -> (column, sequence, prefix)
    "employers": ("group_number", "employer_group_seq", "GRP"),
    "contracts": ("contract_number", "contract_number_seq", "CTR"),
    "members": ("member_number", "member_number_seq", "MBR"),
    "policies": ("policy_number", "policy_number_seq", "POL"),
    "claims": ("claim_number", "claim_number_seq", "CLM"),
    "appeals": ("appeal_number", "appeal_number_seq", "APL"),
    "payments": ("payment_number", "payment_number_seq", "PAY"),
}
_CHUNK = 2000  # families per COPY round: memory stays bounded


def _cents(amount: Decimal) -> int:
    return int(amount * 100)


def money(cents: int) -> Decimal:
    """Cents as the Decimal a Numeric(12, 2) column takes."""
    return Decimal(cents).scaleb(-2)


def years_ago(day: date, years: int, *, days: int = 0) -> date:
    """The date `years` years and `days` days before `day` (29 February falls back a day)."""
    d = day - timedelta(days=days)
    leap_day = (d.month, d.day) == (2, 29)
    return date(d.year - years, 2, 28) if leap_day else d.replace(year=d.year - years)


def _month_start(day: date, back: int = 0) -> date:
    """The first day of the month `back` months before `day`'s month."""
    y, m = divmod(day.year * 12 + day.month - 1 - back, 12)
    return date(y, m + 1, 1)


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


class Patient(NamedTuple):
    dependent_id: uuid.UUID | None  # None: the subscriber
    age: int
    covered_from: date


@dataclass
class Provider:
    """What routing and pricing need to know of a provider."""

    id: uuid.UUID
    state: str
    category: str
    fees: dict[str, int] = field(default_factory=dict)  # contracted fee per unit, in cents


@dataclass
class Family:
    """A subscriber, the covered patients and the policy's cost-sharing terms (in cents)."""

    member_id: uuid.UUID
    state: str
    policy_id: uuid.UUID
    terms: dict
    patients: list[Patient]
    spent: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0]))  # year: ded, oop


class ProviderPool:
    """Providers by category and state, so most care happens close to home."""

    def __init__(self, providers: Sequence[Provider]) -> None:
        self.by: dict = defaultdict(list)
        for p in providers:
            self.by[p.category].append(p)
            self.by[p.category, p.state].append(p)
        self.all = list(providers)

    def pick(self, rng: random.Random, category: str, state: str) -> Provider:
        """A provider of the category, in the state 85% of the time when there is one."""
        local = self.by.get((category, state))
        if local and rng.random() < 0.85:
            return rng.choice(local)
        return rng.choice(self.by.get(category) or self.all)


class SeedBuilder:
    """Rows drawn from one seeded Random, queued per table and written with COPY.

    Generators take keyword overrides (`id=`, names, ...) that win over drawn values: the demo
    uses them for its personas.
    """

    def __init__(self, *, seed: int | str, today: date, adjudicator_ids: Sequence = ()) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.anchor = datetime.combine(today, time(), UTC)  # every timestamp is before today
        self.adjudicators = list(adjudicator_ids)
        self.rows: dict[str, list[dict]] = defaultdict(list)
        self.counts: Counter = Counter()
        self._npis: set[str] = set()
        fake = Faker("en_US")
        fake.seed_instance(seed)
        self.first = {g: [getattr(fake, f"first_name_{g}")() for _ in range(300)]
                      for g in ("male", "female")}  # fmt: skip
        self.last = [fake.last_name() for _ in range(600)]
        self.streets = [fake.street_address() for _ in range(1000)]
        self.companies = [fake.company() for _ in range(200)]

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def add(self, table: str, **row) -> dict:
        """Queue a row, drawing its id unless given."""
        if "id" not in row:
            row["id"] = self.uuid()
        self.rows[table].append(row)
        return row

    def take(self) -> dict[str, list[dict]]:
        """The queued rows, leaving the queue empty."""
        batch, self.rows = self.rows, defaultdict(list)
        return batch

    def _ago(self, lo: int, hi: int) -> date:
        return self.today - timedelta(days=self.rng.randint(lo, hi))

    def _phone(self) -> str:
        return f"({self.rng.randint(201, 989)}) 555-01{self.rng.randint(0, 99):02d}"  # fictional

    def _ssn(self) -> str:
        r = self.rng  # area numbers 900-999 are never issued as SSNs
        return f"9{r.randint(0, 99):02d}-{r.randint(10, 99)}-{r.randint(1000, 9999)}"

    def _tax_id(self) -> str:
        return f"{self.rng.randint(10, 99)}-{self.rng.randint(10**6, 10**7 - 1)}"

    def _address(self, state: str) -> dict:
        city, zip3 = self.rng.choice(_PLACES[state])
        return {"address_line1": self.rng.choice(self.streets), "city": city, "state": state,
                "zip_code": f"{zip3}{self.rng.randint(0, 99):02d}"}  # fmt: skip

    def _name(self) -> tuple[str, str, str]:
        gender = self.rng.choices(("female", "male", "other"), (49, 49, 2))[0]
        first = self.rng.choice(self.first["male" if gender == "male" else "female"])
        return first, self.rng.choice(self.last), gender

    def _npi(self) -> str:
        # Bases 100000000-189999999: the demo's fixed NPIs use 19xxxxxxx, so they never meet.
        while (npi := make_npi(str(self.rng.randint(100_000_000, 189_999_999)))) in self._npis:
            pass
        self._npis.add(npi)
        return npi

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
                term = _month_start(birthday, -1) - timedelta(days=1)
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
        scale = 1 if level == "individual" else 2  # a family's deductible and cap are pooled
        terms = {"deductible": deductible * scale, "oop": oop * scale, "share": share, "oon": oon,
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
            ded, copay, coins = self._share(fam, service_date.year, allowed, template.share)
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
            "notes": "Denial overturned on appeal." if appeal == "overturned" else None,
            "submitted_by": submitted_by, "processed_by": adjudicator if decision else None,
            "assigned_to": None if status == "submitted" else adjudicator, "priority": priority,
            "triage_confidence": verdict.confidence,
            "triage_reasons": json.dumps(list(verdict.reasons)),
            "is_sensitive": is_sensitive(dx),
            "requires_manual_review": billed > HIGH_BILLED_CENTS,
            "is_duplicate": denial is not None and denial[0] == "18", "version": len(steps),
            "created_at": submitted_at, "updated_at": steps[-1][0], **over,
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

    def _share(self, fam: Family, year: int, allowed: int, kind: str) -> tuple[int, int, int]:
        """Deductible, copay and coinsurance (in cents) by the domain's cost-sharing rule."""
        terms, spent = fam.terms, fam.spent[year]
        copay = terms.get(kind) if kind != "preventive" else None
        plan = Plan(
            deductible=money(terms["deductible"]),
            out_of_pocket_max=money(terms["oop"]),
            coinsurance_percentage=terms["share"],
            out_of_network_percentage=terms["oon"],
            copay=money(copay) if copay else None,
        )
        result = share(
            [money(allowed)],
            plan=plan,
            met=Accumulators(money(spent[0]), money(spent[1])),
            preventive=kind == "preventive",
        )
        spent[0] = _cents(result.accumulators.deductible_met)
        spent[1] = _cents(result.accumulators.out_of_pocket_met)
        return _cents(result.deductible), _cents(result.copay), _cents(result.coinsurance)

    async def flush(self, conn: AsyncConnection) -> None:
        """COPY every queued row."""
        await self.write(conn, self.take())

    async def write(self, conn: AsyncConnection, batch: dict[str, list[dict]]) -> None:
        """COPY a batch, parents first, numbering rows from the migration's sequences."""
        if not conn.in_transaction():
            await conn.begin()
        driver = (await conn.get_raw_connection()).driver_connection
        for table in _COPY_ORDER:
            rows = batch.get(table)
            if not rows:
                continue
            if table in _NUMBERS:
                await self._number(conn, table, rows)
            if table == "providers":
                await self._unique_npis(conn, rows)
            seal(table, rows)  # COPY bypasses the column types: encrypt and index here
            columns = tuple(set().union(*rows))
            records = _records(rows, columns)
            await driver.copy_records_to_table(table, records=records, columns=columns)
            self.counts[table] += len(rows)

    async def _number(self, conn: AsyncConnection, table: str, rows: list[dict]) -> None:
        column, sequence, prefix = _NUMBERS[table]
        if table != "claims":
            values = await _next_values(conn, sequence, len(rows))
            for row, value in zip(rows, values, strict=True):
                row[column] = (
                    group_number(value) if prefix == "GRP" else record_number(prefix, value)
                )
            return
        # CLM-YYYYMMDD-NNNNNN: the six digits wrap every million claims, so redraw any clash.
        seen: set[str] = set()
        todo = rows
        while todo:
            values = await _next_values(conn, sequence, len(todo))
            for row, value in zip(todo, values, strict=True):
                row[column] = claim_number(row["submission_date"].date(), value % 1_000_000)
            taken = await _existing(conn, table, column, [row[column] for row in todo])
            clashes = []
            for row in todo:
                if row[column] in taken or row[column] in seen:
                    clashes.append(row)
                else:
                    seen.add(row[column])
            todo = clashes

    async def _unique_npis(self, conn: AsyncConnection, rows: list[dict]) -> None:
        todo = rows
        while todo:  # an NPI an earlier load drew: draw again
            taken = await _existing(conn, "providers", "npi", [row["npi"] for row in todo])
            todo = [row for row in todo if row["npi"] in taken]
            for row in todo:
                row["npi"] = self._npi()


def _anniversary(start: date, today: date) -> date:
    """The next anniversary of a first-of-month date, after today."""
    this_year = start.replace(year=today.year)
    return this_year if this_year > today else this_year.replace(year=today.year + 1)


def _records(rows: list[dict], columns: tuple[str, ...]) -> list[tuple]:
    """Rows as tuples in column order; a row without some column gives NULL there."""
    getter = itemgetter(*columns)
    try:
        return [getter(row) for row in rows]  # fast path: every row has every column
    except KeyError:
        return [tuple(map(row.get, columns)) for row in rows]


async def _next_values(conn: AsyncConnection, sequence: str, n: int) -> list[int]:
    # One nextval per row rather than a setval block: safe while the app numbers rows too.
    sql = text("SELECT nextval(CAST(:s AS regclass)) FROM generate_series(1, :n)")
    return list((await conn.execute(sql, {"s": sequence, "n": n})).scalars())


async def _existing(conn: AsyncConnection, table: str, column: str, values: list[str]) -> set[str]:
    sql = text(f"SELECT {column} FROM {table} WHERE {column} = ANY(CAST(:v AS text[]))")
    return set((await conn.execute(sql, {"v": values})).scalars())


async def _known(conn: AsyncConnection, employer_ids: Sequence, provider_ids: Sequence):
    """Employers and providers made elsewhere (the demo's), providers with their active fees."""
    e, p, c, f = t.employers, t.providers, t.contracts, t.fee_schedule_items
    found = await conn.execute(select(e.c.id, e.c.state).where(e.c.id.in_(employer_ids)))
    employers = [{"id": row.id, "state": row.state} for row in found]
    found = await conn.execute(
        select(p.c.id, p.c.state, p.c.primary_specialty).where(p.c.id.in_(provider_ids))
    )
    providers = {
        row.id: Provider(row.id, row.state, getattr(SPECIALTY.get(row.primary_specialty),
                                                    "category", "primary"))
        for row in found
    }  # fmt: skip
    fees = await conn.execute(
        select(c.c.provider_id, f.c.procedure_code, f.c.allowed_amount)
        .join(f, f.c.contract_id == c.c.id)
        .where(c.c.provider_id.in_(provider_ids), c.c.status == "active")
    )
    for provider_id, code, amount in fees:
        providers[provider_id].fees[code] = int(amount * 100)
    return employers, list(providers.values())


@contextmanager
def _gc_paused():
    # Millions of acyclic rows: the cycle collector would rescan them over and over.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


async def load_members(
    conn: AsyncConnection,
    *,
    count: int,
    seed: int = 7,
    claims_per_member: int = 10,
    today: date | None = None,
    employer_ids: Sequence = (),
    provider_ids: Sequence = (),
    adjudicator_ids: Sequence = (),
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Load `count` synthetic families with their providers, employers, claims and payments.

    The rows follow from `seed` and the state of the member sequence, so a load on a fresh
    database is reproducible and a load on top draws fresh ids instead of colliding. Existing
    `employer_ids` and `provider_ids` take part beside the ones created; `adjudicator_ids`
    (users) process the claims; `progress(n)` hears of each `n` members written. The caller
    commits. Returns the rows written per table.
    """
    salt = await conn.scalar(text("SELECT last_value FROM member_number_seq"))
    b = SeedBuilder(seed=f"{seed}:{salt}", today=today or date.today(),
                    adjudicator_ids=adjudicator_ids)  # fmt: skip
    rng = b.rng
    known_employers, known_providers = await _known(conn, employer_ids, provider_ids)
    employers = [b.employer() for _ in range(max(1, count // 200))] + known_employers
    providers = []
    for _ in range(count // 1000 + 2):  # groups with their practitioners
        providers.append(group := b.provider(specialty="Multi-Specialty Group"))
        for _ in range(rng.randint(2, 4)):
            kind = rng.choice(("Family Medicine", "Internal Medicine", "Pediatrics", "Psychiatry"))
            providers.append(b.provider(specialty=kind, parent=group))
    singles = [s for s in _SPECIALTIES if int(s.weight)]
    weights = [int(s.weight) for s in singles]
    drawn = rng.choices(singles, weights, k=max(0, count // 40 - len(singles)))
    for spec in singles + drawn:  # every specialty at least once
        providers.append(b.provider(specialty=spec.specialty))
    pool = ProviderPool(providers + known_providers)

    def families(n: int) -> dict[str, list[dict]]:
        for _ in range(n):
            family = b.family(employer=rng.choice(employers) if rng.random() < 0.85 else None)
            b.claims(family, claims_per_member, pool)
        return b.take()

    with _gc_paused():
        await b.flush(conn)
        # Draw the next chunk in a thread while PostgreSQL takes in the last one, so both cores
        # work. Only that thread touches the Random meanwhile, so the rows stay the same.
        batch: dict = {}
        drawn = 0  # members in `batch`, written on the next turn
        for start in range(0, count, _CHUNK):
            job = asyncio.to_thread(families, min(_CHUNK, count - start))
            batch, _ = await asyncio.gather(job, b.write(conn, batch))
            if progress is not None and drawn:
                progress(drawn)
            drawn = min(_CHUNK, count - start)
        await b.write(conn, batch)
        if progress is not None:
            progress(drawn)
    return dict(b.counts)
