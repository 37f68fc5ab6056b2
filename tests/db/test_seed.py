"""The seed data as a user meets it: the personas' world, a full spread of claims, sound numbers."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select, text

from db import tables as t
from db.seed_bulk import ProviderPool, SeedBuilder, load_members
from db.seed_demo import PERSONAS, load_demo
from domain.enums import ClaimStatus, ClaimType, Priority
from domain.identifiers import is_valid_npi
from tests.conftest import demo_database

COUNTED = ("members", "dependents", "providers", "employers", "claims", "appeals", "payments")
FORMATS = {  # table, column -> the format people read
    ("members", "member_number"): r"MBR-\d{8}",
    ("policies", "policy_number"): r"POL-\d{8}",
    ("claims", "claim_number"): r"CLM-\d{8}-\d{6}",
    ("appeals", "appeal_number"): r"APL-\d{8}",
    ("contracts", "contract_number"): r"CTR-\d{8}",
    ("payments", "payment_number"): r"PAY-\d{8}",
    ("employers", "group_number"): r"GRP-\d{6}",
}


@pytest.fixture(scope="module")
def seeded_url(new_database) -> str:
    """A database of this module's own, with the demo and nothing another test added: these
    tests check every row of a kind (formats, sums, timelines), which is what the seed
    makes only where no other test has written, whatever order the suite runs in."""
    return demo_database(new_database)


@pytest.fixture(scope="module")
async def engine(seeded_url):
    from db.engine import make_engine

    eng = make_engine(seeded_url, pool_size=2)
    yield eng
    await eng.dispose()


def _age(born: date) -> int:
    today = date.today()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


async def _counts(conn) -> dict[str, int]:
    return {
        name: await conn.scalar(select(func.count()).select_from(t.metadata.tables[name]))
        for name in COUNTED
    }


async def _user(conn, email: str):
    return (await conn.execute(select(t.users).where(t.users.c.email == email))).one()


async def test_loading_the_demo_again_changes_nothing(engine):
    async with engine.begin() as conn:
        before = await _counts(conn)
        assert await load_demo(conn) is False
        assert await _counts(conn) == before


async def test_every_persona_has_a_user_with_its_role(engine):
    async with engine.connect() as conn:
        found = dict((await conn.execute(select(t.users.c.email, t.users.c.role))).all())
    assert {email: role for email, role, _ in PERSONAS}.items() <= found.items()


async def test_the_member_has_a_spouse_a_minor_and_an_adult_child_of_20(engine):
    async with engine.connect() as conn:
        member = await _user(conn, "member@example.com")
        d, p = t.dependents, t.policies
        family = (await conn.execute(select(d).where(d.c.member_id == member.member_id))).all()
        policy = (await conn.execute(select(p).where(p.c.member_id == member.member_id))).one()
    assert sorted(x.relationship for x in family) == ["child", "child", "spouse"]
    children = [_age(x.date_of_birth) for x in family if x.relationship == "child"]
    assert 20 in children and any(age < 18 for age in children)
    assert (policy.status, policy.coverage_level) == ("active", "family")


async def test_the_adult_child_user_is_that_dependent(engine):
    async with engine.connect() as conn:
        member = await _user(conn, "member@example.com")
        adult = await _user(conn, "adult.child@example.com")
        d = t.dependents
        dependent = (await conn.execute(select(d).where(d.c.id == adult.dependent_id))).one()
    assert dependent.member_id == member.member_id
    assert _age(dependent.date_of_birth) == 20


async def test_the_provider_is_a_group_of_two_and_the_regulator_oversees_its_state(engine):
    p, c = t.providers, t.claims
    async with engine.connect() as conn:
        staff = await _user(conn, "provider@example.com")
        regulator = await _user(conn, "regulator@example.com")
        member = await _user(conn, "member@example.com")
        group = (await conn.execute(select(p).where(p.c.id == staff.provider_id))).one()
        practitioners = (await conn.execute(select(p).where(p.c.parent_id == group.id))).all()
        ours = [group.id, *(x.id for x in practitioners)]
        strangers = await conn.scalar(
            select(func.count())
            .where(c.c.provider_id.in_(ours), c.c.member_id != member.member_id)
        )  # fmt: skip
    assert group.provider_type == "group" and len(practitioners) == 2
    assert {x.provider_type for x in practitioners} == {"individual"}
    assert regulator.jurisdiction == group.state
    assert strangers > 0, "the group treats people outside the demo family too"


async def test_the_employer_is_the_family_s_and_has_a_roster(engine):
    m = t.members
    async with engine.connect() as conn:
        member = await _user(conn, "member@example.com")
        employer = await _user(conn, "employer@example.com")
        own = await conn.scalar(select(m.c.employer_id).where(m.c.id == member.member_id))
        roster = await conn.scalar(select(func.count()).where(m.c.employer_id == own))
    assert own == employer.employer_id
    assert roster >= 30


async def test_the_family_claims_run_the_lifecycle_with_a_sensitive_visit_and_an_appeal(engine):
    c = t.claims
    async with engine.connect() as conn:
        member = await _user(conn, "member@example.com")
        adult = await _user(conn, "adult.child@example.com")
        adjudicator = await _user(conn, "adjudicator@example.com")
        claims = (await conn.execute(select(c).where(c.c.member_id == member.member_id))).all()
        appeal = (
            await conn.execute(select(t.appeals).join(c).where(c.c.member_id == member.member_id))
        ).one()
    assert {x.status for x in claims} == set(ClaimStatus)
    sensitive = [x for x in claims if x.is_sensitive]
    assert sensitive and all(x.dependent_id == adult.dependent_id for x in sensitive)
    assert any("F32.1" in x.diagnosis_codes and x.claim_type == "mental_health" for x in sensitive)
    decided = [x for x in claims if x.status not in ("submitted", "under_review", "voided")]
    assert {x.processed_by for x in decided} == {adjudicator.id}
    appealed = next(x for x in claims if x.id == appeal.claim_id)
    assert appealed.status == "appealed" and appealed.denial_code and appealed.denial_reason
    assert (appeal.status, appeal.filed_by) == ("submitted", member.id)
    assert appeal.due_at > appeal.submission_date


async def test_every_status_priority_and_type_occurs_and_the_queue_has_each_priority(engine):
    c = t.claims
    pending = c.c.status.in_(("submitted", "under_review"))
    async with engine.connect() as conn:
        statuses = set((await conn.execute(select(c.c.status).distinct())).scalars())
        priorities = set((await conn.execute(select(c.c.priority).distinct())).scalars())
        queued = set((await conn.execute(select(c.c.priority).where(pending).distinct())).scalars())
        types = set((await conn.execute(select(c.c.claim_type).distinct())).scalars())
    assert statuses == set(ClaimStatus)
    assert priorities == queued == set(Priority)
    assert types == set(ClaimType)


async def test_every_npi_passes_the_check_digit_and_every_number_has_its_format(engine):
    async with engine.connect() as conn:
        npis = (await conn.execute(select(t.providers.c.npi))).scalars().all()
        numbers = {
            key: (await conn.execute(select(t.metadata.tables[key[0]].c[key[1]]))).scalars().all()
            for key in FORMATS
        }
        claims = (
            await conn.execute(select(t.claims.c.claim_number, t.claims.c.submission_date))
        ).all()
    assert npis and all(is_valid_npi(npi) for npi in npis)
    for key, pattern in FORMATS.items():
        assert numbers[key], key
        assert all(re.fullmatch(pattern, number) for number in numbers[key]), key
    assert all(number[4:12] == f"{at:%Y%m%d}" for number, at in claims)


async def test_claim_amounts_add_up_and_paid_claims_have_their_payment(engine):
    async with engine.connect() as conn:
        broken = await conn.scalar(
            text("""
            SELECT count(*) FROM claims c
            JOIN LATERAL (SELECT sum(charge_amount) charged, sum(paid_amount) paid
                          FROM claim_lines l WHERE l.claim_id = c.id) l ON true
            WHERE l.charged <> c.billed_amount
               OR (c.member_responsibility IS NOT NULL AND (
                   c.paid_amount <> c.allowed_amount - c.member_responsibility
                   OR c.member_responsibility
                      <> c.deductible_applied + c.copay_amount + c.coinsurance_amount
                   OR l.paid <> c.paid_amount))
               -- a corrected claim is paid the difference from what its episode was paid
               -- (tests/graph/test_corrections.py), not its whole amount
               OR (c.status = 'paid' AND c.frequency_code = 'original' AND NOT EXISTS (
                   SELECT 1 FROM payments p WHERE p.claim_id = c.id AND p.amount = c.paid_amount
                   AND p.status = 'completed'))
            """)
        )  # fmt: skip
        denied = (
            await conn.execute(
                select(t.claims.c.denial_code, t.claims.c.denial_reason)
                .where(t.claims.c.status == "denied")
            )
        ).all()  # fmt: skip
    assert broken == 0
    assert denied and all(re.fullmatch(r"\d{1,3}", code) and reason for code, reason in denied)


async def test_every_timeline_ends_in_its_claim_s_status(engine):
    async with engine.connect() as conn:
        mismatched = await conn.scalar(
            text("""
            SELECT count(*) FROM claims c WHERE c.status IS DISTINCT FROM (
                SELECT new_status FROM claim_events e WHERE e.claim_id = c.id
                ORDER BY created_at DESC LIMIT 1)
            """)
        )  # fmt: skip
    assert mismatched == 0


async def test_loading_members_twice_adds_what_was_asked_with_fresh_numbers(engine):
    async with engine.connect() as conn:
        await conn.begin()  # rolled back at the end: the other tests keep the demo as it was
        before = await _counts(conn)
        heard: list[int] = []
        first = await load_members(conn, count=200, claims_per_member=3, seed=11,
                                   progress=heard.append)  # fmt: skip
        second = await load_members(conn, count=200, claims_per_member=3, seed=11)
        after = await _counts(conn)
        distinct = {
            table: await conn.scalar(
                select(func.count(t.metadata.tables[table].c[column].distinct()))
            )
            for table, column in FORMATS
        }
        await conn.rollback()
    assert first["members"] == second["members"] == 200
    assert sum(heard) == 200
    assert first["policies"] == second["policies"] == 200
    assert first["claims"] == second["claims"] == 600
    for name in COUNTED:
        assert after[name] - before[name] == first.get(name, 0) + second.get(name, 0), name
        if name in distinct:
            assert distinct[name] == after[name], f"{name} numbers repeat"


def test_the_same_seed_draws_the_same_rows():
    def rows() -> dict:
        b = SeedBuilder(seed=5, today=date(2025, 6, 1))
        pool = ProviderPool([b.provider(specialty="Family Medicine")])
        b.claims(b.family(employer=b.employer()), 5, pool)
        return b.take()

    assert rows() == rows()


def test_seeded_families_never_pay_past_their_own_or_the_family_s_limits():
    """Generated claims are priced as adjudication prices them: per person and per family
    (embedded limits), per plan year from the policy's anniversary."""
    from collections import defaultdict

    from db.accumulators import SHARED
    from domain.adjudication import plan_year

    b = SeedBuilder(seed=7, today=date(2025, 6, 1))
    pool = ProviderPool([b.provider(specialty="Family Medicine"),
                         b.provider(specialty="Physical Therapy"),
                         b.provider(specialty="General Acute Care Hospital")])  # fmt: skip
    for _ in range(30):
        b.claims(b.family(employer=b.employer()), 40, pool)
    rows = b.take()
    policies = {p["id"]: p for p in rows["policies"]}
    person, family = defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0])
    for c in rows["claims"]:
        if c["status"] not in SHARED:
            continue
        p = policies[c["policy_id"]]
        year = plan_year(p["effective_date"], c["service_date"])[0]
        for key, sums in (((c["policy_id"], c["dependent_id"], year), person),
                          ((c["policy_id"], year), family)):  # fmt: skip
            sums[key][0] += c["deductible_applied"]
            sums[key][1] += c["member_responsibility"]
    assert len(person) > len(family) > 20  # families where more than one person had care
    for (policy_id, _, _), (ded, oop) in person.items():
        p = policies[policy_id]
        assert ded <= p["deductible_individual"] and oop <= p["out_of_pocket_max_individual"]
    for (policy_id, _), (ded, oop) in family.items():
        p = policies[policy_id]
        if p["coverage_level"] != "individual":
            assert ded <= p["deductible_family"] and oop <= p["out_of_pocket_max_family"]
    # and the family's limit binds: someone in a family paid less deductible than their own
    assert any(
        0 < ded < policies[pid]["deductible_individual"]
        and family[(pid, year)][0] == policies[pid]["deductible_family"]
        for (pid, _, year), (ded, _) in person.items()
    )
