"""The audit trail: one row per record read, written before the answer, fail closed, chained."""

from __future__ import annotations

import contextlib
import uuid

import pytest
from sqlalchemy import text

CLAIMS_50 = "{ claims(first: 50) { edges { node { id claimNumber diagnosisCodes } } } }"


async def _post(client, token_for, query: str, *, as_: str, request_id: str):
    response = await client.post(
        "/graphql",
        json={"query": query},
        headers={"Authorization": f"Bearer {token_for(as_)}", "X-Request-Id": request_id},
    )
    return response


async def _rows(engine, request_id: str) -> list[dict]:
    async with engine.connect() as conn:
        result = await conn.execute(
            text("SELECT * FROM audit_log WHERE request_id = :r ORDER BY seq"),
            {"r": request_id},
        )
        return [dict(r) for r in result.mappings()]


@contextlib.contextmanager
def audit_inserts(client):
    """The audit INSERT statements the client's app sends meanwhile."""
    from sqlalchemy import event

    inserts: list[str] = []

    def watch(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("INSERT INTO AUDIT_LOG"):
            inserts.append(statement)

    sync_engine = client._transport.app.state.engine.sync_engine
    event.listen(sync_engine, "before_cursor_execute", watch)
    try:
        yield inserts
    finally:
        event.remove(sync_engine, "before_cursor_execute", watch)


async def test_a_list_of_50_claims_leaves_50_rows_written_in_one_statement(
    client, token_for, engine, users, count_statements
):
    with audit_inserts(client) as inserts:
        request_id = f"t-{uuid.uuid4()}"
        response = await _post(
            client, token_for, CLAIMS_50, as_="adjudicator@example.com", request_id=request_id
        )
    assert len(response.json()["data"]["claims"]["edges"]) == 50
    rows = await _rows(engine, request_id)
    assert len(rows) == 50 and len(inserts) == 1
    adjudicator = users["adjudicator@example.com"]
    for row in rows:
        assert row["action"] == "read" and row["resource_type"] == "Claim"
        assert row["fields"] == ["diagnosis_codes"]
        assert row["user_id"] == adjudicator["id"] and row["role"] == "adjudicator"
        assert row["purpose_of_use"] == "PAYMENT"
        assert row["subject_member_id"] is not None
        assert row["policy_rule"] == "adjudicator:clinical:visible"
    async with engine.connect() as conn:
        granted = set(
            (
                await conn.execute(
                    text(
                        "SELECT member_id FROM break_glass_grants WHERE user_id = :u AND expires_at > now()"
                    ),
                    {"u": adjudicator["id"]},
                )
            ).scalars()
        )
    for row in rows:
        assert row["break_glass"] is (row["subject_member_id"] in granted)


async def test_denied_fields_are_audited_as_denials(client, token_for, engine):
    request_id = f"t-{uuid.uuid4()}"
    await _post(
        client,
        token_for,
        "{ claims(first: 3) { edges { node { member { allergies } } } } }",
        as_="adjudicator@example.com",
        request_id=request_id,
    )
    rows = await _rows(engine, request_id)
    assert rows and {r["action"] for r in rows} == {"read_denied"}
    assert all(r["fields"] == ["allergies"] and r["success"] is False for r in rows)


async def test_public_and_business_reads_leave_no_audit_rows(client, token_for, engine):
    request_id = f"t-{uuid.uuid4()}"
    await _post(
        client,
        token_for,
        "{ claims(first: 5) { edges { node { status billedAmount } } } }",
        as_="adjudicator@example.com",
        request_id=request_id,
    )
    assert await _rows(engine, request_id) == []


async def test_when_the_audit_write_fails_no_phi_leaves(client, token_for, engine):
    # a real failure: the database refuses every new audit row
    async with engine.begin() as conn:
        await conn.execute(
            text("ALTER TABLE audit_log ADD CONSTRAINT test_refuse CHECK (false) NOT VALID")
        )
    try:
        response = await _post(
            client, token_for, CLAIMS_50, as_="adjudicator@example.com", request_id="t-fail"
        )
    finally:
        async with engine.begin() as conn:
            await conn.execute(text("ALTER TABLE audit_log DROP CONSTRAINT test_refuse"))
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "INTERNAL"
    assert "CLM-" not in response.text and "diagnosis" not in response.text.lower()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET action = 'nothing' WHERE chain_pos = (SELECT max(chain_pos) FROM audit_log)",
        "DELETE FROM audit_log WHERE chain_pos = (SELECT max(chain_pos) FROM audit_log)",
        "TRUNCATE audit_log",
    ],
)
async def test_the_audit_log_refuses_updates_and_deletes(engine, statement):
    from sqlalchemy.exc import DBAPIError

    with pytest.raises(DBAPIError, match="append-only"):
        async with engine.begin() as conn:
            await conn.execute(text(statement))


async def test_the_auditor_filters_the_trail_and_others_see_nothing(gql, users):
    member = await gql("{ me { member { id } } }", as_="member@example.com")
    member_id = member["data"]["me"]["member"]["id"]
    await gql("query($m: ID!) { member(id: $m) { firstName } }", {"m": member_id})
    body = await gql(
        'query($m: ID!) { auditLog(first: 20, filter: {memberId: $m, action: "read"}) '
        "{ totalCount edges { node { action resourceType subjectMemberId role fields } } } }",
        {"m": member_id},
        as_="auditor@example.com",
    )
    log = body["data"]["auditLog"]
    assert log["totalCount"] >= 1
    subject = str(users["member@example.com"]["member_id"])
    assert {e["node"]["subjectMemberId"] for e in log["edges"]} == {subject}
    for persona in ("admin@example.com", "member@example.com", "adjudicator@example.com"):
        other = await gql("{ auditLog { totalCount } }", as_=persona)
        assert other["data"]["auditLog"]["totalCount"] == 0
    refused = await gql("{ verifyAuditChain { intact } }", as_="admin@example.com")
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_audit_filters_refuse_bad_input(gql):
    reversed_range = await gql(
        '{ auditLog(filter: {occurredFrom: "2026-02-01T00:00:00Z", occurredTo: "2026-01-01T00:00:00Z"}) { totalCount } }',
        as_="auditor@example.com",
    )
    assert reversed_range["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    unknown = await gql(
        '{ auditLog(filter: {colour: "red"}) { totalCount } }', as_="auditor@example.com"
    )
    assert unknown["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    too_many = await gql("{ auditLog(first: 101) { totalCount } }", as_="auditor@example.com")
    assert too_many["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_break_glass_openings_are_audited_and_flagged(gql, engine, users):
    # a background member: the policy suite uses the demo family's break-glass state
    listed = await gql(
        '{ members(first: 1, filter: {memberNumber: "MBR-00000500"}) { edges { node { id } } } }'
    )
    member_id = listed["data"]["members"]["edges"][0]["node"]["id"]
    opened = await gql(
        'mutation($m: ID!) { openBreakGlass(memberId: $m, reason: "Chest pain, unconscious") { id } }',
        {"m": member_id},
        as_="adjudicator2@example.com",
    )
    assert "errors" not in opened
    async with engine.connect() as conn:
        row = (
            (
                await conn.execute(
                    text(
                        "SELECT * FROM audit_log WHERE action = 'open_break_glass' AND user_id = :u "
                        "ORDER BY seq DESC LIMIT 1"
                    ),
                    {"u": users["adjudicator2@example.com"]["id"]},
                )
            )
            .mappings()
            .one()
        )
    assert row["break_glass"] is True
    assert row["subject_member_id"] is not None
    read = await gql(
        "query($m: ID!) { member(id: $m) { firstName allergies } }",
        {"m": member_id},
        as_="adjudicator2@example.com",
    )
    assert "errors" not in read
    async with engine.connect() as conn:
        flagged = (
            await conn.execute(
                text(
                    "SELECT break_glass FROM audit_log WHERE action = 'read' AND user_id = :u "
                    "AND 'first_name' = ANY(fields) ORDER BY seq DESC LIMIT 1"
                ),
                {"u": users["adjudicator2@example.com"]["id"]},
            )
        ).scalar_one()
    assert flagged is True


async def test_sign_ins_failures_refreshes_and_logouts_are_audited(client, engine, users):
    async def token(request_id: str, **form):
        return await client.post("/auth/token", data=form, headers={"X-Request-Id": request_id})

    # the failure first: the success after it resets the shared persona's counter
    bad = await token(
        "s-bad", grant_type="password", username="member@example.com", password="wrong"
    )
    assert bad.status_code == 400
    ok = await token(
        "s-ok", grant_type="password", username="member@example.com", password="demo-password"
    )
    refreshed = await token(
        "s-refresh", grant_type="refresh_token", refresh_token=ok.json()["refresh_token"]
    )
    await client.post(
        "/auth/logout",
        data={"refresh_token": refreshed.json()["refresh_token"]},
        headers={"X-Request-Id": "s-logout"},
    )
    async with engine.connect() as conn:
        rows = {
            r["request_id"]: r
            for r in (
                await conn.execute(
                    text(
                        "SELECT * FROM audit_log WHERE request_id IN ('s-ok', 's-bad', 's-refresh', 's-logout')"
                    )
                )
            ).mappings()
        }
    member = users["member@example.com"]["id"]
    assert (rows["s-ok"]["action"], rows["s-ok"]["user_id"], rows["s-ok"]["success"]) == (
        "sign_in",
        member,
        True,
    )
    assert (rows["s-bad"]["action"], rows["s-bad"]["success"]) == ("sign_in_failed", False)
    assert rows["s-refresh"]["action"] == "token_refresh"
    assert rows["s-logout"]["action"] == "logout"
    # no credentials in the trail
    for row in rows.values():
        assert "demo-password" not in str(dict(row)) and "wrong" not in str(row["error"] or "")


DISCLOSURES = "{ myDisclosures(first: 50) { totalCount edges { node { occurredAt recipientRole recipientOrganisation recordType disclosed purpose } } } }"


async def test_the_accounting_of_disclosures_lists_oversight_but_not_routine_or_own_reads(
    gql, users
):
    before = (await gql(DISCLOSURES, as_="member@example.com"))["data"]["myDisclosures"][
        "totalCount"
    ]
    # routine (payment) and the member's own reads are not disclosures to account for
    await gql("{ me { member { firstName lastName } } }", as_="member@example.com")
    await gql(
        "{ claims(first: 5, filter: {status: [DENIED]}) { edges { node { member { firstName } } } } }",
        as_="adjudicator@example.com",
    )
    after_routine = (await gql(DISCLOSURES, as_="member@example.com"))["data"]["myDisclosures"]
    # a regulator's read (health oversight) is
    regulator = await gql(
        "{ members(first: 100) { edges { node { birthYear zipCode employer { companyName } } } } }",
        as_="regulator@example.com",
    )
    assert "errors" not in regulator
    after_oversight = (await gql(DISCLOSURES, as_="member@example.com"))["data"]["myDisclosures"]
    assert after_oversight["totalCount"] > after_routine["totalCount"]
    newest = after_oversight["edges"][0]["node"]
    assert newest["recipientRole"] == "regulator" and newest["purpose"] == "OVERSIGHT"
    assert newest["recipientOrganisation"] == "jurisdiction:CA"
    assert all(
        e["node"]["purpose"] not in ("TREATMENT", "PAYMENT", "OPERATIONS")
        for e in after_oversight["edges"]
    )
    assert after_routine["totalCount"] == before


async def test_others_get_no_accounting(gql):
    for persona in (
        "admin@example.com",
        "adjudicator@example.com",
        "employer@example.com",
        "auditor@example.com",
    ):
        body = await gql(DISCLOSURES, as_=persona)
        assert body["data"]["myDisclosures"]["totalCount"] == 0


async def test_an_adult_dependent_gets_their_own_accounting_not_the_subscribers(gql):
    before = (await gql(DISCLOSURES, as_="adult.child@example.com"))["data"]["myDisclosures"]
    body = await gql(
        "{ dependents(first: 100) { edges { node { birthYear relationship } } } }",
        as_="regulator@example.com",
    )
    assert "errors" not in body
    after = (await gql(DISCLOSURES, as_="adult.child@example.com"))["data"]["myDisclosures"]
    added = after["totalCount"] - before["totalCount"]
    assert added > 0
    # newest first: what the regulator's read added (earlier tests may have left others)
    assert {e["node"]["recordType"] for e in after["edges"][:added]} == {"Dependent"}
    # the subscriber's accounting does not list her adult son's disclosures
    maria = (await gql(DISCLOSURES, as_="member@example.com"))["data"]["myDisclosures"]
    assert "Dependent" not in {e["node"]["recordType"] for e in maria["edges"]}


async def test_the_accounting_of_disclosures_pages_newest_first_by_write_order(gql):
    for _ in range(4):  # health oversight reads: disclosures to account for
        body = await gql("{ members(first: 100) { edges { node { birthYear } } } }",
                         as_="regulator@example.com")  # fmt: skip
        assert "errors" not in body
    page = "query($a: String) { myDisclosures(first: 2, after: $a) { totalCount edges { cursor node { occurredAt } } pageInfo { hasNextPage } } }"
    first = (await gql(page, as_="member@example.com"))["data"]["myDisclosures"]
    assert first["totalCount"] >= 4 and first["pageInfo"]["hasNextPage"] is True
    second = (await gql(page, {"a": first["edges"][-1]["cursor"]}, as_="member@example.com"))[
        "data"
    ]["myDisclosures"]
    times = [e["node"]["occurredAt"] for e in first["edges"] + second["edges"]]
    assert len(times) == 4 and times == sorted(times, reverse=True)
    assert {e["cursor"] for e in first["edges"]}.isdisjoint(e["cursor"] for e in second["edges"])
