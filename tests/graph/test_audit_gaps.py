"""Audit without gaps: refusals, lookups of what is not there and searches leave rows too."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

from graph.relay import to_global_id

REGULATOR = "regulator@example.com"


async def _rows(engine, request_marker: str) -> list:
    async with engine.connect() as conn:
        result = await conn.execute(
            text(
                "SELECT action, resource_type, success, error, role, purpose_of_use, fields "
                "FROM audit_log WHERE user_agent = :ua ORDER BY seq"
            ),
            {"ua": request_marker},
        )
        return list(result)


@pytest.mark.parametrize(
    "mutation",
    [
        "mutation { grantConsent { revoked } }",
        'mutation { deactivateUser(userId: "VXNlcjow", reason: "Testing the audit") '
        "{ __typename } }",
        'mutation { openBreakGlass(memberId: "TWVtYmVyOjA", reason: "Emergency in the ER") '
        "{ __typename } }",
    ],
)
async def test_a_regulators_refused_mutation_leaves_a_row(gql, engine, mutation):
    marker = f"audit-gap-{uuid.uuid4().hex}"
    body = await gql(mutation, as_=REGULATOR, headers={"User-Agent": marker})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
    rows = await _rows(engine, marker)
    assert [(r.success, r.error, r.role) for r in rows] == [(False, "FORBIDDEN", "regulator")]
    assert rows[0].action.endswith("_denied") and rows[0].purpose_of_use == "OVERSIGHT"


async def test_a_lookup_of_an_invisible_or_missing_row_leaves_a_row(gql, engine):
    missing = to_global_id("Claim", uuid.uuid4())
    for persona in ("member@example.com", "employer@example.com", "provider@example.com"):
        marker = f"audit-gap-{uuid.uuid4().hex}"
        body = await gql(
            '{ node(id: "%s") { id } }' % missing, as_=persona, headers={"User-Agent": marker}
        )
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        rows = await _rows(engine, marker)
        assert [(r.action, r.resource_type, r.success) for r in rows] == [
            ("lookup_not_found", "Claim", False)
        ]


async def test_a_blind_index_search_is_audited_naming_fields_never_values(gql, engine):
    marker = f"audit-gap-{uuid.uuid4().hex}"
    body = await gql(
        '{ members(filter: {ssn: "123-45-6789"}) { totalCount } }',
        headers={"User-Agent": marker},
    )
    assert "errors" not in body, body
    rows = await _rows(engine, marker)
    searches = [r for r in rows if r.action == "search"]
    assert len(searches) == 1 and searches[0].fields == ["ssn"]
    assert searches[0].resource_type == "Member"


async def test_an_employer_cannot_confirm_an_employees_ssn_birth_date_or_state(gql, engine):
    """The oracle of the audit: totalCount under a filter on what the employer may not read."""
    for condition in (
        '{ssn: "123-45-6789"}',
        '{lastName: "Garcia", dateOfBirth: "1980-01-01"}',
        '{state: "CA"}',
    ):
        marker = f"audit-gap-{uuid.uuid4().hex}"
        body = await gql(
            "{ members(filter: %s) { totalCount } }" % condition,
            as_="employer@example.com",
            headers={"User-Agent": marker},
        )
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
        assert body["data"] is None or body["data"]["members"] is None
        rows = await _rows(engine, marker)
        assert [(r.action, r.success) for r in rows] == [("search_denied", False)]
    # what it may read still narrows its roster
    body = await gql(
        "{ members(filter: {status: [ACTIVE]}) { totalCount } }", as_="employer@example.com"
    )
    assert "errors" not in body and body["data"]["members"]["totalCount"] > 0


def test_every_filter_input_field_declares_what_it_reads():
    """Driven from the schema: a filter added later without a declaration fails here."""
    from graph.schema import build_schema
    from graph.search import SearchGuard, declared

    schema = build_schema()
    guarded = 0
    for concrete in schema.schema_converter.type_map.values():
        for field in getattr(concrete.definition, "fields", ()):
            for argument in field.arguments:
                if argument.python_name != "filter":
                    continue
                assert any(isinstance(e, SearchGuard) for e in field.extensions), field.name
                guarded += 1
                input_cls = argument.type.of_type if hasattr(argument.type, "of_type") else None
                input_cls = input_cls or argument.type
                for python_name, _, type_name, group in declared(input_cls):
                    assert type_name and group, (input_cls.__name__, python_name)
    assert guarded >= 12


async def test_every_websocket_delivery_leaves_a_row_with_its_purpose(servers, token_for, engine):
    """Even an event that carries no PHI is a disclosure to someone: each delivery is
    audited, with the role's default purpose of use (no header rides a WebSocket)."""
    import asyncio
    import json

    from gql import gql as parse

    from tests.graph.test_subscriptions import _next, session

    async with engine.connect() as conn:
        start = (await conn.execute(text("SELECT coalesce(max(seq), 0) FROM audit_log"))).scalar()
        claim = (await conn.execute(text("SELECT id FROM claims LIMIT 1"))).scalar_one()
    query = parse("subscription { claimStatusChanged { newStatus claim { status } } }")
    async with session(servers[0], token_for("adjudicator@example.com")) as s:
        events = s.subscribe(query).__aiter__()
        first = asyncio.ensure_future(_next(events, 30))
        await asyncio.sleep(1.0)
        payload = {"claim_id": str(claim), "old_status": "submitted",
                   "new_status": "under_review", "version": 1}  # fmt: skip
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO outbox_events (topic, payload) VALUES "
                    "('claim.status_changed', CAST(:p AS jsonb))"
                ),
                {"p": json.dumps(payload)},
            )
        event = await first
        assert event["claimStatusChanged"]["claim"]["status"]
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                text(
                    "SELECT role, purpose_of_use, request_id FROM audit_log WHERE seq > :s "
                    "AND action = 'subscription_delivery'"
                ),
                {"s": start},
            )
        ).all()
    assert [(r.role, r.purpose_of_use) for r in rows] == [("adjudicator", "PAYMENT")]
    assert rows[0].request_id.startswith("ws-")
