"""Validation runs over uploaded billing files, end to end on the real database: a CSV with
planted errors gives exactly those findings at their rows; only the uploader and admins
see a run; the upload is deleted when the run ends; garbage gets a clear answer; a run a
stopped server left behind is resumed or failed. And the rules: admins re-threshold them,
versioned and audited, and the API's validation follows at once."""

from __future__ import annotations

import base64
import csv
import io
import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

PROVIDER = "provider@example.com"
START = """mutation($file: Upload!, $format: ValidationRunFormat!) {
  startValidationRun(file: $file, format: $format) { __typename
    ... on ValidationRunStarted { run { id status progress } }
    ... on InvalidInput { code field message } } }"""
RUN = """query($id: ID!) { validationRun(id: $id) { status progress totalRows processedRows
  errorCount warningCount infoCount failureReason
  results(first: 100) { totalCount edges { node { row claim rule severity field message } } } } }"""
HEADER = ("claim_id,member_number,patient_date_of_birth,patient_first_name,billing_npi,"
          "service_date,place_of_service,diagnosis_codes,procedure_code,modifiers,units,"
          "charge_amount,diagnosis_pointers")  # fmt: skip


@pytest.fixture(scope="module")
async def family(engine):
    from db.tables import dependents, members, providers

    async with engine.connect() as conn:
        m = (await conn.execute(select(members).where(
            members.c.member_number == "MBR-00000001"))).mappings().one()  # fmt: skip
        sofia = (
            (
                await conn.execute(
                    select(dependents).where(
                        dependents.c.member_id == m["id"], dependents.c.first_name != "x"
                    )
                )
            )
            .mappings()
            .all()
        )
        group = (await conn.execute(select(providers.c.npi).where(
            providers.c.organization_name == "Riverside Family Health"))).scalar_one()  # fmt: skip
        other = (await conn.execute(select(providers.c.npi).where(
            providers.c.organization_name != "Riverside Family Health",
            providers.c.parent_id.is_(None)).limit(1))).scalar_one()  # fmt: skip
    return {"member": m, "dependents": {d["first_name"]: d for d in sofia}, "npi": group,
            "other_npi": other}  # fmt: skip


def _csv(rows: list[list]) -> bytes:
    out = io.StringIO()
    out.write(HEADER + "\n")
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


async def _upload(client, token_for, content: bytes, *, as_=PROVIDER, fmt="CSV", name="b.csv"):
    ops = {"query": START, "variables": {"file": None, "format": fmt}}
    response = await client.post(
        "/graphql",
        data={"operations": json.dumps(ops), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": (name, content, "text/csv")},
        headers={"Authorization": f"Bearer {token_for(as_)}", "GraphQL-Require-Preflight": "1"},
    )
    return response


def _planted(family) -> tuple[bytes, set[tuple[int, str]]]:
    """A billing file with one clean claim and one planted error per other claim; the
    findings each must give, as (row, rule)."""
    m, npi = family["member"], family["npi"]
    num, born = m["member_number"], m["date_of_birth"].isoformat()
    sofia = family["dependents"]["Sofia"]["date_of_birth"].isoformat()
    day = (date.today() - timedelta(days=60)).isoformat()
    later = (date.today() - timedelta(days=61)).isoformat()
    future = (date.today() + timedelta(days=5)).isoformat()

    def row(cid, code, *, who=born, dx="J06.9", pos="11", when=day, amount="120.00",
            member=num, billing=npi, units="1", pointers="1"):  # fmt: skip
        return [cid, member, who, "", billing, when, pos, dx, code, "", units, amount, pointers]

    rows = [
        row("A", "99213"),
        row("A", "87880", amount="35.00"),  # rows 2-3: clean
        row("B", "99214", dx="J06.9|XYZ"),  # row 4: a diagnosis that is no code
        row("C", "99213", dx="J06", when=later),  # row 5: a category, not billable
        row("D", "99213", when="2026-13-45"),  # row 6: no such date
        row("E", "99213", amount="12,50"),  # row 7: not an amount
        row("F", "99213", member="MBR-99999999"),  # row 8: nobody
        row("G", "99213", billing=family["other_npi"], when=later),  # row 9: not theirs
        row("H", "99213"),
        row("H", "87880", amount="35.00"),  # rows 10-11: same as A
        row("I", "99213", when=future),  # row 12: the future
        row("J", "99213", pos="00", who=sofia),  # row 13: no such place of service
        row("K", "9921X", who=sofia, when=later),  # row 14: not a CPT/HCPCS code
    ]
    expected = {
        (4, "diagnosis_code_valid"),
        (5, "diagnosis_code_valid"),
        (6, "file_format"), (7, "file_format"),
        (8, "patient_found"), (9, "provider_npi_valid"),
        (10, "duplicate_claim"),
        (12, "service_date_not_future"),
        (13, "place_of_service_valid"), (14, "procedure_code_valid"),
    }  # fmt: skip
    return _csv(rows), expected


async def _run(gql, run_id, as_=PROVIDER):
    return await gql(RUN, {"id": run_id}, as_=as_)


async def test_a_csv_run_finds_exactly_the_planted_errors(client, token_for, gql, app, engine,
                                                          family):  # fmt: skip
    content, expected = _planted(family)
    started = (await _upload(client, token_for, content)).json()["data"]["startValidationRun"]
    assert started["__typename"] == "ValidationRunStarted", started
    assert started["run"]["status"] == "PENDING"
    run_id = started["run"]["id"]

    assert await app.state.runs.run_one() is True
    run = (await _run(gql, run_id))["data"]["validationRun"]
    assert run["status"] == "COMPLETED" and run["progress"] == 100
    assert run["totalRows"] == run["processedRows"] == 13
    found = {(e["node"]["row"], e["node"]["rule"]) for e in run["results"]["edges"]}
    assert found == expected
    assert run["errorCount"] == sum(
        e["node"]["severity"] == "ERROR" for e in run["results"]["edges"]
    )
    messages = " ".join(e["node"]["message"] for e in run["results"]["edges"])
    m = family["member"]
    for secret in (m["member_number"], m["date_of_birth"].isoformat(), m["first_name"],
                   "MBR-99999999"):  # fmt: skip
        assert secret not in messages

    # the upload is gone; the results stay
    async with engine.connect() as conn:
        left = (await conn.execute(text("SELECT count(*) FROM validation_uploads"))).scalar_one()
        audited = (
            await conn.execute(
                text("SELECT count(*) FROM audit_log WHERE action = 'validate_file'")
            )
        ).scalar_one()
    assert left == 0 and audited >= 1

    # only the uploader and admins see the run
    assert (await _run(gql, run_id, as_="admin@example.com"))["data"]["validationRun"]
    hidden = await _run(gql, run_id, as_="adjudicator@example.com")
    assert hidden["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    listed = await gql("{ validationRuns(first: 50) { edges { node { id } } } }",
                       as_="adjudicator@example.com")  # fmt: skip
    assert run_id not in [e["node"]["id"] for e in listed["data"]["validationRuns"]["edges"]]
    errors_only = await gql(
        "query($id: ID!) { validationResults(runId: $id, severity: ERROR, first: 3) "
        "{ totalCount edges { node { severity } } pageInfo { hasNextPage } } }",
        {"id": run_id},
    )
    page = errors_only["data"]["validationResults"]
    assert {e["node"]["severity"] for e in page["edges"]} == {"ERROR"}
    assert page["totalCount"] == run["errorCount"] and page["pageInfo"]["hasNextPage"]


async def test_a_wrong_header_is_a_finding_of_the_run(client, token_for, gql, app):
    content = b"name,dob,amount\nMaria,1980-01-01,10.00\n"
    run_id = (await _upload(client, token_for, content)).json()["data"]["startValidationRun"][
        "run"]["id"]  # fmt: skip
    await app.state.runs.run_one()
    run = (await _run(gql, run_id))["data"]["validationRun"]
    assert run["status"] == "COMPLETED"
    [finding] = [e["node"] for e in run["results"]["edges"]]
    assert finding["rule"] == "file_format" and finding["field"] == "header"
    assert "Maria" not in finding["message"]


@pytest.mark.parametrize(
    "content,message",
    [(b"", "The file is empty."), (b"   \n", "The file is empty."),
     (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
      "The file is not text: send a CSV or an X12 837P file.")],
)  # fmt: skip
async def test_garbage_is_refused_clearly(client, token_for, content, message):
    answer = (await _upload(client, token_for, content)).json()["data"]["startValidationRun"]
    assert answer == {"__typename": "InvalidInput", "code": "BAD_USER_INPUT", "field": "file",
                      "message": message}  # fmt: skip


async def test_a_file_above_the_limit_is_refused_before_it_is_read(db_url, token_for):
    import httpx

    from graph.app import create_app
    from graph.config import Settings

    small = create_app(db_url, settings=Settings(max_upload_bytes=4096, max_document_bytes=100))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=small),
                                     base_url="http://test") as c:  # fmt: skip
            answer = await _upload(c, token_for, b"a,b\n" * 2000)  # 8 KB: read, then refused
            assert answer.json()["data"]["startValidationRun"]["field"] == "file"
            huge = await _upload(c, token_for, b"x" * (2 * 1024 * 1024))  # refused unread
            assert huge.status_code == 413
            assert huge.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    finally:
        await small.state.engine.dispose()


async def test_regulators_and_members_cannot_start_runs(client, token_for):
    for who in ("regulator@example.com", "member@example.com"):
        body = (await _upload(client, token_for, b"x", as_=who)).json()
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_run_left_processing_is_resumed_or_failed(client, token_for, app, engine, gql):
    content, _ = _planted({"member": {"member_number": "MBR-00000001",
                                      "date_of_birth": date(1980, 1, 1)},
                           "dependents": {"Sofia": {"date_of_birth": date(2017, 1, 1)}},
                           "npi": "1234567893", "other_npi": "1234567893"})  # fmt: skip
    ids = []
    for _ in range(2):
        started = (await _upload(client, token_for, content)).json()
        ids.append(
            base64.urlsafe_b64decode(started["data"]["startValidationRun"]["run"]["id"] + "==")
            .decode()
            .split(":")[1]
        )
    async with engine.begin() as conn:  # a server died holding both runs
        await conn.execute(
            text(
                "UPDATE validation_runs SET status = 'processing', heartbeat_at = now() - "
                "interval '5 minutes', attempts = CASE WHEN id = CAST(:b AS uuid) THEN 3 ELSE 1 END "
                "WHERE id IN (CAST(:a AS uuid), CAST(:b AS uuid))"
            ),
            {"a": ids[0], "b": ids[1]},
        )
    resumed, failed = await app.state.runs.recover()
    assert (resumed, failed) == (1, 1)
    async with engine.connect() as conn:
        states = dict(
            (
                await conn.execute(
                    text(
                        "SELECT id::text, status FROM validation_runs WHERE id IN "
                        "(CAST(:a AS uuid), CAST(:b AS uuid))"
                    ),
                    {"a": ids[0], "b": ids[1]},
                )
            ).all()
        )
        uploads = (await conn.execute(text(
            "SELECT count(*) FROM validation_uploads WHERE run_id = CAST(:b AS uuid)"),
            {"b": ids[1]})).scalar_one()  # fmt: skip
    assert states == {ids[0]: "pending", ids[1]: "failed"} and uploads == 0
    assert await app.state.runs.run_one() is True  # the resumed one completes
    async with engine.connect() as conn:
        status = (await conn.execute(text(
            "SELECT status FROM validation_runs WHERE id = CAST(:a AS uuid)"),
            {"a": ids[0]})).scalar_one()  # fmt: skip
    assert status == "completed"


# --- the rules ----------------------------------------------------------------------------

RULES = "{ validationRules(first: 100) { edges { node { id name version condition enabled } } } }"
UPDATE = """mutation($id: ID!, $v: Int!, $c: JSON, $e: Boolean) {
  updateValidationRule(id: $id, version: $v, condition: $c, enabled: $e) { __typename
    ... on ValidationRuleUpdated { rule { version condition enabled } }
    ... on InvalidInput { field message } ... on RecordChanged { code } } }"""


async def test_admins_retune_a_rule_and_validation_follows(gql, engine, family):
    from tests.graph.test_submission import VALIDATE, claim_input

    rules = {e["node"]["name"]: e["node"] for e in
             (await gql(RULES))["data"]["validationRules"]["edges"]}  # fmt: skip
    assert {"timely_filing", "duplicate_claim", "diagnosis_code_valid"} <= set(rules)
    timely = rules["timely_filing"]
    assert timely["condition"] == {"days": 365}
    hidden = await gql(RULES, as_="adjudicator@example.com")
    assert hidden["data"]["validationRules"]["edges"] == []

    maria = {"number": family["member"]["member_number"],
             "born": family["member"]["date_of_birth"]}  # fmt: skip
    forty = claim_input(maria, days_ago=40)
    before = (await gql(VALIDATE, {"input": forty}, as_=PROVIDER))["data"]["validateClaim"]
    assert "timely_filing" not in [f["rule"] for f in before["findings"]]

    bad = await gql(UPDATE, {"id": timely["id"], "v": timely["version"], "c": {"days": 0}})
    assert bad["data"]["updateValidationRule"]["field"] == "condition.days"
    changed = (await gql(UPDATE, {"id": timely["id"], "v": timely["version"],
                                  "c": {"days": 30}}))["data"]["updateValidationRule"]  # fmt: skip
    assert changed["rule"] == {"version": timely["version"] + 1, "condition": {"days": 30},
                               "enabled": True}  # fmt: skip
    try:
        after = (await gql(VALIDATE, {"input": forty}, as_=PROVIDER))["data"]["validateClaim"]
        assert [(f["rule"], f["field"]) for f in after["findings"]] == [
            ("timely_filing", "serviceDate")
        ]
        stale = await gql(UPDATE, {"id": timely["id"], "v": timely["version"], "e": False})
        assert stale["data"]["updateValidationRule"] == {"__typename": "RecordChanged",
                                                         "code": "CONFLICT"}  # fmt: skip
        refused = await gql(UPDATE, {"id": timely["id"], "v": timely["version"] + 1, "e": False},
                            as_="adjudicator@example.com")  # fmt: skip
        assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    finally:
        restored = await gql(UPDATE, {"id": timely["id"], "v": timely["version"] + 1,
                                      "c": {"days": 365}})  # fmt: skip
        assert restored["data"]["updateValidationRule"]["__typename"] == "ValidationRuleUpdated"
    async with engine.connect() as conn:
        versions = (
            await conn.execute(
                text(
                    "SELECT v.version, v.condition FROM validation_rule_versions v JOIN validation_rules r "
                    "ON r.id = v.rule_id WHERE r.name = 'timely_filing' ORDER BY v.version"
                )
            )
        ).all()
        audited = (
            await conn.execute(
                text("SELECT count(*) FROM audit_log WHERE action = 'update_validation_rule'")
            )
        ).scalar_one()
    assert [(v, c["days"]) for v, c in versions][-3:] == [
        (timely["version"], 365),
        (timely["version"] + 1, 30),
        (timely["version"] + 2, 365),
    ]
    assert audited >= 2


async def test_an_837p_run_reads_claims_and_finds_the_planted_error(client, token_for, gql, app,
                                                                    family):  # fmt: skip
    from tests.domain.x12_files import Claim, Dependent, Envelope, Line, build, rows

    m = family["member"]
    sofia = family["dependents"]["Sofia"]
    day = (date.today() - timedelta(days=70)).strftime("%Y%m%d")
    born = m["date_of_birth"].strftime("%Y%m%d")
    text = build([
        Claim("PCN1", m["member_number"], m["first_name"], "ALVAREZ", born,
              lines=(Line("99213", "120.00", on=day), Line("87880", "35.00", on=day))),
        Claim("PCN2", m["member_number"], m["first_name"], "ALVAREZ", born,
              lines=(Line("9921X", "80.00", on=day),),
              dependent=Dependent(sofia["first_name"], "ALVAREZ",
                                  sofia["date_of_birth"].strftime("%Y%m%d"))),
    ], Envelope(npi=family["npi"]))  # fmt: skip
    answer = await _upload(client, token_for, text.encode(), fmt="X12_837P", name="b.837")
    run_id = answer.json()["data"]["startValidationRun"]["run"]["id"]
    assert await app.state.runs.run_one() is True
    run = (await _run(gql, run_id))["data"]["validationRun"]
    assert run["status"] == "COMPLETED" and run["totalRows"] == 3
    found = [(e["node"]["row"], e["node"]["claim"], e["node"]["rule"])
             for e in run["results"]["edges"]]  # fmt: skip
    assert found == [(rows(text, "SV1")[2], "claim 2", "procedure_code_valid")]
