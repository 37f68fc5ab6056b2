"""Every bad input is a coded answer, never INTERNAL or a 500: amounts out of numeric(12,2) or
in exponent form, NUL bytes and lone surrogates anywhere, wrong variable types, unknown input
keys, multipart maps that do not fit, JSON that is deep, malformed or not an object, unknown
operation names, parse errors. `failure_requests` lists them; tests/graph/test_logs.py
sends each again and greps the logs for the PHI planted in them.

Random values in every scalar input of every mutation: tests/graph/test_random_inputs.py.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

import httpx
import pytest
from sqlalchemy import select

from tests.graph.test_validation_runs import _csv, _run, _upload, family  # noqa: F401

PROVIDER = "provider@example.com"
ADMIN = "admin@example.com"
SUBMIT = """mutation($input: SubmitClaimInput!) { submitClaim(input: $input) { __typename
  ... on ClaimRefused { findings { field } } } }"""
GLASS = "mutation($m: ID!, $r: String!) { openBreakGlass(memberId: $m, reason: $r) { id } }"
RULE = """mutation($c: JSON) { updateValidationRule(id: "eA", version: 1, condition: $c) {
  __typename } }"""
RUN = """mutation($f: Upload!) { startValidationRun(file: $f, format: CSV) { __typename } }"""
PLANTED_CODE = "F32.A"  # a depression diagnosis: it must not reach a log line


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
