"""Random values into every scalar input of every mutation never give INTERNAL or a 500.

The property test drives every scalar input of every mutation from the schema, as every
persona, on a copy of the demo database of its own (random inputs may create rows). The
hand-written bad inputs, each with the coded answer it must get, are in
tests/graph/test_bad_inputs.py.
"""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from datetime import date, timedelta

import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

PROVIDER = "provider@example.com"
ADMIN = "admin@example.com"
PERSONAS = [
    "member@example.com", "adult.child@example.com", PROVIDER, "adjudicator@example.com",
    "employer@example.com", "regulator@example.com", ADMIN, "auditor@example.com",
]  # fmt: skip


def _gid(kind: str, value) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{value}".encode()).decode().rstrip("=")


# What a scalar position is filled with when it is not the one under test; ids are real ones
# of the type the name suggests (users excepted: a persona must not be deactivated midway).
_FILL = {"String": "x", "Int": 1, "Float": 1.0, "Boolean": False, "Decimal": "10.00",
         "Date": "2026-01-15", "DateTime": "2026-01-15T10:00:00+00:00", "JSON": {}}  # fmt: skip
_ID_TYPES = {"parentId": "Provider", "personId": "Member", "runId": "ValidationRun"}
_TABLES = {"Member": "members", "Dependent": "dependents", "Claim": "claims",
           "Provider": "providers", "Employer": "employers", "Policy": "policies",
           "Contract": "contracts", "Appeal": "appeals", "Credential": "provider_credentials",
           "Payment": "payments", "ValidationRule": "validation_rules",
           "BreakGlassGrant": "break_glass_grants", "ValidationRun": "validation_runs"}  # fmt: skip
_ODD = ["1E+30", "1e400", "-1e-400", "NaN", "Infinity", "99999999999.99", "0.001", "-0", "",
        " ", "\x00", "a\x00b", "\ud800", "\udfff\ud800", "9" * 400, "2026-02-30", "0000-01-01",
        "9999-12-31T99:99", "eA", "TWVtYmVyOm5vdC1hLXV1aWQ", "' OR 1=1 --", "\u202e\ufeff",
        "💊" * 50, "x" * 5000]  # fmt: skip
_WRONG = st.one_of(  # any JSON at all: wrong types, NaN and infinities (as JSON allows)
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    st.booleans(),
    st.none(),
    st.lists(st.one_of(st.integers(), st.text(max_size=5)), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
_TEXT = st.one_of(
    st.sampled_from(_ODD),
    st.text(max_size=40),  # any code point, NUL included
    st.text(max_size=20).map(lambda t: t[: len(t) // 2] + "\x00" + t[len(t) // 2 :]),
    st.text(st.characters(categories=["Cs", "Cc"]), min_size=1, max_size=5),  # surrogates
)
_AMOUNT = st.one_of(
    st.sampled_from(["1E+30", "1e400", "-1e-400", "NaN", "-Infinity", "99999999999.99",
                     "9999999999.99", "0.001", "-0", "1_000", "١٢٣", "0x10", " 12.50 "]),
    st.decimals(allow_nan=True).map(str), st.floats(), st.integers(), st.text(max_size=12),
)  # fmt: skip
_BY_TYPE = {
    "String": _TEXT,
    "ID": _TEXT,
    "Decimal": _AMOUNT,
    "Int": st.one_of(
        st.integers(min_value=-(2**70), max_value=2**70), st.sampled_from(["1", "1e3", 2**31])
    ),
}


def hostile(type_name: str):
    """Random values for an input of that type: mostly of its kind, bent; else any JSON."""
    own = _BY_TYPE.get(type_name)
    if type_name == "JSON":
        own = st.recursive(_TEXT | st.integers(), lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(_TEXT, inner, max_size=3), max_leaves=6)  # fmt: skip
    return st.one_of(own, own, _WRONG, _TEXT) if own is not None else st.one_of(_WRONG, _TEXT)


def _named(type_):
    from graphql import GraphQLList, GraphQLNonNull

    depth = 0
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        depth += isinstance(type_, GraphQLList)
        type_ = type_.of_type
    return type_, depth


def _positions(mutation) -> list[tuple[str, ...]]:
    """Paths to every scalar or enum input of a mutation, through input objects."""
    from graphql import GraphQLInputObjectType

    found = []

    def walk(type_, path, seen):
        named, _ = _named(type_)
        if isinstance(named, GraphQLInputObjectType):
            if named.name in seen:
                return
            for name, f in named.fields.items():
                walk(f.type, (*path, name), seen | {named.name})
        else:
            found.append(path)

    for name, arg in mutation.args.items():
        walk(arg.type, (name,), frozenset())
    return found


def _npi() -> str:
    from domain.identifiers import make_npi

    return make_npi(str(uuid.uuid4().int)[:9])


def _recent(days: int) -> str:
    return (date.today() - timedelta(days=days)).isoformat()


# valid values by input name, so that a random value elsewhere reaches deep (the database)
_NAMED = {
    "email": lambda: f"h-{uuid.uuid4().hex[:12]}@example.com", "primaryContactEmail": None,
    "phone": "(916) 555-0100", "fax": None, "alternatePhone": None,
    "emergencyContactPhone": None, "primaryContactPhone": None,
    "npi": _npi, "ssn": lambda: f"{_n(100, 665)}-{_n(10, 99)}-{_n(1000, 9999)}",
    "state": "CA", "issuingState": "CA", "zipCode": "95814",
    "taxId": lambda: f"{_n(10, 99)}-{_n(1000000, 9999999)}",
    "feeSchedule": [{"procedureCode": "99213", "allowedAmount": "80.00"}],
    "procedureCode": "99213", "diagnosisCodes": ["J06.9"], "placeOfService": "11",
    "diagnosisPointers": [1], "units": 1, "chargeAmount": "120.00", "allowedAmount": "80.00",
    "reason": "A reason given in words, for the record.", "note": "Reviewed and closed.",
    "password": "A-long-enough-password-2026!", "dateOfBirth": "1990-05-05",
    "serviceDate": lambda: _recent(uuid.uuid4().int % 300 + 1),
    "effectiveDate": "2027-01-01", "issueDate": "2020-01-01", "expirationDate": "2030-01-01",
    "terminationDate": "2027-06-01", "companyName": "Hypothesis Works", "firstName": "Quinn",
    "lastName": "Tester", "planName": "Silver Test", "primarySpecialty": "Family Medicine",
    "organizationName": "Test Clinic", "credentialNumber": "A12345", "version": 1,
}  # fmt: skip
_NAMED = {k: v for k, v in _NAMED.items() if v is not None}
_ALSO = {"submitClaim": {"providerId"}, "createUser": {"memberId"}}  # optional, but needed


def _n(low: int, high: int) -> int:
    return low + uuid.uuid4().int % (high - low + 1)


def _fill(type_, name: str, mutation: str, ids: dict):
    """A plausible value: an input object with its required fields and the optional ones we
    know a valid value for; real ids; lists of one."""
    from graphql import GraphQLEnumType, GraphQLInputObjectType, is_required_input_field

    named, depth = _named(type_)
    if name in _NAMED or name in ids["facts"]:
        known = ids["facts"].get(name, _NAMED.get(name))
        return known() if callable(known) else known
    if isinstance(named, GraphQLInputObjectType):
        value = {n: _fill(f.type, n, mutation, ids) for n, f in named.fields.items()
                 if is_required_input_field(f) or n in _NAMED or n in ids["facts"]
                 or n in _ALSO.get(mutation, ())}  # fmt: skip
    elif isinstance(named, GraphQLEnumType):
        value = next(iter(named.values))
    elif named.name == "ID":
        kinds = {"closeBreakGlassReview": "BreakGlassGrant", "updateValidationRule":
                 "ValidationRule"}  # fmt: skip
        kind = kinds.get(mutation) if name == "id" else None
        kind = kind or _ID_TYPES.get(name) or name[:-2][:1].upper() + name[:-2][1:]
        value = (ids.get(kind) or [_gid(kind, uuid.uuid4())])[0]
    elif named.name == "Upload":
        value = None
    else:
        value = _FILL.get(named.name, "x")
    for _ in range(depth):
        value = [value]
    return value


def _document(name: str, mutation) -> str:
    from graphql import is_leaf_type

    decl = ", ".join(f"${a}: {arg.type}" for a, arg in mutation.args.items())
    args = ", ".join(f"{a}: ${a}" for a in mutation.args)
    leaf = is_leaf_type(_named(mutation.type)[0])
    return f"mutation{f'({decl})' if decl else ''} {{ {name}{f'({args})' if args else ''}" + (
        " }" if leaf else " { __typename } }"
    )


def _leaf(mutation, at: tuple[str, ...]):
    type_ = mutation.args[at[0]].type
    for key in at[1:]:
        type_ = _named(type_)[0].fields[key].type
    return _named(type_)[0]


def _put(variables: dict, path: tuple[str, ...], value, mutation, ids: dict) -> dict:
    """Set one position, making the input objects on the way (lists of one) if left out."""
    container, type_ = variables, mutation.args[path[0]].type
    for i, key in enumerate(path[:-1]):
        if container.get(key) is None:
            container[key] = _fill(type_, "", "", ids)
        container = container[key]
        while isinstance(container, list):
            container = container[0]
        type_ = _named(type_)[0].fields[path[i + 1]].type
    container[path[-1]] = value
    return variables


@pytest.fixture(scope="module")
def scratch(db_url, server_url):
    """The demo database copied (a template copy takes a second); its own app, client,
    tokens and event loop. Open connections to the source would stop the copy: they are
    ended first, and the pools reconnect (pre-ping) when they are next used."""
    import asyncpg
    from sqlalchemy.engine import make_url

    from graph.app import create_app
    from graph.auth import issue_access_token
    from graph.config import Settings

    source, name = make_url(db_url).database, f"claimgraph_test_{uuid.uuid4().hex[:10]}"
    server = make_url(server_url)

    async def admin(*sql: str) -> None:
        conn = await asyncpg.connect(user=server.username or "postgres",
                                     password=server.password or None,
                                     host=server.query.get("host") or server.host,
                                     port=server.port, database="postgres")  # fmt: skip
        try:
            for statement in sql:
                await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(admin(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        f"WHERE datname = '{source}' AND pid <> pg_backend_pid()",
        f'CREATE DATABASE "{name}" TEMPLATE "{source}"',
    ))  # fmt: skip
    loop = asyncio.new_event_loop()
    app = create_app(make_url(db_url).set(database=name).render_as_string(hide_password=False))
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")

    async def facts():
        from sqlalchemy import text

        async with app.state.engine.connect() as conn:
            users = {r.email: r for r in (await conn.execute(text(
                "SELECT id, email, role FROM users"))).all()}  # fmt: skip
            from db.tables import members

            maria = (await conn.execute(select(members.c.member_number, members.c.date_of_birth)
                                        .where(members.c.member_number == "MBR-00000001"))).one()  # fmt: skip
            ids = {"facts": {"memberNumber": maria[0], "patientDateOfBirth": maria[1].isoformat()}}
            for kind, table in _TABLES.items():
                rows = (await conn.execute(text(f"SELECT id FROM {table} LIMIT 2"))).scalars()
                ids[kind] = [_gid(kind, i) for i in rows]
        return users, ids

    users, ids = loop.run_until_complete(facts())
    tokens = {e: issue_access_token(user_id=users[e].id, role=users[e].role, settings=Settings())
              for e in PERSONAS}  # fmt: skip
    yield loop, client, tokens, ids
    loop.run_until_complete(client.aclose())
    loop.run_until_complete(app.state.engine.dispose())
    loop.close()
    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _mutations():
    from graph.schema import build_schema

    fields = build_schema()._schema.mutation_type.fields
    return sorted(fields.items())


@pytest.mark.parametrize("name", [name for name, _ in _mutations()])
def test_random_values_in_any_scalar_input_never_give_internal(scratch, name):
    loop, client, tokens, ids = scratch
    mutation = dict(_mutations())[name]
    positions = _positions(mutation)
    document = _document(name, mutation)

    # no shrinking: each example is dozens of requests, and the first failure says enough
    @settings(max_examples=4, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
    @given(data=st.data())
    def check(data):
        # each position in turn gets a random value, as the next persona in the ring
        offset = data.draw(st.integers(0, len(PERSONAS) - 1), label="first persona")
        for i, at in enumerate(positions):
            value = data.draw(hostile(_leaf(mutation, at).name), label=".".join(at))
            persona = PERSONAS[(offset + i) % len(PERSONAS)]
            variables = {a: _fill(arg.type, a, name, ids) for a, arg in mutation.args.items()}
            variables = _put(variables, at, value, mutation, ids)
            body = json.dumps({"query": document, "variables": variables}).encode()
            response = loop.run_until_complete(client.post("/graphql", content=body, headers={
                "Authorization": f"Bearer {tokens[persona]}",
                "content-type": "application/json"}))  # fmt: skip
            assert response.status_code < 500, (persona, response.text)
            errors = response.json().get("errors") or []
            codes = [(e.get("extensions") or {}).get("code") for e in errors]
            assert None not in codes and "INTERNAL" not in codes, (persona, errors)

    if positions:
        check()
