"""Regulators get de-identified records everywhere (HIPAA Safe Harbor, ACCESS.md).

The reads are generated from the schema itself (graphql-core's introspection of the built
schema), so a type or field added later is queried here without anyone listing it. Every
answer is searched for the demo family's identifiers in every encoding we can think of,
including inside cursors, ids and error messages; every object tied to a person is checked
for a date finer than the year. The test also proves that it saw the family (pseudonyms
that the server's key turns back into the family's rows), so it cannot pass on emptiness.
"""

from __future__ import annotations

import base64
import json
import re
from uuid import UUID

import pytest
from sqlalchemy import text

from tests.graph.schema_reads import introspection, named, required, root_reads

REGULATOR = "regulator@example.com"
SUBSCRIBER = "MBR-00000001"
# records of organisations keep real ids and dates (ACCESS.md: providers, employers)
ORGANISATIONS = {"Provider", "Credential", "Contract", "Employer", "FeeScheduleItem",
                 "ValidationRule", "ClaimsSummaryCell"}  # fmt: skip
FULL_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}")


# --- the family's identifiers ----------------------------------------------------------------
def _encodings(value: UUID, type_names) -> set[str]:
    out = {str(value), value.hex, str(value).upper()}
    for name in type_names:
        gid = base64.urlsafe_b64encode(f"{name}:{value}".encode()).decode()
        out |= {gid, gid.rstrip("=")}
    out.add(base64.urlsafe_b64encode(value.bytes).decode().rstrip("="))
    return out


@pytest.fixture(scope="module")
async def family(engine):
    """The family's identifiers (decrypted by the column types) and real record ids."""
    from sqlalchemy import select

    from db.tables import claims, dependents, members, policies

    async with engine.connect() as conn:
        member = (
            (await conn.execute(select(members).where(members.c.member_number == SUBSCRIBER)))
            .mappings()
            .one()
        )
        deps = (
            (await conn.execute(select(dependents).where(dependents.c.member_id == member["id"])))
            .mappings()
            .all()
        )
        pols = (
            (await conn.execute(select(policies).where(policies.c.member_id == member["id"])))
            .mappings()
            .all()
        )
        cls = (
            (await conn.execute(select(claims).where(claims.c.member_id == member["id"])))
            .mappings()
            .all()
        )
        # an individual's employer is among the identifiers Safe Harbor removes
        employer = (
            (await conn.execute(text("SELECT * FROM employers WHERE id = :e"),
                                {"e": member["employer_id"]}))
            .mappings()
            .one()
        )  # fmt: skip
        others = {}
        for table in ("appeals", "payments"):
            sql = f"SELECT id, {table[:-1]}_number AS number FROM {table} WHERE claim_id = ANY(:c)"
            others[table] = (await conn.execute(text(sql), {"c": [c["id"] for c in cls]})).all()
    people = [member, *deps]
    values: set[str] = set()
    for p in people:
        for col in ("first_name", "last_name", "email", "phone", "member_number", "employee_id",
                    "alternate_phone"):  # fmt: skip
            v = p.get(col)
            if v and len(str(v)) > 3:
                values.add(str(v))
        # a street or ZIP may be a provider's too (the demo draws both from one pool): these
        # are looked for in records tied to people, where neither may appear
        places = {str(p[c]) for p in people for c in ("address_line1", "zip_code") if p.get(c)}
        if p.get("ssn"):
            digits = re.sub(r"\D", "", p["ssn"])
            values |= {p["ssn"], digits, f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"}
    values |= {
        str(employer[c])
        for c in ("company_name", "primary_contact_name", "primary_contact_email",
                  "primary_contact_phone", "address_line1", "group_number", "zip_code")
        if employer[c]
    }  # fmt: skip
    values |= {p["policy_number"] for p in pols} | {c["claim_number"] for c in cls}
    values |= {r.number for rows in others.values() for r in rows if r.number}
    dates = {str(p["date_of_birth"]) for p in people} | {str(c["service_date"]) for c in cls}
    ids = {
        "Member": {member["id"]},
        "Dependent": {d["id"] for d in deps},
        "Policy": {p["id"] for p in pols},
        "Claim": {c["id"] for c in cls},
        "Appeal": {r.id for r in others["appeals"]},
        "Payment": {r.id for r in others["payments"]},
    }
    for type_name, found in ids.items():
        for i in found:
            values |= _encodings(i, [type_name, "Node"])
    return {"values": values, "dates": dates, "ids": ids, "places": places}


# --- what a regulator receives ---------------------------------------------------------------
def _strings(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, str):
        yield value


def _decoded(s: str) -> str:
    try:
        return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)).decode("utf-8", "replace")
    except Exception:  # noqa: BLE001 - not base64: nothing hidden in it
        return ""


def _leaks(body: dict, family: dict) -> list[str]:
    """The family's identifiers found anywhere in a response, raw or inside base64."""
    found = []
    for s in _strings(body):
        for candidate in (s, _decoded(s)):
            found += [v for v in family["values"] | family["dates"] if _within(v, candidate)]
    return found


def _within(value: str, text: str) -> bool:
    """`value` in `text`; a short number (a ZIP) only standing alone, since any five digits
    turn up by chance inside the hex of a pseudonymous id or a cursor's random bytes."""
    if value.isdigit() and len(value) <= 6:
        return re.search(rf"(?<![0-9A-Za-z]){value}(?![0-9A-Za-z])", text) is not None
    return value in text


def _person_values(value, places: set[str], typename=None) -> list[str]:
    """Full dates and the family's places inside objects tied to a person (organisations
    keep their own dates and addresses)."""
    out = []
    if isinstance(value, dict):
        typename = value.get("__typename", typename)
        for v in value.values():
            out += _person_values(v, places, typename)
    elif isinstance(value, list):
        for v in value:
            out += _person_values(v, places, typename)
    elif isinstance(value, str) and typename not in ORGANISATIONS:
        if FULL_DATE.search(value) or any(p in value for p in places):
            out.append(f"{typename}: {value}")
    return out


def _ids(body: dict) -> dict[str, set[str]]:
    """Global ids handed out, by type."""
    out: dict[str, set[str]] = {}

    def walk(value):
        if isinstance(value, dict):
            if "id" in value and "__typename" in value and isinstance(value["id"], str):
                out.setdefault(value["__typename"], set()).add(value["id"])
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(body)
    return out


def _objects(value, typename: str) -> list[dict]:
    """Every object of this GraphQL type in a response."""
    if isinstance(value, dict):
        found = [value] if value.get("__typename") == typename else []
        return found + [o for v in value.values() for o in _objects(v, typename)]
    if isinstance(value, list):
        return [o for v in value for o in _objects(v, typename)]
    return []


def _db_id(global_id: str) -> UUID:
    return UUID(_decoded(global_id).split(":", 1)[1])


@pytest.fixture(scope="module")
async def regulator_reads(gql):
    types = introspection()
    bodies = {}
    for root, query in root_reads(types):
        bodies[root] = await gql(query, as_=REGULATOR)
    return types, bodies


async def test_nothing_of_the_family_reaches_a_regulator_in_any_read(regulator_reads, family):
    from graph.keys import real_id

    types, bodies = regulator_reads
    assert len(bodies) >= 10  # every list of the graph, not a handful
    for root, body in bodies.items():
        # an answer, not a crash: refusals (staff tools) are coded, and nothing else fails
        codes = {e.get("extensions", {}).get("code") for e in body.get("errors", ())}
        assert codes <= {"FORBIDDEN", "NOT_FOUND"}, (root, body["errors"][:3])
        assert not _leaks(body, family), (root, _leaks(body, family)[:5])
        # a flag derived from a date tells the date: an appeal's `overdue` dates its filing
        assert not [a for a in _objects(body, "Appeal") if a.get("overdue") is not None], root
        person_values = _person_values(body, family["places"])
        assert not person_values, (root, person_values[:5])
    # it saw the family, under pseudonyms: the server's key turns them back
    handed_out: dict[str, set[str]] = {}
    for body in bodies.values():
        for type_name, ids in _ids(body).items():
            handed_out.setdefault(type_name, set()).update(ids)
    seen = {real_id(_db_id(g)) for g in handed_out.get("Member", ())}
    assert family["ids"]["Member"] <= seen
    seen_claims = {real_id(_db_id(g)) for g in handed_out.get("Claim", ())}
    assert seen_claims & family["ids"]["Claim"]


async def test_lookups_take_the_pseudonyms_handed_out_and_never_real_ids(
    gql, regulator_reads, family
):
    types, bodies = regulator_reads
    handed_out = {}
    for body in bodies.values():
        for type_name, ids in _ids(body).items():
            handed_out.setdefault(type_name, set()).update(ids)
    lookups = {f["name"]: f for f in types["Query"]["fields"]}
    checked = 0
    for type_name, ids in handed_out.items():
        if type_name in ORGANISATIONS:
            continue
        pseudonym = sorted(ids)[0]
        # node(id:) and the typed lookup, if there is one, both take the pseudonym
        typed = type_name[0].lower() + type_name[1:]
        for field in ["node"] + ([typed] if typed in lookups else []):
            query = f'{{ {field}(id: "{pseudonym}") {{ id __typename }} }}'
            body = await gql(query, as_=REGULATOR)
            assert body["data"][field]["id"] == pseudonym, (field, body)
            checked += 1
    assert checked >= 4
    # the real ids of the family's records name nothing, and the error says nothing of them
    for type_name, real_ids in family["ids"].items():
        for db_id in list(real_ids)[:2]:
            gid = base64.urlsafe_b64encode(f"{type_name}:{db_id}".encode()).decode().rstrip("=")
            body = await gql(f'{{ node(id: "{gid}") {{ id }} }}', as_=REGULATOR)
            assert body["data"] is None or body["data"]["node"] is None
            assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND", body
            assert not _leaks(body, family)


async def test_cursors_are_sealed_and_bound_to_their_principal(gql, family):
    query = "query($after: String) { members(first: 1, after: $after) { edges { cursor } } }"
    body = await gql(query, as_=REGULATOR)
    cursor = body["data"]["members"]["edges"][0]["cursor"]
    assert not _leaks(body, family)
    assert "member_number" not in _decoded(cursor) and "MBR-" not in _decoded(cursor)
    # it opens for the regulator, but not for anyone else, and a changed byte opens nothing
    assert "errors" not in await gql(query, {"after": cursor}, as_=REGULATOR)
    other = await gql(query, {"after": cursor}, as_="admin@example.com")
    assert other["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    # a cursor of one list is no position in another, even where both order by id alone
    claims = "query($after: String) { claims(first: 1, after: $after) { edges { cursor } } }"
    elsewhere = await gql(claims, {"after": cursor}, as_=REGULATOR)
    assert elsewhere["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    forged = cursor[:-2] + ("A" if cursor[-2] != "A" else "B") + cursor[-1]
    tampered = await gql(query, {"after": forged}, as_=REGULATOR)
    assert tampered["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize(
    "condition",
    [
        '{memberNumber: "MBR-00000001"}',
        '{ssn: "123-45-6789"}',
        '{lastName: "Garcia", dateOfBirth: "1980-01-01"}',
        '{enrolledFrom: "2020-01-01"}',
    ],
)
async def test_a_regulator_may_not_filter_on_identifiers_and_the_attempt_is_audited(
    gql, engine, condition
):
    before = await _audit_count(engine, "search_denied")
    body = await gql(f"{{ members(filter: {condition}) {{ totalCount }} }}", as_=REGULATOR)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
    assert body["data"] is None or body["data"]["members"] is None
    assert await _audit_count(engine, "search_denied") == before + 1
    # the audit names the fields searched, never the values
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                text(
                    "SELECT fields, role FROM audit_log WHERE action = 'search_denied' "
                    "ORDER BY seq DESC LIMIT 1"
                )
            )
        ).one()
    assert row.role == "regulator" and row.fields
    assert not any(v in json.dumps(row.fields) for v in ("MBR-", "123-45", "Garcia", "1980"))


async def test_a_regulator_may_not_order_by_an_identifier_and_the_default_order_leaks_none(gql):
    body = await gql("{ members(orderBy: {field: MEMBER_NUMBER}) { totalCount } }", as_=REGULATOR)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
    assert "member_number" not in body["errors"][0]["message"]  # GraphQL names, not columns
    default = await gql("{ members(first: 5) { totalCount edges { node { id } } } }", as_=REGULATOR)
    assert "errors" not in default and default["data"]["members"]["edges"]


async def _audit_count(engine, action: str) -> int:
    async with engine.connect() as conn:
        return (
            await conn.execute(
                text("SELECT count(*) FROM audit_log WHERE action = :a"), {"a": action}
            )
        ).scalar_one()


def test_the_generated_reads_cover_every_root_list():
    """The generator is not empty-handed: every root list of the schema is read."""
    types = introspection()
    roots = dict(root_reads(types))
    lists = [
        f["name"]
        for f in types["Query"]["fields"]
        if named(f["type"])[1].endswith("Connection") and not any(required(a) for a in f["args"])
    ]
    assert lists and set(lists) <= set(roots)


async def test_a_regulators_event_cursors_are_sealed_and_resume_only_for_it(
    servers, token_for, engine
):
    """Outbox numbers are shared by every persona (mutations return them as eventSequence)
    and their gaps count what a regulator may not see: a regulator's event cursors are
    sealed, resume its own subscription, and open for no one else."""
    import asyncio

    from gql import gql as parse
    from gql.transport.exceptions import TransportQueryError

    from tests.graph.test_subscriptions import _next, _with, session
    from tests.graph.test_subscriptions_access import _event

    async with engine.connect() as conn:
        claim = (
            await conn.execute(
                text(
                    "SELECT c.id FROM claims c JOIN providers p ON p.id = c.provider_id "
                    "WHERE p.state = 'CA' AND NOT c.is_sensitive ORDER BY c.created_at LIMIT 1"
                )
            )
        ).scalar_one()
    query = parse("subscription($a: String) { claimStatusChanged(after: $a) { cursor newStatus } }")
    async with session(servers[0], token_for(REGULATOR)) as s:
        events = s.subscribe(_with(query, a=None)).__aiter__()
        first = asyncio.ensure_future(_next(events, 20))
        await asyncio.sleep(0.5)
        seq = await _event(engine, claim, "sealed-1")
        cursor = (await first)["claimStatusChanged"]["cursor"]
        await events.aclose()
    # sealed: no number, nothing readable inside (a JSON position would show in the clear)
    assert not cursor.isdigit() and len(cursor) > 40 and "events" not in _decoded(cursor)
    later = await _event(engine, claim, "sealed-2")
    async with session(servers[1], token_for(REGULATOR)) as s:
        resumed = s.subscribe(_with(query, a=cursor)).__aiter__()
        event = (await _next(resumed, 20))["claimStatusChanged"]
        await resumed.aclose()
    assert event["newStatus"] == "sealed-2" and event["cursor"] != cursor
    assert later > seq
    async with session(servers[0], token_for("adjudicator@example.com")) as s:
        with pytest.raises(TransportQueryError) as refused:
            async for _ in s.subscribe(_with(query, a=cursor)):
                pass
    assert refused.value.errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
