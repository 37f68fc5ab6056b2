"""Every bad input is a coded answer, never INTERNAL or a 500: amounts out of numeric(12,2) or
in exponent form, NUL bytes and lone surrogates anywhere, wrong variable types, unknown input
keys, multipart maps that do not fit, JSON that is deep, malformed or not an object, unknown
operation names, parse errors. `failure_requests` lists them; tests/graph/test_logs.py
sends each again and greps the logs for the PHI planted in them.

The property test at the end drives every scalar input of every mutation from the schema,
as every persona, on a copy of the demo database of its own (random inputs may create rows).
"""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.graph.test_validation_runs import _csv, _run, _upload, family  # noqa: F401

PROVIDER = "provider@example.com"
ADMIN = "admin@example.com"
PERSONAS = [
    "member@example.com", "adult.child@example.com", PROVIDER, "adjudicator@example.com",
    "employer@example.com", "regulator@example.com", ADMIN, "auditor@example.com",
]  # fmt: skip
SUBMIT = """mutation($input: SubmitClaimInput!) { submitClaim(input: $input) { __typename
  ... on ClaimRefused { findings { field } } } }"""
GLASS = "mutation($m: ID!, $r: String!) { openBreakGlass(memberId: $m, reason: $r) { id } }"
RULE = """mutation($c: JSON) { updateValidationRule(id: "eA", version: 1, condition: $c) {
  __typename } }"""
RUN = """mutation($f: Upload!) { startValidationRun(file: $f, format: CSV) { __typename } }"""
PLANTED_CODE = "F32.A"  # a depression diagnosis: it must not reach a log line


def _gid(kind: str, value) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{value}".encode()).decode().rstrip("=")


@dataclass(frozen=True)
class Bad:
    """One bad request and the answer it must get."""

    name: str
    request: dict  # keyword arguments of httpx's post, without the bearer token
    status: int
    code: str
    at: str | None = None  # the field the error names
    as_: str = PROVIDER
    headers: dict = field(default_factory=dict)


def _json(body) -> dict:
    """A body sent as is: NaN, lone surrogates (escaped) and all."""
    return {"content": json.dumps(body).encode(), "headers": {"content-type": "application/json"}}


def _raw(content: bytes) -> dict:
    return {"content": content, "headers": {"content-type": "application/json"}}


def _multipart(operations, mapping, files=True) -> dict:
    parts = {"operations": (None, json.dumps(operations)), "map": (None, json.dumps(mapping))}
    if files:
        parts["0"] = ("claims.csv", b"claim_id\n1\n", "text/csv")
    return {"files": parts, "headers": {"GraphQL-Require-Preflight": "1"}}


def failure_requests(patient: dict) -> list[Bad]:
    """Every failure path of issue 11 item 8, each carrying the patient's number, birth date,
    a diagnosis code and a service date (PHI the logs must never show)."""
    day = (date.today() - timedelta(days=9)).isoformat()
    claim = {
        "memberNumber": patient["number"], "patientDateOfBirth": patient["born"],
        "serviceDate": day, "diagnosisCodes": [PLANTED_CODE, "J06.9"], "placeOfService": "11",
        "lines": [{"procedureCode": "99213", "chargeAmount": "145.00", "diagnosisPointers": [1]}],
    }  # fmt: skip

    def submit(**changes):
        return _json({"query": SUBMIT, "variables": {"input": claim | changes}})

    def line(**changes):
        return [claim["lines"][0] | changes]

    amount = "lines[0].chargeAmount"
    deep_list = "[" * 2000 + "]" * 2000
    return [
        Bad("amount in exponent form", submit(lines=line(chargeAmount="1E+30")), 200,
            "BAD_USER_INPUT", amount),
        Bad("amount beyond a float", submit(lines=line(chargeAmount="1e400")), 200,
            "BAD_USER_INPUT", amount),
        Bad("amount beyond numeric(12,2)", submit(lines=line(chargeAmount="99999999999.99")),
            200, "BAD_USER_INPUT", amount),
        Bad("amount as a JSON number in exponent form", submit(lines=line(chargeAmount=1e30)),
            200, "BAD_USER_INPUT", amount),
        Bad("amount NaN", submit(lines=line(chargeAmount=float("nan"))), 200,
            "BAD_USER_INPUT", amount),
        Bad("amount literal in exponent form", _json({"query": 'mutation { fileAppeal(claimId: '
            '"eA", reason: "r", requestedAmount: "1E+30") { __typename } }'}), 200,
            "BAD_USER_INPUT", as_="member@example.com"),
        Bad("NUL in a string variable", submit(notes=f"seen {day}\x00"), 200, "BAD_USER_INPUT",
            "input.notes"),
        Bad("NUL in a nested string", submit(lines=line(procedureCode="992\x0013")), 200,
            "BAD_USER_INPUT", "input.lines[0].procedureCode"),
        Bad("NUL in the member number", submit(memberNumber=patient["number"] + "\x00"), 200,
            "BAD_USER_INPUT", "input.memberNumber"),
        Bad("NUL in a string literal", _json({"query": 'mutation { openBreakGlass(memberId: '
            f'"eA", reason: "{PLANTED_CODE}\\u0000") {{ id }} }}'}), 200, "BAD_USER_INPUT",
            "reason", as_=ADMIN),
        Bad("NUL in a JSON scalar's key", _json({"query": RULE, "variables": {"c": {"a\x00": 1}}}),
            200, "BAD_USER_INPUT", "c", as_=ADMIN),
        Bad("a lone surrogate", _json({"query": GLASS, "variables": {"m": "eA", "r": "\ud800"}}),
            200, "BAD_USER_INPUT", "r", as_=ADMIN),
        Bad("wrong variable type", submit(serviceDate=20260101), 200, "BAD_USER_INPUT",
            "serviceDate"),
        Bad("wrong variable type (nested)", submit(lines=line(units="many")), 200,
            "BAD_USER_INPUT", "lines[0].units"),
        Bad("unknown input key", submit(ssn="123-45-6789"), 200, "BAD_USER_INPUT", "input"),
        Bad("variables nested too deeply", _raw(b'{"query": "mutation($input: SubmitClaimInput!)'
            b' { submitClaim(input: $input) { __typename } }", "variables": {"input": {'
            b'"diagnosisCodes": ' + ("[" * 600 + "]" * 600).encode() + b"}}}"), 200,
            "BAD_USER_INPUT"),
        Bad("multipart map at a non-upload variable", _multipart(
            {"query": GLASS, "variables": {"m": "eA", "r": None}}, {"0": ["variables.r"]}),
            200, "BAD_USER_INPUT", "r", as_=ADMIN),
        Bad("an Upload given a string", _json({"query": RUN, "variables": {"f": patient["born"]}}),
            200, "BAD_USER_INPUT", "f"),
        Bad("multipart map that is not an object", _multipart(
            {"query": RUN, "variables": {"f": None}}, ["variables.f"]), 400, "BAD_USER_INPUT"),
        Bad("multipart map at a missing path", _multipart(
            {"query": RUN, "variables": {"f": None}}, {"0": ["variables.g.h"]}), 400,
            "BAD_USER_INPUT"),
        Bad("JSON nested too deeply", _raw(b'{"query": "{ __typename }", "variables": '
            + deep_list.encode() * 50 + b"}"), 400, "BAD_USER_INPUT"),
        Bad("malformed JSON", _raw(b'{"query": "{ me { email } }", "variables": {"d": "'
            + patient["born"].encode() + b'"'), 400, "BAD_USER_INPUT"),
        Bad("a body that is not an object", _raw(b'"' + patient["number"].encode() + b'"'), 400,
            "BAD_USER_INPUT"),
        Bad("a body that is not UTF-8", _raw(b'{"query": "\xff\xfe"}'), 400, "BAD_USER_INPUT"),
        Bad("unknown operation name", _json({"query": "query A { me { email } }",
            "operationName": "B"}), 400, "BAD_USER_INPUT"),  # fmt: skip
        Bad("a batch", _json([{"query": "{ me { email } }"}]), 400, "BAD_USER_INPUT"),
        Bad("no query", _json({"variables": {"d": patient["born"]}}), 400, "BAD_USER_INPUT"),
        Bad("the token limit", _json({"query": "{ " + "__typename " * 4500 + "}"}), 200,
            "QUERY_TOO_COMPLEX"),
        Bad("a document nested too deeply", _json({"query": "{" + " me {" * 1500 + "}" * 1501}),
            200, "QUERY_TOO_COMPLEX"),
        Bad("a syntax error", _json({"query": "{ me { email "}), 200, "BAD_USER_INPUT"),
        Bad("an idempotent request nested too deeply", _raw(b'{"query": "mutation { grantConsent'
            b' { revoked } }", "variables": ' + deep_list.encode() * 50 + b"}"), 400,
            "BAD_USER_INPUT", headers={"Idempotency-Key": str(uuid.uuid4())}),
    ]  # fmt: skip


async def send(client, token_for, bad: Bad) -> httpx.Response:
    request = dict(bad.request)
    headers = {**request.pop("headers", {}), **bad.headers,
               "Authorization": f"Bearer {token_for(bad.as_)}"}  # fmt: skip
    return await client.post("/graphql", headers=headers, **request)


@pytest.fixture(scope="module")
async def patient(engine):
    from db.tables import members

    async with engine.connect() as conn:
        row = (await conn.execute(select(members.c.member_number, members.c.date_of_birth)
                                  .where(members.c.member_number == "MBR-00000001"))).one()  # fmt: skip
    return {"number": row.member_number, "born": row.date_of_birth.isoformat()}


def _cases() -> list[str]:
    return [bad.name for bad in failure_requests({"number": "MBR-1", "born": "1980-01-01"})]


@pytest.mark.parametrize("name", _cases())
async def test_a_bad_input_is_a_coded_answer(client, token_for, patient, name):
    bad = next(b for b in failure_requests(patient) if b.name == name)
    response = await send(client, token_for, bad)
    assert response.status_code == bad.status, response.text
    assert response.headers["content-type"].startswith("application/json"), response.text
    body = response.json()
    assert body["data"] is None and body["errors"], body
    error = body["errors"][0]
    assert error["extensions"]["code"] == bad.code, error
    if bad.at is not None:
        assert error["extensions"].get("field") == bad.at, error
    # the answer quotes none of the client's PHI back (no "found: {...}")
    assert patient["number"] not in json.dumps(body), body


async def test_a_billing_csv_with_bad_values_has_findings_on_their_rows_not_a_failed_run(
    client,
    token_for,
    gql,
    app,
    family,  # noqa: F811
):
    m, npi = family["member"], family["npi"]
    num, born = m["member_number"], m["date_of_birth"].isoformat()
    day = (date.today() - timedelta(days=75)).isoformat()

    def row(cid, *, code="99213", amount="120.00", member=num):
        return [cid, member, born, "", npi, day, "11", "J06.9", code, "", "1", amount, "1"]

    content = _csv([
        row("A"),  # row 2: clean
        row("B", amount="1E+30"),  # row 3: exponent form
        row("C", amount="99999999999.99"),  # row 4: beyond numeric(12,2)
        row("D", amount="1e400"),  # row 5: beyond a float
        row("E", code="992\x0013"),  # row 6: a NUL byte
        row("F", member=num + "\x00"),  # row 7: a NUL byte in what is looked up
        row("G", amount="9999999999.99"),
        row("G", code="87880", amount="9999999999.99"),  # rows 8-9: too much together
    ])  # fmt: skip
    answer = (await _upload(client, token_for, content)).json()["data"]["startValidationRun"]
    assert answer["__typename"] == "ValidationRunStarted", answer
    assert await app.state.runs.run_one() is True
    run = (await _run(gql, answer["run"]["id"]))["data"]["validationRun"]
    assert run["status"] == "COMPLETED", run["failureReason"]
    found = {(e["node"]["row"], e["node"]["field"]) for e in run["results"]["edges"]}
    planted = {(3, "charge_amount"), (4, "charge_amount"), (5, "charge_amount"),
               (6, "procedure_code"), (7, "member_number"), (9, "charge_amount")}  # fmt: skip
    assert planted <= found, found
    assert not any(r == 2 for r, _ in found), found


# --- the property test: random values into every scalar input of every mutation ---------------
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
