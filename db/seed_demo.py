"""Deterministic demo data: the personas of ACCESS.md, the world they are tied to, a population.

One family (a subscriber, her spouse, their son of 20 and daughter of 9) under one employer,
treated by one provider group of two practitioners; one user per role; then a background of
synthetic members, providers and claims from `seed_bulk` so every list and filter shows
something. Persona rows have fixed ids (uuid5), everything else comes from fixed seeds.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

from argon2 import PasswordHasher
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from db import seed_bulk
from db.seed_bulk import OUTCOMES, TEMPLATES, SeedBuilder, years_ago
from db.tables import users
from domain.identifiers import make_npi

DEMO_PASSWORD = "demo-password"
NAMESPACE = uuid.UUID("5f0c3a52-7d1e-4b8e-9a57-c1a1e0d3b2f4")
STATE = "CA"  # the provider group's state, and so the regulator's jurisdiction

PERSONAS: list[tuple[str, str, str]] = [
    ("admin@example.com", "admin", "Plan staff: sees everything, uses GraphiQL"),
    ("adjudicator@example.com", "adjudicator", "Claims staff: adjudicated the family's claims"),
    ("adjudicator2@example.com", "adjudicator", "Claims staff: may decide appeals on those claims"),
    ("auditor@example.com", "auditor", "Compliance officer: reads the audit log"),
    ("member@example.com", "member", "Maria Alvarez: subscriber; spouse, son of 20, daughter of 9"),
    ("adult.child@example.com", "dependent", "Lucas Alvarez, 20: adult dependent of Maria"),
    ("provider@example.com", "provider", "Staff of Riverside Family Health (two practitioners)"),
    ("employer@example.com", "employer", "Benefits administrator of Northwind Logistics"),
    ("regulator@example.com", "regulator", f"Insurance regulator of {STATE}: read-only"),
]
_PRACTITIONERS = (  # key, specialty, name, NPI base (19xxxxxxx: bulk loads never draw these)
    ("doctor", "Family Medicine", "Grace", "Okafor", "199000002"),
    ("therapist", "Psychiatry", "Samuel", "Reyes", "199000003"),
)
_DEPENDENTS = (  # key, relationship, first name, gender, age today, medical fields
    ("spouse", "spouse", "Daniel", "male", 46, "O+", None, "Hyperlipidemia"),
    ("adult", "child", "Lucas", "male", 20, "A+", "Peanuts", None),
    ("minor", "child", "Sofia", "female", 9, "A+", None, None),
)
_DISPLAY_NAMES = ("Avery Admin", "Jordan Adjudicator", "Casey Adjudicator", "Morgan Auditor",
                  "Maria Alvarez", "Lucas Alvarez", "Riverside Front Desk", "Priya Benefits",
                  "Robin Regulator")  # fmt: skip

_DENIAL = {"denial_code": "50", "denial_reason": "Not medically necessary"}
# The family's claims, oldest first so deductibles accumulate in order: patient, service,
# outcome, provider, days since submission, ICD-10-CM codes.
_FAMILY_CLAIMS = (
    ("member", "Office visit", "paid", "doctor", 320, ("I10",)),
    ("member", "Preventive visit", "paid", "group", 210, ("Z00.00",)),
    ("spouse", "New patient visit", "paid", "doctor", 150, ("E78.5",)),
    ("minor", "Office visit", "paid", "doctor", 120, ("J06.9",)),
    ("member", "Office visit", "partially_approved", "doctor", 95, ("M54.50",)),
    ("adult", "Office visit", "approved", "doctor", 75, ("S93.401A",)),
    ("adult", "Psychotherapy", "paid", "therapist", 60, ("F32.1",)),
    ("member", "Office visit", "appealed", "doctor", 40, ("E11.9",)),
    ("member", "New patient visit", "denied", "group", 20, ("R10.9",)),
    ("spouse", "Office visit", "under_review", "doctor", 3, ("J06.9",)),
    ("adult", "Psychotherapy", "submitted", "therapist", 2, ("F32.1",)),
    ("minor", "Preventive visit", "submitted", "group", 1, ("Z00.00",)),
)


def _id(key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, key)


async def load_demo(conn: AsyncConnection, *, today: date | None = None) -> bool:
    """Load the demo data unless admin@example.com exists; True when loaded. The caller commits."""
    if await conn.scalar(select(users.c.id).where(users.c.email == PERSONAS[0][0])):
        return False
    today = today or date.today()
    adjudicators = [_id("adjudicator@example.com"), _id("adjudicator2@example.com")]
    b = SeedBuilder(seed="claimgraph-demo", today=today, adjudicator_ids=adjudicators[:1])
    employer = b.employer(id=_id("employer"), company_name="Northwind Logistics", state=STATE)
    group = b.provider(
        specialty="Multi-Specialty Group", id=_id("group"), npi=make_npi("199000001"),
        organization_name="Riverside Family Health", state=STATE, network_status="in_network",
    )  # fmt: skip
    providers = {"group": group} | {
        key: b.provider(specialty=specialty, parent=group, id=_id(key), npi=make_npi(npi),
                        first_name=first, last_name=last, network_status="in_network")
        for key, specialty, first, last, npi in _PRACTITIONERS
    }  # fmt: skip
    family = b.family(
        employer=employer, policy_id=_id("policy"), premiums=True, plan=("PPO", "Gold"),
        member={"id": _id("member"), "first_name": "Maria", "middle_name": "L",
                "last_name": "Alvarez", "gender": "female", "state": STATE,
                "email": "maria.alvarez@example.com", "phone": "(916) 555-0141",
                "date_of_birth": years_ago(today, 44, days=130), "blood_type": "O-",
                "allergies": "Penicillin", "medical_conditions": "Type 2 diabetes"},
        dependents=[_dependent(today, *spec) for spec in _DEPENDENTS],
    )  # fmt: skip
    await b.flush(conn)  # the users' ties must exist before the users
    await conn.execute(insert(users), _users())
    _family_claims(b, family, providers, today)
    await b.flush(conn)
    await seed_bulk.load_members(
        conn, count=600, claims_per_member=4, seed=2024, today=today,
        employer_ids=[employer["id"]], provider_ids=[p.id for p in providers.values()],
        adjudicator_ids=adjudicators,
    )  # fmt: skip
    return True


def _dependent(today: date, key, relationship, first, gender, age, blood, allergies, conditions):
    born = years_ago(today, age, days=40 + 3 * age)  # a birthday weeks back: the age holds a while
    contact = {"email": f"{first.lower()}.alvarez@example.com", "phone": "(916) 555-0142"}
    return {"id": _id(key), "relationship": relationship, "first_name": first,
            "last_name": "Alvarez", "gender": gender, "date_of_birth": born, "blood_type": blood,
            "allergies": allergies, "medical_conditions": conditions,
            **(contact if age >= 18 else {"email": None, "phone": None})}  # fmt: skip


def _users() -> list[dict]:
    """One user per persona, tied to its record; each gets its own argon2 hash (own salt)."""
    hasher = PasswordHasher()
    ties = {
        "member": {"member_id": _id("member")},
        "dependent": {"dependent_id": _id("adult")},
        "provider": {"provider_id": _id("group")},
        "employer": {"employer_id": _id("employer")},
        "regulator": {"jurisdiction": STATE},
    }
    none = dict.fromkeys(
        ("member_id", "dependent_id", "provider_id", "employer_id", "jurisdiction")
    )
    return [
        none | ties.get(role, {}) | {
            "id": _id(email), "email": email, "display_name": name, "role": role,
            "password_hash": hasher.hash(DEMO_PASSWORD), "status": "active",
        }
        for (email, role, _), name in zip(PERSONAS, _DISPLAY_NAMES, strict=True)
    ]  # fmt: skip


def _family_claims(b: SeedBuilder, family, providers: dict, today: date) -> None:
    """The family's claims, submitted by the group's staff, oldest first."""
    templates = {tp.service: tp for tp in TEMPLATES}
    outcomes = {o.name: o for o in OUTCOMES}
    patients = dict(zip(("member", "spouse", "adult", "minor"), family.patients, strict=True))
    morning = datetime.combine(today, time(9), UTC)
    for who, service, outcome, provider, days, diagnoses in _FAMILY_CLAIMS:
        denial = _DENIAL if outcome in ("denied", "appealed") else {}
        b.claim(
            family, patient=patients[who], outcome=outcomes[outcome],
            template=templates[service], provider=providers[provider],
            submitted_at=morning - timedelta(days=days), diagnoses=diagnoses,
            submitted_by=_id("provider@example.com"), filed_by=_id("member@example.com"),
            appeal_status="submitted", urgency="post_service", **denial,
        )  # fmt: skip
    _corrections(b, family, patients, providers["doctor"], templates, outcomes, morning)


def _corrections(b: SeedBuilder, family, patients, doctor, templates, outcomes, morning) -> None:
    """The group fixed a claim after it was approved (a replacement, X12 frequency code 7)
    and withdrew one it filed by mistake (a void, 8): every claim status occurs."""
    common = {"patient": patients["spouse"], "template": templates["Office visit"],
              "provider": doctor, "diagnoses": ("J06.9",),
              "submitted_by": _id("provider@example.com"), "filed_by": None}  # fmt: skip
    first = b.claim(family, outcome=outcomes["approved"],
                    submitted_at=morning - timedelta(days=30), **common)  # fmt: skip
    fixed_at = morning - timedelta(hours=20)
    corrected = b.claim(family, outcome=outcomes["submitted"], submitted_at=fixed_at,
                        frequency_code="replacement", replaces_claim_id=first["id"],
                        **common)  # fmt: skip
    _ended(b, first, "replaced", fixed_at, replaced_by_claim_id=corrected["id"])
    mistaken = b.claim(family, outcome=outcomes["submitted"],
                       submitted_at=morning - timedelta(days=2), **common)  # fmt: skip
    _ended(b, mistaken, "voided", morning - timedelta(days=1))


def _ended(b: SeedBuilder, claim: dict, status: str, when: datetime, **links) -> None:
    """A claim the provider replaced or voided at `when`, with its timeline step."""
    b.add("claim_events", claim_id=claim["id"], actor_id=_id("provider@example.com"),
          action=status, old_status=claim["status"], new_status=status, details=None,
          created_at=when)  # fmt: skip
    claim.update(status=status, version=claim["version"] + 1, updated_at=when, **links)
