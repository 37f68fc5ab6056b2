"""The data validation reasons over, fetched in a fixed number of statements whatever the
number of claims (one from the API, thousands from a billing file); the rules themselves;
and the reference code sets."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import func, insert, literal, or_, select, update
from sqlalchemy.engine import RowMapping

from db.contract_terms import priced
from db.tables import (
    adjustment_reason_codes,
    claims,
    contracts,
    dependents,
    icd10_codes,
    members,
    place_of_service_codes,
    policies,
    provider_credentials,
    providers,
    validation_rule_versions,
    validation_rules,
)
from domain.eligibility import (
    Family,
    Lookups,
    Person,
    PolicyTerm,
    ProviderInfo,
    duplicate_key,
)
from domain.enums import SUPERSEDED_CLAIM_STATUSES, Severity
from domain.validation import Credential, Rule, Span

_PLACES: frozenset[str] | None = None  # static code sets: read once per process
_REASONS: frozenset[str] | None = None


async def lookups(
    conn,
    *,
    member_numbers: Iterable[str],
    provider_ids: Iterable[UUID] = (),
    npis: Iterable[str] = (),
    diagnosis_codes: Iterable[str] = (),
    service_dates: Iterable[date] = (),
    replacing: UUID | None = None,
) -> Lookups:
    """What validation needs to know; `replacing` names the claim a corrected claim replaces,
    which is no duplicate of it."""
    found = Lookups(places=await places(conn))
    # PostgreSQL text holds no NUL: a value with one names nothing, and is not sent
    numbers = sorted({n.strip().upper() for n in member_numbers if _sendable(n) and n.strip()})
    if numbers:
        await _families(conn, found, numbers)
    member_ids = [f.subscriber.id for f in found.families.values()]
    if member_ids:
        await _policies(conn, found, member_ids)
    await _providers(conn, found, sorted(set(provider_ids)), sorted(filter(_sendable, set(npis))))
    if member_ids and found.providers:
        await _on_file(conn, found, member_ids, sorted(set(service_dates)), replacing)
    codes = sorted({c for c in diagnosis_codes if _sendable(c)})
    if codes:
        result = await conn.execute(
            select(icd10_codes.c.code, icd10_codes.c.billable).where(icd10_codes.c.code.in_(codes))
        )
        found.diagnoses = {code: billable for code, billable in result}
    return found


def _sendable(value: str | None) -> bool:
    return bool(value) and "\x00" not in value


async def _families(conn, found: Lookups, numbers: list[str]) -> None:
    d = dependents.alias("d")
    result = await conn.execute(
        select(
            members.c.id,
            members.c.member_number,
            members.c.first_name,
            members.c.date_of_birth,
            members.c.status,
            members.c.enrollment_date,
            members.c.termination_date,
            members.c.suspended_from,
            d.c.id.label("d_id"),
            d.c.first_name.label("d_first_name"),
            d.c.date_of_birth.label("d_born"),
            d.c.status.label("d_status"),
            d.c.enrollment_date.label("d_enrolled"),
            d.c.termination_date.label("d_terminated"),
            d.c.relationship.label("d_relationship"),
        )  # fmt: skip
        .select_from(members.outerjoin(d, d.c.member_id == members.c.id))
        .where(members.c.member_number.in_(numbers), members.c.deleted_at.is_(None))
    )
    people: dict[str, tuple[Person, list[Person]]] = {}
    for r in result.mappings():
        subscriber, kin = people.setdefault(r["member_number"], (Person(
            r["id"], r["first_name"], r["date_of_birth"], r["status"], r["enrollment_date"],
            r["termination_date"], suspended=r["suspended_from"]), []))  # fmt: skip
        if r["d_id"] is not None:
            kin.append(Person(r["d_id"], r["d_first_name"], r["d_born"], r["d_status"],
                              r["d_enrolled"], r["d_terminated"], r["d_relationship"]))  # fmt: skip
    found.families = {n: Family(s, tuple(k)) for n, (s, k) in people.items()}


async def _policies(conn, found: Lookups, member_ids: list[UUID]) -> None:
    result = await conn.execute(
        select(
            policies.c.id,
            policies.c.member_id,
            policies.c.status,
            policies.c.effective_date,
            policies.c.termination_date,
        )  # fmt: skip
        .where(policies.c.member_id.in_(member_ids))
        .order_by(policies.c.effective_date.desc())
    )
    for r in result.mappings():
        found.policies.setdefault(r["member_id"], []).append(
            PolicyTerm(r["id"], r["status"], r["effective_date"], r["termination_date"])
        )


async def _providers(conn, found: Lookups, ids: list[UUID], npis: list[str]) -> None:
    if not ids and not npis:
        return
    result = await conn.execute(
        select(providers.c.id, providers.c.parent_id, providers.c.npi, providers.c.status).where(
            or_(providers.c.id.in_(ids), providers.c.npi.in_(npis))
        )
    )
    found.providers = {
        r["id"]: ProviderInfo(r["id"], r["parent_id"], r["npi"], r["status"])
        for r in result.mappings()
    }
    owners = sorted({o for p in found.providers.values() for o in (p.id, p.parent_id) if o})
    # credentials and contracts of the providers and their groups, in one statement
    creds = (
        select(
            provider_credentials.c.provider_id.label("owner"),
            provider_credentials.c.status,
            provider_credentials.c.issue_date.label("start"),
            provider_credentials.c.expiration_date.label("end"),
            literal("credential").label("kind"),
        )
        .where(provider_credentials.c.provider_id.in_(owners))
    )  # fmt: skip
    deals = (
        select(
            contracts.c.provider_id, contracts.c.status, contracts.c.effective_date,
            contracts.c.termination_date, literal("contract"),
        )
        .where(contracts.c.provider_id.in_(owners), priced())
    )  # fmt: skip
    for r in (await conn.execute(creds.union_all(deals))).mappings():
        if r["kind"] == "credential":
            found.credentials.setdefault(r["owner"], []).append(
                Credential(r["status"], r["start"], r["end"])
            )
        else:
            found.contracts.setdefault(r["owner"], []).append(
                Span(r["status"], r["start"], r["end"])
            )


async def _on_file(
    conn, found: Lookups, member_ids: list[UUID], dates: list[date], replacing: UUID | None
) -> None:
    """The claims that stand (neither replaced nor voided), but the one being replaced."""
    condition = [
        claims.c.member_id.in_(member_ids),
        claims.c.deleted_at.is_(None),
        claims.c.status.not_in([s.value for s in SUPERSEDED_CLAIM_STATUSES]),
    ]
    if replacing is not None:
        condition.append(claims.c.id != replacing)
    if dates:
        condition.append(claims.c.service_date.in_(dates))
    result = await conn.execute(
        select(
            claims.c.member_id,
            claims.c.dependent_id,
            claims.c.provider_id,
            claims.c.service_date,
            claims.c.procedure_codes,
        ).where(*condition)  # fmt: skip
    )
    found.on_file = {duplicate_key(*row) for row in result}


async def places(conn) -> frozenset[str] | None:
    global _PLACES
    if _PLACES is None:
        result = await conn.execute(select(place_of_service_codes.c.code))
        _PLACES = frozenset(result.scalars()) or None
    return _PLACES


async def reason_codes(conn) -> frozenset[str] | None:
    """The claim adjustment reason codes the plan uses (None before they are loaded)."""
    global _REASONS
    if _REASONS is None:
        result = await conn.execute(select(adjustment_reason_codes.c.code))
        _REASONS = frozenset(result.scalars()) or None
    return _REASONS


async def adjustment_reasons(conn) -> list[RowMapping]:
    result = await conn.execute(
        select(adjustment_reason_codes).order_by(
            func.length(adjustment_reason_codes.c.code), adjustment_reason_codes.c.code
        )  # fmt: skip
    )
    return list(result.mappings())


# --- the rules ---------------------------------------------------------------------------------


def rule_of(row: RowMapping) -> Rule:
    return Rule(
        name=row["name"], category=row["category"], severity=Severity(row["severity"]),
        condition=row["condition"] or {}, enabled=row["enabled"], version=row["version"],
        description=row["description"] or "",
    )  # fmt: skip


async def rules(conn) -> list[Rule]:
    """Every rule, in evaluation order (the order they were defined)."""
    result = await conn.execute(select(validation_rules).order_by(validation_rules.c.position))
    return [rule_of(r) for r in result.mappings()]


async def rule_rows(conn) -> list[RowMapping]:
    result = await conn.execute(select(validation_rules).order_by(validation_rules.c.position))
    return list(result.mappings())


async def update_rule(
    conn, *, rule_id: UUID, version: int, values: dict[str, Any], changed_by: UUID
) -> RowMapping | None:
    """Change a rule if it is still at `version`, keeping the new version in its history."""
    result = await conn.execute(
        update(validation_rules)
        .where(validation_rules.c.id == rule_id, validation_rules.c.version == version)
        .values(
            **values,
            version=validation_rules.c.version + 1,
            updated_at=func.now(),
            updated_by=changed_by,
        )  # fmt: skip
        .returning(validation_rules)
    )
    row = result.mappings().first()
    if row is not None:
        await conn.execute(insert(validation_rule_versions).values(
            rule_id=row["id"], version=row["version"], severity=row["severity"],
            condition=row["condition"], enabled=row["enabled"], changed_by=changed_by,
        ))  # fmt: skip
    return row
