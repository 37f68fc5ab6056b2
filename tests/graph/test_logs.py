"""Logs are structured JSON and carry no PHI: a full demo run is grepped for the family, so is
every bad-input path of tests/graph/test_bad_inputs.py, and a database error is logged by its
type, SQLSTATE, statement and frames, never its parameters."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest

from graph import logs

PERSONAS = [
    "member@example.com", "adult.child@example.com", "provider@example.com",
    "adjudicator@example.com", "employer@example.com", "regulator@example.com",
    "admin@example.com", "auditor@example.com",
]  # fmt: skip
QUERIES = [
    "{ me { email member { firstName lastName dateOfBirth ssn phone email memberNumber "
    "dependents { firstName dateOfBirth ssn } claims { edges { node { diagnosisCodes } } } } } }",
    "{ members(first: 20) { edges { node { firstName lastName dateOfBirth ssn allergies zipCode } } } }",
    "{ claims(first: 20) { edges { node { claimNumber diagnosisCodes member { firstName ssn } } } } }",
    '{ member(id: "not-an-id") { firstName } }',
    '{ claim(id: "Q2xhaW06MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw") { id } }',
    '{ claims(filter: {serviceDateFrom: "2026-01-02", serviceDateTo: "2026-01-01"}) { totalCount } }',
    "mutation { grantConsent { revoked } }",
]


@pytest.fixture
def captured():
    buffer = io.StringIO()
    logs.configure("DEBUG", stream=buffer)
    yield buffer
    logs.configure("INFO")


async def test_a_full_demo_run_logs_no_name_ssn_or_birth_date(captured, client, gql, engine):
    for persona in PERSONAS:
        for query in QUERIES:
            await gql(query, as_=persona)
    await client.post(
        "/auth/token",
        data={"grant_type": "password", "username": "member@example.com", "password": "x"},
    )
    await client.post(
        "/auth/token",
        data={
            "grant_type": "password",
            "username": "member@example.com",
            "password": "demo-password",
        },
    )
    from sqlalchemy import select

    from db.tables import dependents, members, users

    async with engine.connect() as conn:
        family = (
            select(users.c.member_id).where(users.c.email == "member@example.com").scalar_subquery()
        )
        people = (
            await conn.execute(
                select(
                    dependents.c.first_name,
                    dependents.c.last_name,
                    dependents.c.ssn,
                    dependents.c.date_of_birth,
                    dependents.c.phone,
                    dependents.c.email,
                ).where(dependents.c.member_id == family)
            )
        ).all() + (
            await conn.execute(
                select(
                    members.c.first_name,
                    members.c.last_name,
                    members.c.ssn,
                    members.c.date_of_birth,
                    members.c.phone,
                    members.c.email,
                    members.c.member_number,
                ).where(members.c.id.in_(select(users.c.member_id)))
            )
        ).all()
    people = [[str(v) for v in person if v] for person in people]
    text_ = captured.getvalue()
    assert "graphql request" in text_, "the run was logged"
    secrets = {v for person in people for v in person if v}
    assert secrets
    leaked = {s for s in secrets if s in text_}
    assert not leaked, f"PHI in the logs: {len(leaked)} value(s)"
    for line in text_.splitlines():
        record = json.loads(line)
        if record["msg"] == "graphql request":
            assert {"request_id", "principal", "duration_ms", "status", "cost"} <= record.keys()


def test_the_redaction_layer_scrubs_phi_patterns(captured):
    import logging

    logging.getLogger("claimgraph.test").error(
        "driver said: duplicate key (ssn)=(123-45-6789), born 1981-04-02, MBR-00000042, "
        "maria.alvarez@example.com, (916) 555-0141"
    )
    line = json.loads(captured.getvalue().splitlines()[-1])
    for secret in (
        "123-45-6789",
        "1981-04-02",
        "MBR-00000042",
        "maria.alvarez@example.com",
        "555-0141",
    ):
        assert secret not in line["msg"]
    assert "[ssn]" in line["msg"] and "[date]" in line["msg"]


async def test_every_bad_input_path_logs_no_phi(captured, client, token_for, engine):
    """Each failure path of tests/graph/test_bad_inputs.py, carrying a member number, birth
    date, diagnosis code and service date: none of them reaches a log line, and no request
    is logged as an incident (the errors are the client's)."""
    from sqlalchemy import select

    from db.tables import members
    from tests.graph.test_bad_inputs import PLANTED_CODE, failure_requests, send

    async with engine.connect() as conn:
        row = (await conn.execute(select(members.c.member_number, members.c.date_of_birth)
                                  .where(members.c.member_number == "MBR-00000001"))).one()  # fmt: skip
    patient = {"number": row.member_number, "born": row.date_of_birth.isoformat()}
    bad = failure_requests(patient)
    for request in bad:
        response = await send(client, token_for, request)
        assert response.status_code < 500, (request.name, response.text)
    text_ = captured.getvalue()
    lines = [json.loads(line) for line in text_.splitlines()]
    assert sum(line["msg"] == "graphql request" for line in lines) >= len(bad)
    served = (date.today() - timedelta(days=9)).isoformat()
    for secret in (patient["number"], patient["born"], PLANTED_CODE, served, "123-45-6789"):
        assert secret not in text_, secret
    assert not [line for line in lines if line["level"] == "error"], (
        "an input logged as an incident"
    )


async def test_a_database_error_is_logged_without_its_parameters(captured, engine):
    """The driver quotes a bound value in its own message (here the diagnosis code); the log
    line names the error type, its statement and its frames, never the values."""
    import uuid

    from graphql import GraphQLError
    from sqlalchemy import exc as sa_exc
    from sqlalchemy import text

    from graph.schema import shape_error
    from tests.graph.test_bad_inputs import PLANTED_CODE

    member_id, served = str(uuid.uuid4()), "2026-03-14"
    planted = {"member": member_id, "codes": PLANTED_CODE, "day": served}
    statement = text("SELECT CAST(:member AS uuid), CAST(:codes AS text[]), CAST(:day AS date)")
    with pytest.raises(sa_exc.DBAPIError) as failed:
        async with engine.connect() as conn:
            await conn.execute(statement, planted)
    assert "F32.A" in str(failed.value.orig)  # what today's traceback would have carried
    assert member_id not in str(failed.value)  # hide_parameters: the first line of defence
    shaped = shape_error(GraphQLError("boom", original_error=failed.value), "req-1")
    assert shaped.extensions["code"] == "INTERNAL" and "F32.A" not in shaped.message
    [line] = [json.loads(x) for x in captured.getvalue().splitlines() if '"error"' in x]
    assert line["msg"] == "unexpected error" and line["error"] == "DBAPIError"
    assert "statement (parameters not logged): SELECT CAST" in line["exc"]
    assert "DataError" in line["exc"] and 'File "' in line["exc"]  # types and frames stay
    for secret in (member_id, "F32.A", served):
        assert secret not in json.dumps(line), secret


async def test_a_database_error_over_http_leaves_no_phi_in_the_log(
    captured, client, token_for, monkeypatch, engine
):
    """With the NUL check switched off, a claim's notes carry a NUL to the INSERT, whose
    parameters hold the member id, the diagnosis codes and the service date; PostgreSQL
    refuses it (22021). The answer is INTERNAL; the log line has the SQLSTATE and the
    statement, none of the claim's values."""
    from sqlalchemy import select

    from db.tables import members
    from graph.inputs import InputGuard
    from tests.graph.test_bad_inputs import PLANTED_CODE, SUBMIT

    async with engine.connect() as conn:
        maria = (await conn.execute(select(members.c.id, members.c.member_number,
                 members.c.date_of_birth).where(members.c.member_number == "MBR-00000001"))).one()  # fmt: skip
    served = (date.today() - timedelta(days=333)).isoformat()
    claim = {"memberNumber": maria.member_number, "serviceDate": served,
             "patientDateOfBirth": maria.date_of_birth.isoformat(), "placeOfService": "11",
             "diagnosisCodes": [PLANTED_CODE], "notes": "follow-up\x00",
             "lines": [{"procedureCode": "99215", "chargeAmount": "210.00",
                        "diagnosisPointers": [1]}]}  # fmt: skip
    monkeypatch.setattr(InputGuard, "_refusal", lambda self: None)
    response = await client.post(
        "/graphql",
        json={"query": SUBMIT, "variables": {"input": claim}},
        headers={"Authorization": f"Bearer {token_for('provider@example.com')}"},
    )
    assert response.json()["errors"][0]["extensions"]["code"] == "INTERNAL", response.text
    [line] = [json.loads(x) for x in captured.getvalue().splitlines() if '"error"' in x]
    assert line["sqlstate"] == "22021" and "INSERT INTO claims" in line["exc"], line
    for secret in (str(maria.id), maria.member_number, PLANTED_CODE, served):
        assert secret not in captured.getvalue(), secret
