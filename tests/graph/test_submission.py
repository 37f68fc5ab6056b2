"""submitClaim and validateClaim over HTTP with the demo personas: the provider is forced,
the patient is identified as on the card, validation refuses or keeps warnings, triage and
the sensitive flag are set, and the claim, lines, documents, timeline, outbox and audit
commit together."""

from __future__ import annotations

import base64
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, text

PROVIDER = "provider@example.com"
SUBMIT = """mutation($input: SubmitClaimInput!) { submitClaim(input: $input) { __typename
  ... on ClaimSubmitted { eventSequence findings { rule severity field }
        claim { id claimNumber status priority triageReasons isSensitive billedAmount
                provider { id } requiresManualReview validationWarnings } }
  ... on ClaimRefused { code message findings { rule severity message field } }
  ... on InvalidInput { code field message } } }"""
VALIDATE = """query($input: SubmitClaimInput!) { validateClaim(input: $input) { __typename
  ... on ClaimValidation { valid priority findings { rule severity field message } }
  ... on InvalidInput { field message } } }"""


def _gid(kind: str, value) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{value}".encode()).decode().rstrip("=")


@pytest.fixture(scope="module")
async def maria(engine):
    """Maria's number, birth date and her family's, read the way the card would show them."""
    from db.tables import dependents, members

    async with engine.connect() as conn:
        m = (
            (await conn.execute(select(members).where(members.c.member_number == "MBR-00000001")))
            .mappings()
            .one()
        )
        deps = (
            (await conn.execute(select(dependents).where(dependents.c.member_id == m["id"])))
            .mappings()
            .all()
        )
    return {"number": m["member_number"], "born": m["date_of_birth"], "id": m["id"],
            "dependents": {d["first_name"]: d for d in deps}}  # fmt: skip


def claim_input(maria, *, days_ago: int, **changes) -> dict:
    """A clean office visit for Maria `days_ago` days back (each test its own date)."""
    base = {
        "memberNumber": maria["number"],
        "patientDateOfBirth": maria["born"].isoformat(),
        "placeOfService": "11",
        "serviceDate": (date.today() - timedelta(days=days_ago)).isoformat(),
        "diagnosisCodes": ["J06.9"],
        "lines": [{"procedureCode": "99213", "chargeAmount": "145.00", "diagnosisPointers": [1]}],
    }
    return base | changes


async def _count(engine, sql: str, **params) -> int:
    async with engine.connect() as conn:
        return (await conn.execute(text(sql), params)).scalar_one()


async def test_provider_submits_and_the_claim_is_theirs_whatever_the_input_says(
    gql, engine, maria, users
):
    other = _gid("Provider", "00000000-0000-0000-0000-000000000001")
    body = await gql(SUBMIT, {"input": claim_input(maria, days_ago=3, providerId=other)},
                     as_=PROVIDER)  # fmt: skip
    result = body["data"]["submitClaim"]
    assert result["__typename"] == "ClaimSubmitted", result
    claim = result["claim"]
    assert claim["provider"]["id"] == _gid("Provider", users[PROVIDER]["provider_id"])
    assert claim["status"] == "SUBMITTED" and claim["claimNumber"].startswith("CLM-")
    assert claim["priority"] == "NORMAL" and claim["triageReasons"] == ["no urgency signal"]
    assert Decimal(claim["billedAmount"]) == Decimal("145.00")
    assert claim["isSensitive"] is False

    number = claim["claimNumber"]
    claim_id = await _count(engine, "SELECT id FROM claims WHERE claim_number = :n", n=number)
    assert await _count(engine, "SELECT count(*) FROM claim_lines WHERE claim_id = :c",
                        c=claim_id) == 1  # fmt: skip
    assert await _count(engine, "SELECT count(*) FROM claim_events WHERE claim_id = :c AND "
                        "action = 'submitted'", c=claim_id) == 1  # fmt: skip
    outbox = await _count(engine, "SELECT payload::text FROM outbox_events WHERE seq = :s",
                          s=result["eventSequence"])  # fmt: skip
    assert json.loads(outbox) == {"claim_id": str(claim_id), "old_status": None,
                                  "new_status": "submitted", "version": 1}  # fmt: skip
    audit = await _count(engine, "SELECT count(*) FROM audit_log WHERE action = 'submit_claim' "
                         "AND resource_id = :c AND success", c=str(claim_id))  # fmt: skip
    assert audit == 1


async def test_an_unknown_member_and_a_wrong_birth_date_read_the_same(gql, engine, maria):
    before = await _count(engine, "SELECT count(*) FROM claims")
    unknown = claim_input(maria, days_ago=4, memberNumber="MBR-99999999")
    wrong_born = claim_input(maria, days_ago=4, patientDateOfBirth="1901-01-01")
    answers = []
    for attempt in (unknown, wrong_born):
        result = (await gql(SUBMIT, {"input": attempt}, as_=PROVIDER))["data"]["submitClaim"]
        assert result["__typename"] == "ClaimRefused" and result["code"] == "BAD_USER_INPUT"
        answers.append(result["findings"])
    assert answers[0] == answers[1]
    assert [(f["rule"], f["field"]) for f in answers[0]] == [("patient_found", "memberNumber")]
    assert await _count(engine, "SELECT count(*) FROM claims") == before


async def test_validation_errors_refuse_the_claim_and_name_the_field(gql, engine, maria):
    before = await _count(engine, "SELECT count(*) FROM claims")
    bad = claim_input(
        maria,
        days_ago=5,
        diagnosisCodes=["J06.9", "not-a-code"],
        lines=[
            {"procedureCode": "99213", "chargeAmount": "-5.00"},
            {"procedureCode": "ABC", "chargeAmount": "10.00", "units": 0, "diagnosisPointers": [7]},
        ],  # fmt: skip
    )
    result = (await gql(SUBMIT, {"input": bad}, as_=PROVIDER))["data"]["submitClaim"]
    assert result["__typename"] == "ClaimRefused"
    assert {(f["rule"], f["field"]) for f in result["findings"]} == {
        ("diagnosis_code_valid", "diagnosisCodes[1]"),
        ("procedure_code_valid", "lines[1].procedureCode"),
        ("units_positive", "lines[1].units"),
        ("amount_valid", "lines[0].chargeAmount"),
        ("diagnosis_pointers_valid", "lines[1].diagnosisPointers"),
    }
    assert await _count(engine, "SELECT count(*) FROM claims") == before
    refused = await _count(engine, "SELECT count(*) FROM audit_log WHERE action = "
                           "'submit_claim' AND NOT success")  # fmt: skip
    assert refused >= 1


async def test_a_duplicate_is_refused_whatever_the_claim_number(gql, maria):
    first = claim_input(maria, days_ago=6)
    assert (await gql(SUBMIT, {"input": first}, as_=PROVIDER))["data"]["submitClaim"][
        "__typename"
    ] == "ClaimSubmitted"
    again = (await gql(SUBMIT, {"input": first}, as_=PROVIDER))["data"]["submitClaim"]
    assert again["__typename"] == "ClaimRefused"
    assert [f["rule"] for f in again["findings"]] == ["duplicate_claim"]


async def test_concurrent_twins_without_a_key_file_once(gql, maria):
    """Five identical submissions at once: the duplicate check runs under a lock."""
    import asyncio

    twin = claim_input(maria, days_ago=16)
    results = await asyncio.gather(*(gql(SUBMIT, {"input": twin}, as_=PROVIDER)
                                     for _ in range(5)))  # fmt: skip
    kinds = sorted(r["data"]["submitClaim"]["__typename"] for r in results)
    assert kinds == ["ClaimRefused"] * 4 + ["ClaimSubmitted"]


async def test_triage_and_sensitivity_are_set_on_submit(gql, maria):
    er = claim_input(maria, days_ago=7, placeOfService="23",
                     lines=[{"procedureCode": "99284", "chargeAmount": "900.00"}])  # fmt: skip
    result = (await gql(SUBMIT, {"input": er}, as_=PROVIDER))["data"]["submitClaim"]
    assert result["claim"]["priority"] == "URGENT"
    assert set(result["claim"]["triageReasons"]) == {
        "emergency room place of service", "emergency visit code"}  # fmt: skip
    therapy = claim_input(maria, days_ago=7, diagnosisCodes=["F41.1"],
                          lines=[{"procedureCode": "90834", "chargeAmount": "160.00"}])  # fmt: skip
    result = (await gql(SUBMIT, {"input": therapy}, as_=PROVIDER))["data"]["submitClaim"]
    assert result["claim"]["isSensitive"] is True


async def test_warnings_are_kept_on_the_claim(gql, maria):
    big = claim_input(
        maria,
        days_ago=8,
        lines=[{"procedureCode": "27447", "chargeAmount": "12000.00", "diagnosisPointers": [1]}],
    )
    result = (await gql(SUBMIT, {"input": big}, as_=PROVIDER))["data"]["submitClaim"]
    assert result["__typename"] == "ClaimSubmitted", result
    assert [f["rule"] for f in result["findings"]] == ["amount_review_threshold"]
    claim = result["claim"]
    assert claim["requiresManualReview"] is True and claim["priority"] == "HIGH"
    assert [w["rule"] for w in claim["validationWarnings"]] == ["amount_review_threshold"]


async def test_a_dependent_patient_is_found_by_birth_date(gql, engine, maria):
    sofia = maria["dependents"]["Sofia"]
    child = claim_input(maria, days_ago=9, patientDateOfBirth=sofia["date_of_birth"].isoformat())
    result = (await gql(SUBMIT, {"input": child}, as_=PROVIDER))["data"]["submitClaim"]
    assert result["__typename"] == "ClaimSubmitted", result
    number = result["claim"]["claimNumber"]
    dependent = await _count(engine, "SELECT dependent_id FROM claims WHERE claim_number = :n",
                             n=number)  # fmt: skip
    assert dependent == sofia["id"]


@pytest.mark.parametrize("who", ["regulator@example.com", "member@example.com",
                                 "adjudicator@example.com", "employer@example.com"])  # fmt: skip
async def test_only_providers_and_admins_submit(gql, maria, who):
    provider = _gid("Provider", "00000000-0000-0000-0000-000000000001")
    body = await gql(SUBMIT, {"input": claim_input(maria, days_ago=10, providerId=provider)},
                     as_=who)  # fmt: skip
    assert body["data"] is None or body["data"]["submitClaim"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_an_admin_must_name_the_provider(gql, maria, users):
    result = (await gql(SUBMIT, {"input": claim_input(maria, days_ago=11)}))["data"]["submitClaim"]
    assert result == {
        "__typename": "InvalidInput",
        "code": "BAD_USER_INPUT",
        "field": "providerId",
        "message": "Name the billing provider: providerId.",
    }
    named = claim_input(maria, days_ago=11,
                        providerId=_gid("Provider", users[PROVIDER]["provider_id"]))  # fmt: skip
    result = (await gql(SUBMIT, {"input": named}))["data"]["submitClaim"]
    assert result["__typename"] == "ClaimSubmitted", result


async def test_validate_claim_saves_nothing(gql, engine, maria, users):
    before = (await _count(engine, "SELECT count(*) FROM claims"),
              await _count(engine, "SELECT count(*) FROM outbox_events"))  # fmt: skip
    er = claim_input(maria, days_ago=12, placeOfService="23", diagnosisCodes=["R07.9", "X"])
    result = (await gql(VALIDATE, {"input": er}, as_=PROVIDER))["data"]["validateClaim"]
    assert result["valid"] is False and result["priority"] == "URGENT"
    assert [(f["rule"], f["field"]) for f in result["findings"]] == [
        ("diagnosis_code_valid", "diagnosisCodes[1]")
    ]
    # plan staff validate for any provider they name
    named = claim_input(maria, days_ago=12,
                        providerId=_gid("Provider", users[PROVIDER]["provider_id"]))  # fmt: skip
    result = (await gql(VALIDATE, {"input": named}, as_="adjudicator@example.com"))["data"]
    assert result["validateClaim"] == {"__typename": "ClaimValidation", "valid": True,
                                       "priority": "NORMAL", "findings": []}  # fmt: skip
    after = (await _count(engine, "SELECT count(*) FROM claims"),
             await _count(engine, "SELECT count(*) FROM outbox_events"))  # fmt: skip
    assert after == before
    denied = await gql(VALIDATE, {"input": named}, as_="regulator@example.com")
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_failure_midway_leaves_nothing(gql, engine, maria, monkeypatch):
    from db import workflows

    async def broken(*args, **kwargs):
        raise RuntimeError("the outbox is gone")

    monkeypatch.setattr(workflows, "publish", broken)
    tables = ("claims", "claim_lines", "claim_events", "outbox_events")
    filed = "SELECT count(*) FROM audit_log WHERE action = 'submit_claim' AND success"
    before = [await _count(engine, f"SELECT count(*) FROM {t}") for t in tables]
    audited = await _count(engine, filed)
    body = await gql(SUBMIT, {"input": claim_input(maria, days_ago=13)}, as_=PROVIDER)
    assert body["errors"][0]["extensions"]["code"] == "INTERNAL"
    assert [await _count(engine, f"SELECT count(*) FROM {t}") for t in tables] == before
    assert await _count(engine, filed) == audited


# --- documents, as GraphQL multipart uploads ---------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


async def _upload(client, token_for, maria, files: dict[str, tuple], *, days_ago: int):
    variables = {"input": claim_input(maria, days_ago=days_ago, documents=[
        {"file": None, "documentType": "MEDICAL_RECORD"} for _ in files])}  # fmt: skip
    mapping = {str(i): [f"variables.input.documents.{i}.file"] for i in range(len(files))}
    response = await client.post(
        "/graphql",
        data={"operations": json.dumps({"query": SUBMIT, "variables": variables}),
              "map": json.dumps(mapping)},
        files={str(i): spec for i, spec in enumerate(files.values())},
        headers={"Authorization": f"Bearer {token_for(PROVIDER)}", "GraphQL-Require-Preflight": "1"},
    )  # fmt: skip
    return response.json()["data"]["submitClaim"]


async def test_a_pdf_is_stored_encrypted_with_its_digest(client, token_for, engine, maria):
    result = await _upload(client, token_for, maria,
                           {"note": ("chart.pdf", PDF, "application/pdf")}, days_ago=14)  # fmt: skip
    assert result["__typename"] == "ClaimSubmitted", result
    async with engine.connect() as conn:
        row = (await conn.execute(text(
            "SELECT d.content, d.mime_type, d.file_size, d.sha256, d.document_type "
            "FROM claim_documents d JOIN claims c ON c.id = d.claim_id "
            "WHERE c.claim_number = :n"), {"n": result["claim"]["claimNumber"]})).one()  # fmt: skip
    import hashlib

    assert row.mime_type == "application/pdf" and row.file_size == len(PDF)
    assert row.sha256 == hashlib.sha256(PDF).hexdigest()
    assert row.document_type == "medical_record"
    assert b"PDF" not in row.content.encode() and base64.b64encode(PDF).decode() not in row.content


async def test_a_document_that_is_not_a_pdf_or_image_is_refused(client, token_for, engine, maria):
    before = await _count(engine, "SELECT count(*) FROM claims")
    result = await _upload(client, token_for, maria,
                           {"x": ("chart.pdf", b"MZ\x90\x00 not really a pdf", "application/pdf")},
                           days_ago=15)  # fmt: skip
    assert result == {"__typename": "InvalidInput", "code": "BAD_USER_INPUT",
                      "field": "documents[0].file",
                      "message": "Attach a PDF, PNG, JPEG or TIFF document."}  # fmt: skip
    assert await _count(engine, "SELECT count(*) FROM claims") == before


def test_documents_above_the_limit_or_empty_are_refused_before_reading():
    from domain.documents import check_size
    from domain.errors import DomainError

    with pytest.raises(DomainError, match="larger than 10 MB"):
        check_size(10 * 1024 * 1024 + 1, limit=10 * 1024 * 1024, field="documents[0].file")
    with pytest.raises(DomainError, match="empty"):
        check_size(0, limit=10, field="documents[0].file")
    check_size(10, limit=10, field="documents[0].file")


async def test_statements_per_submission_are_pinned(gql, maria, count_statements):
    """Whatever the claim holds, the work is a fixed number of statements."""

    async def used(query, variables) -> int:
        before = count_statements.count
        body = await gql(query, variables, as_=PROVIDER)
        assert "errors" not in body, body
        return count_statements.count - before

    one_line = claim_input(maria, days_ago=17)
    five_lines = claim_input(maria, days_ago=18, diagnosisCodes=["J06.9", "R05.1", "I10"],
                             lines=[{"procedureCode": c, "chargeAmount": "20.00"}
                                    for c in ("99213", "87880", "36415", "85025", "81003")])  # fmt: skip
    await used(VALIDATE, {"input": one_line})  # places of service: read once per process
    # principal; rules; family; policies; providers; credentials + contracts; claims on file;
    # diagnosis codes
    assert await used(VALIDATE, {"input": one_line}) == await used(
        VALIDATE, {"input": five_lines}) == 8  # fmt: skip
    # the same reads, then: lock, duplicate re-check, number, claim, lines, event, outbox,
    # audit, commit-side audit of reads
    filed = await used(SUBMIT, {"input": five_lines})
    assert filed == await used(SUBMIT, {"input": one_line}), filed
    assert filed == 17, filed
