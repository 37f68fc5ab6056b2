"""The performance floor: the bench's three reads as hand-written SQL over asyncpg.

No HTTP, no GraphQL, no policy engine: each operation is the few statements a competent
engineer would write for it (one per relation level, or a join), scoped as the persona's
policy scopes it, shaped into the same JSON as the server's `data`: global ids as
graph.relay makes them, enum names, ISO dates, amounts as the server renders them, PHI
decrypted by db/crypto.py, the same ordering and totalCount, and the payer queue's cursors
sealed as graph.relay seals them (each seal has a random nonce: equal once opened).

The persona's identity (user, member, employer, the member's minor and consenting
dependents) is looked up once, at start-up (`Floor.connect`), not per request.

What the floor leaves out, and the server does on every request: authentication, the
policy decisions and field masks, the audit record of the PHI read.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import asyncpg

from db.crypto import keyring
from domain.enums import OPEN_CLAIM_STATUSES
from domain.people import is_adult
from graph.relay import encode_cursor, to_global_id

MEMBER = "member@example.com"
ADJUDICATOR = "adjudicator@example.com"
EMPLOYER = "employer@example.com"

# --- identity, once ---------------------------------------------------------------------------

IDENTITY = """
SELECT u.id, u.member_id, u.employer_id,
       (SELECT json_agg(json_build_object(
                 'id', d.id, 'born', d.date_of_birth,
                 'consent', EXISTS (SELECT 1 FROM consents c
                                    WHERE c.dependent_id = d.id
                                      AND c.grantee_member_id = d.member_id
                                      AND c.revoked_at IS NULL)))
          FROM dependents d
         WHERE d.member_id = u.member_id AND d.deleted_at IS NULL) AS family
  FROM users u
 WHERE u.email = $1 AND u.status = 'active' AND u.deleted_at IS NULL"""

# --- member-dashboard -------------------------------------------------------------------------

DASH_MEMBER = "SELECT id, member_number, first_name, last_name FROM members WHERE id = $1"

DASH_POLICIES = """
SELECT id, policy_number, plan_name, status, deductible_individual
  FROM policies WHERE member_id = $1 ORDER BY effective_date DESC, id DESC"""

DASH_DEPENDENTS = """
SELECT id, first_name, relationship, date_of_birth
  FROM dependents WHERE member_id = $1 ORDER BY created_at, id"""

# the member's own claims, and their minor (or consenting adult) dependents' that are not
# sensitive; the window count is the list's total, taken before the LIMIT
DASH_CLAIMS = """
SELECT c.id, c.claim_number, c.status, c.service_date, c.billed_amount, c.paid_amount,
       p.id AS provider_id, p.organization_name, p.first_name, p.last_name, p.credentials,
       p.npi, count(*) OVER () AS total
  FROM claims c JOIN providers p ON p.id = c.provider_id
 WHERE c.member_id = $1
   AND (c.dependent_id IS NULL OR (c.dependent_id = ANY($2::uuid[]) AND NOT c.is_sensitive))
 ORDER BY c.submission_date DESC, c.id DESC
 LIMIT 20"""

DASH_APPEALS = """
SELECT id, claim_id, status, due_at FROM appeals
 WHERE claim_id = ANY($1::uuid[]) ORDER BY submission_date, id"""

# --- payer-queue --------------------------------------------------------------------------------

QUEUE_STATUSES = [s.value for s in OPEN_CLAIM_STATUSES]
QUEUE_KEY = "claim|priority_rank:a,created_at:a"  # graph.claim.inputs.QUEUE's cursor key

QUEUE = """
SELECT c.id, c.claim_number, c.status, c.priority, c.priority_rank, c.created_at,
       c.billed_amount, c.service_date,
       m.id AS member_id, m.member_number, m.first_name AS member_first, m.last_name AS member_last,
       p.id AS provider_id, p.organization_name, p.first_name, p.last_name, p.credentials, p.npi,
       po.id AS policy_id, po.policy_number, po.plan_name, po.status AS policy_status
  FROM claims c
  JOIN members m ON m.id = c.member_id
  JOIN providers p ON p.id = c.provider_id
  LEFT JOIN policies po ON po.id = c.policy_id
 WHERE c.status = ANY($1::text[])
 ORDER BY c.priority_rank, c.created_at, c.id
 LIMIT 50"""

QUEUE_COUNT = "SELECT count(*) FROM claims WHERE status = ANY($1::text[])"

# --- employer-roster ----------------------------------------------------------------------------

ROSTER_EMPLOYER = "SELECT id, company_name FROM employers WHERE id = $1"

ROSTER_MEMBERS = """
SELECT m.id, m.member_number, m.first_name, m.last_name, m.status,
       (SELECT count(*) FROM dependents d WHERE d.member_id = m.id) AS dependent_count,
       count(*) OVER () AS total
  FROM members m
 WHERE m.employer_id = $1
 ORDER BY m.member_number, m.id
 LIMIT 100"""

ROSTER_POLICIES = """
SELECT id, member_id, plan_name, coverage_level, status FROM policies
 WHERE member_id = ANY($1::uuid[]) ORDER BY effective_date DESC, id DESC"""


# --- shaping ------------------------------------------------------------------------------------


def _dec(token: str | None, column: str) -> str | None:
    """A PHI column's plaintext, through the project's own decryption."""
    return None if token is None else keyring().decrypt(token, column)


def _money(value) -> str | None:
    return None if value is None else str(value)


def _enum(value: str | None) -> str | None:
    return None if value is None else value.upper()  # stored value → GraphQL enum name


def _provider(r) -> dict[str, Any]:
    if r["organization_name"]:
        name = r["organization_name"]
    else:
        name = " ".join(p for p in (r["first_name"], r["last_name"]) if p)
        name = f"{name}, {r['credentials']}" if r["credentials"] else name
    return {"id": to_global_id("Provider", r["provider_id"]), "name": name, "npi": r["npi"]}


class Floor:
    """A pool and the three personas' identities; one method per operation."""

    def __init__(self, pool: asyncpg.Pool, ids: dict[str, asyncpg.Record]) -> None:
        self.pool = pool
        member = ids[MEMBER]
        self.member_id: UUID = member["member_id"]
        self.adjudicator_user_id: UUID = ids[ADJUDICATOR]["id"]
        self.employer_id: UUID = ids[EMPLOYER]["employer_id"]
        # the policy's facts about the member's family: minors, and adults who consented
        today = date.today()
        self.family_claims: list[UUID] = []
        for person in member["family"] or []:
            born = date.fromisoformat(_dec(person["born"], "dependents.date_of_birth"))
            if not is_adult(born, today=today) or person["consent"]:
                self.family_claims.append(UUID(person["id"]))

    @classmethod
    async def connect(cls, dsn: str, *, size: int = 10) -> Floor:
        import json

        async def init(conn) -> None:
            await conn.set_type_codec("json", encoder=json.dumps, decoder=json.loads,
                                      schema="pg_catalog")  # fmt: skip

        pool = await asyncpg.create_pool(dsn, min_size=size, max_size=size, init=init)
        async with pool.acquire() as conn:
            ids = {e: await conn.fetchrow(IDENTITY, e) for e in (MEMBER, ADJUDICATOR, EMPLOYER)}
        missing = [email for email, row in ids.items() if row is None]
        if missing:
            await pool.close()
            raise RuntimeError(f"no active user {missing}: load the demo data first")
        return cls(pool, ids)

    async def close(self) -> None:
        await self.pool.close()

    async def run(self, operation: str) -> dict[str, Any]:
        async with self.pool.acquire() as conn:
            return await OPERATIONS[operation](self, conn)

    async def member_dashboard(self, conn) -> dict[str, Any]:
        m = await conn.fetchrow(DASH_MEMBER, self.member_id)
        policies = await conn.fetch(DASH_POLICIES, self.member_id)
        dependents = await conn.fetch(DASH_DEPENDENTS, self.member_id)
        claims = await conn.fetch(DASH_CLAIMS, self.member_id, self.family_claims)
        appeals: dict[UUID, list] = {c["id"]: [] for c in claims}
        for a in await conn.fetch(DASH_APPEALS, list(appeals)):
            appeals[a["claim_id"]].append({
                "id": to_global_id("Appeal", a["id"]), "status": _enum(a["status"]),
                "dueAt": a["due_at"].isoformat(),
            })  # fmt: skip
        member = {
            "id": to_global_id("Member", m["id"]),
            "memberNumber": m["member_number"],
            "firstName": _dec(m["first_name"], "members.first_name"),
            "lastName": _dec(m["last_name"], "members.last_name"),
            "policies": [
                {
                    "id": to_global_id("Policy", p["id"]),
                    "policyNumber": p["policy_number"],
                    "planName": p["plan_name"],
                    "status": _enum(p["status"]),
                    "deductibleIndividual": _money(p["deductible_individual"]),
                }
                for p in policies
            ],  # fmt: skip
            "dependents": [
                {
                    "id": to_global_id("Dependent", d["id"]),
                    "firstName": _dec(d["first_name"], "dependents.first_name"),
                    "relationship": _enum(d["relationship"]),
                    "dateOfBirth": _dec(d["date_of_birth"], "dependents.date_of_birth"),
                }
                for d in dependents
            ],  # fmt: skip
            "claims": {
                "totalCount": claims[0]["total"] if claims else 0,
                "edges": [
                    {
                        "node": {
                            "id": to_global_id("Claim", c["id"]),
                            "claimNumber": c["claim_number"],
                            "status": _enum(c["status"]),
                            "serviceDate": c["service_date"].isoformat(),
                            "billedAmount": _money(c["billed_amount"]),
                            "paidAmount": _money(c["paid_amount"]),
                            "provider": _provider(c),
                            "appeals": appeals[c["id"]],
                        }
                    }
                    for c in claims
                ],
            },  # fmt: skip
        }
        return {"me": {"member": member}}

    async def payer_queue(self, conn) -> dict[str, Any]:
        rows = await conn.fetch(QUEUE, QUEUE_STATUSES)
        total = await conn.fetchval(QUEUE_COUNT, QUEUE_STATUSES)
        owner = self.adjudicator_user_id
        edges = []
        for c in rows:
            cursor = encode_cursor(QUEUE_KEY, [c["priority_rank"], c["created_at"], c["id"]],
                                   owner=owner)  # fmt: skip
            policy = None
            if c["policy_id"] is not None:
                policy = {"id": to_global_id("Policy", c["policy_id"]),
                          "policyNumber": c["policy_number"], "planName": c["plan_name"],
                          "status": _enum(c["policy_status"])}  # fmt: skip
            edges.append({"cursor": cursor, "node": {
                "id": to_global_id("Claim", c["id"]), "claimNumber": c["claim_number"],
                "status": _enum(c["status"]), "priority": _enum(c["priority"]),
                "billedAmount": _money(c["billed_amount"]),
                "serviceDate": c["service_date"].isoformat(),
                "member": {"id": to_global_id("Member", c["member_id"]),
                           "memberNumber": c["member_number"],
                           "firstName": _dec(c["member_first"], "members.first_name"),
                           "lastName": _dec(c["member_last"], "members.last_name")},
                "provider": _provider(c), "policy": policy}})  # fmt: skip
        return {"claimQueue": {"totalCount": total, "edges": edges}}

    async def employer_roster(self, conn) -> dict[str, Any]:
        e = await conn.fetchrow(ROSTER_EMPLOYER, self.employer_id)
        members = await conn.fetch(ROSTER_MEMBERS, self.employer_id)
        policies: dict[UUID, list] = {m["id"]: [] for m in members}
        for p in await conn.fetch(ROSTER_POLICIES, list(policies)):
            policies[p["member_id"]].append({
                "id": to_global_id("Policy", p["id"]), "planName": p["plan_name"],
                "coverageLevel": _enum(p["coverage_level"]), "status": _enum(p["status"]),
            })  # fmt: skip
        edges = [
            {"node": {
                "id": to_global_id("Member", m["id"]), "memberNumber": m["member_number"],
                "firstName": _dec(m["first_name"], "members.first_name"),
                "lastName": _dec(m["last_name"], "members.last_name"),
                "status": _enum(m["status"]), "policies": policies[m["id"]],
                "dependentCount": m["dependent_count"]}}
            for m in members
        ]  # fmt: skip
        employer = {
            "id": to_global_id("Employer", e["id"]),
            "companyName": e["company_name"],
            "members": {"totalCount": members[0]["total"] if members else 0, "edges": edges},
        }
        return {"me": {"employer": employer}}


OPERATIONS = {
    "member-dashboard": Floor.member_dashboard,
    "payer-queue": Floor.payer_queue,
    "employer-roster": Floor.employer_roster,
}
