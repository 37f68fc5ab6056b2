"""Logs are structured JSON and carry no PHI: a full demo run is grepped for the family."""

from __future__ import annotations

import io
import json

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
            assert {"request_id", "principal", "duration_ms", "status"} <= record.keys()


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
