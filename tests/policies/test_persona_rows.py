"""Row-level access, persona by persona and list by list, against hand-written SQL."""

from __future__ import annotations

import base64
from uuid import UUID

import pytest
from sqlalchemy import text

from tests.policies.matrix import LISTS, ROWS

# Each rule: the ids a persona may see, as plain SQL over the demo data. `{claims}` and
# `{policies}` stand for the same persona's own claims and policies rules.
ORG = "(SELECT id FROM providers WHERE id = :provider OR parent_id = :provider)"
MINOR_OR_CONSENTING = (
    "(c.dependent_id = ANY(:minors) OR EXISTS (SELECT 1 FROM consents k"
    " WHERE k.dependent_id = d.id AND k.grantee_member_id = c.member_id"
    " AND k.revoked_at IS NULL))"
)
RULES: dict[str, str] = {
    "none": "SELECT id FROM {table} WHERE false",
    "self": "SELECT id FROM members WHERE id = :member",
    "family": "SELECT id FROM dependents WHERE member_id = :member",
    "own_policies": "SELECT id FROM policies WHERE member_id = :member",
    "subscriber_claims": (
        "SELECT c.id FROM claims c LEFT JOIN dependents d ON d.id = c.dependent_id"
        " WHERE c.member_id = :member AND (c.dependent_id IS NULL OR"
        f" (NOT c.is_sensitive AND {MINOR_OR_CONSENTING}))"
    ),
    "appeals_on_visible_claims": "SELECT id FROM appeals WHERE claim_id IN ({claims})",
    "payments_on_visible_claims_or_policies": (
        "SELECT id FROM payments WHERE claim_id IN ({claims})"
        " OR (claim_id IS NULL AND policy_id IN ({policies}))"
    ),
    "own_employer": (
        "SELECT id FROM employers WHERE id = COALESCE(CAST(:employer AS uuid),"
        " (SELECT employer_id FROM members WHERE id = :member))"
    ),
    "self_dependent": "SELECT id FROM dependents WHERE id = :dependent",
    "subscriber_policies": (
        "SELECT id FROM policies WHERE member_id ="
        " (SELECT member_id FROM dependents WHERE id = :dependent)"
    ),
    "dependent_claims": "SELECT id FROM claims WHERE dependent_id = :dependent",
    "organisation_claims": f"SELECT id FROM claims WHERE provider_id IN {ORG}",
    "patients": f"SELECT DISTINCT member_id FROM claims WHERE provider_id IN {ORG}",
    "patient_dependents": (
        f"SELECT DISTINCT dependent_id FROM claims WHERE provider_id IN {ORG}"
        " AND dependent_id IS NOT NULL"
    ),
    "organisation_records": f"SELECT id FROM {{table}} WHERE provider_id IN {ORG}",
    "employees": "SELECT id FROM members WHERE employer_id = :employer",
    "employee_dependents": (
        "SELECT d.id FROM dependents d JOIN members m ON m.id = d.member_id"
        " WHERE m.employer_id = :employer"
    ),
    "employee_policies": (
        "SELECT p.id FROM policies p JOIN members m ON m.id = p.member_id"
        " WHERE m.employer_id = :employer"
    ),
    "members_in_state": (
        "SELECT m.id FROM members m JOIN employers e ON e.id = m.employer_id WHERE e.state = :state"
    ),
    "dependents_in_state": (
        "SELECT d.id FROM dependents d JOIN members m ON m.id = d.member_id"
        " JOIN employers e ON e.id = m.employer_id WHERE e.state = :state"
    ),
    "policies_in_state": (
        "SELECT p.id FROM policies p JOIN members m ON m.id = p.member_id"
        " JOIN employers e ON e.id = m.employer_id WHERE e.state = :state"
    ),
    # sensitive claims reach a regulator only inside aggregates (ACCESS.md)
    "claims_in_state": (
        "SELECT c.id FROM claims c JOIN providers p ON p.id = c.provider_id WHERE p.state = :state"
        " AND NOT c.is_sensitive"
    ),
    "providers_in_state": "SELECT id FROM providers WHERE state = :state",
    "provider_records_in_state": (
        "SELECT x.id FROM {table} x JOIN providers p ON p.id = x.provider_id WHERE p.state = :state"
    ),
    "employers_in_state": "SELECT id FROM employers WHERE state = :state",
}
TABLES = {
    "members": "members",
    "dependents": "dependents",
    "policies": "policies",
    "claims": "claims",
    "appeals": "appeals",
    "payments": "payments",
    "providers": "providers",
    "credentials": "provider_credentials",
    "contracts": "contracts",
    "employers": "employers",
}
# Regulators get keyed pseudonyms for every record tied to a person: the test holds the
# server's key (same CLAIMGRAPH_HOME) and turns them back, so those rows compare exactly too.
PSEUDONYMOUS = {
    ("regulator@example.com", x)
    for x in ("members", "dependents", "policies", "claims", "appeals", "payments")
}


def _sql(persona: str, listing: str) -> str:
    rule = ROWS[persona][listing]
    table = TABLES[listing]
    if rule == "all":
        return f"SELECT id FROM {table}"
    sql = RULES[rule]
    claims = _sql(persona, "claims") if "{claims}" in sql else ""
    policies = _sql(persona, "policies") if "{policies}" in sql else ""
    return sql.format(table=table, claims=claims, policies=policies)


async def _minors(engine, member_id) -> list[UUID]:
    """The subscriber's dependents under 18 today (birth dates are encrypted: read them)."""
    from datetime import date

    from sqlalchemy import select

    from db.tables import dependents
    from domain.people import age_on

    if member_id is None:
        return []
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(dependents.c.id, dependents.c.date_of_birth).where(
                dependents.c.member_id == member_id
            )
        )
        return [r.id for r in rows if age_on(r.date_of_birth, date.today()) < 18]


async def _expected(engine, user: dict, persona: str, listing: str) -> set[UUID]:
    params = {
        "minors": await _minors(engine, user["member_id"]),
        "member": user["member_id"],
        "dependent": user["dependent_id"],
        "provider": user["provider_id"],
        "employer": user["employer_id"],
        "state": user["jurisdiction"],
    }
    sql = _sql(persona, listing)
    used = {k: v for k, v in params.items() if f":{k}" in sql}
    async with engine.connect() as conn:
        rows = await conn.execute(text(sql), used)
        return {r[0] for r in rows}


async def _listed(gql, persona: str, listing: str) -> tuple[int, set[UUID]]:
    query = f"""query($after: String) {{ {listing}(first: 100, after: $after) {{
        totalCount pageInfo {{ hasNextPage endCursor }} edges {{ node {{ id }} }} }} }}"""
    ids: set[UUID] = set()
    after, total = None, 0
    while True:
        body = await gql(query, {"after": after}, as_=persona)
        assert "errors" not in body, body["errors"]
        page = body["data"][listing]
        total = page["totalCount"]
        for edge in page["edges"]:
            raw = edge["node"]["id"]
            decoded = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
            ids.add(UUID(decoded.split(":", 1)[1]))
        if not page["pageInfo"]["hasNextPage"]:
            return total, ids
        after = page["pageInfo"]["endCursor"]


CASES = [(p, listing) for p in ROWS for listing in LISTS]


@pytest.mark.parametrize(
    ("persona", "listing"), CASES, ids=[f"{p.split('@')[0]}-{x}" for p, x in CASES]
)
async def test_each_persona_lists_exactly_the_rows_access_md_grants(
    gql, engine, users, persona, listing
):
    expected = await _expected(engine, users[persona], persona, listing)
    if ROWS[persona][listing] == "all":
        body = await gql(f"{{ {listing} {{ totalCount }} }}", as_=persona)
        assert body["data"][listing]["totalCount"] == len(expected)
        return
    total, ids = await _listed(gql, persona, listing)
    assert total == len(expected) == len(ids)
    if (persona, listing) in PSEUDONYMOUS:
        from graph.keys import real_id

        assert not ids & expected  # no real id reaches a regulator
        ids = {real_id(i) for i in ids}
    assert ids == expected
