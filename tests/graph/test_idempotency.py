"""Idempotency-Key on mutations: retries get the first answer, twins run once, a different
body under the same key is CONFLICT, failures free the key."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date

from sqlalchemy import text

from tests.graph.test_submission import PROVIDER, SUBMIT, claim_input, maria  # noqa: F401


async def _post(client, token_for, body: dict, key: str | None, as_: str = PROVIDER):
    headers = {"Authorization": f"Bearer {token_for(as_)}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return await client.post("/graphql", json=body, headers=headers)


async def _claims_on(engine, service_date: str) -> int:
    async with engine.connect() as conn:
        return (await conn.execute(text(
            "SELECT count(*) FROM claims WHERE service_date = CAST(:d AS date) AND "
            "procedure_codes = '{99213}' AND member_id = (SELECT id FROM members WHERE "
            "member_number = 'MBR-00000001')"), {"d": date.fromisoformat(service_date)})).scalar_one()  # fmt: skip


async def test_a_retry_gets_the_first_answer_and_files_once(client, token_for, engine, maria):  # noqa: F811
    body = {"query": SUBMIT, "variables": {"input": claim_input(maria, days_ago=20)}}
    key = str(uuid.uuid4())
    first = await _post(client, token_for, body, key)
    again = await _post(client, token_for, body, key)
    assert first.status_code == again.status_code == 200
    assert first.json()["data"]["submitClaim"]["__typename"] == "ClaimSubmitted"
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert await _claims_on(engine, body["variables"]["input"]["serviceDate"]) == 1


async def test_the_same_key_with_another_body_is_conflict(client, token_for, maria):  # noqa: F811
    key = str(uuid.uuid4())
    one = {"query": SUBMIT, "variables": {"input": claim_input(maria, days_ago=21)}}
    other = {"query": SUBMIT, "variables": {"input": claim_input(maria, days_ago=22)}}
    assert (await _post(client, token_for, one, key)).status_code == 200
    refused = await _post(client, token_for, other, key)
    assert refused.status_code == 409
    error = refused.json()["errors"][0]
    assert error["extensions"] == {"code": "CONFLICT", "field": "Idempotency-Key"}


async def test_twenty_concurrent_twins_file_one_claim(client, token_for, engine, maria):  # noqa: F811
    body = {"query": SUBMIT, "variables": {"input": claim_input(maria, days_ago=23)}}
    key = str(uuid.uuid4())
    answers = await asyncio.gather(*(_post(client, token_for, body, key) for _ in range(20)))
    assert [a.status_code for a in answers] == [200] * 20
    numbers = {a.json()["data"]["submitClaim"]["claim"]["claimNumber"] for a in answers}
    assert len(numbers) == 1
    assert sum(a.headers.get("idempotent-replayed") == "true" for a in answers) == 19
    assert await _claims_on(engine, body["variables"]["input"]["serviceDate"]) == 1


async def test_keys_are_per_user(client, token_for, users, maria):  # noqa: F811
    """Another user's key of the same name is another key: nobody sees someone else's answer."""
    key = str(uuid.uuid4())
    mine = {"query": SUBMIT, "variables": {"input": claim_input(maria, days_ago=24)}}
    assert (await _post(client, token_for, mine, key)).status_code == 200
    theirs = {"query": SUBMIT, "variables": {"input": claim_input(
        maria, days_ago=24, providerId=None)}}  # fmt: skip
    answer = await _post(client, token_for, theirs, key, as_="admin@example.com")
    assert answer.status_code == 200 and "idempotent-replayed" not in answer.headers
    assert answer.json()["data"]["submitClaim"]["__typename"] == "InvalidInput"


async def test_a_failed_request_frees_its_key(client, token_for, engine, maria, monkeypatch):  # noqa: F811
    from db import workflows

    real = workflows.publish

    async def broken(*args, **kwargs):
        raise RuntimeError("outbox unavailable")

    body = {"query": SUBMIT, "variables": {"input": claim_input(maria, days_ago=25)}}
    key = str(uuid.uuid4())
    monkeypatch.setattr(workflows, "publish", broken)
    failed = await _post(client, token_for, body, key)
    assert failed.json()["errors"][0]["extensions"]["code"] == "INTERNAL"
    monkeypatch.setattr(workflows, "publish", real)
    retried = await _post(client, token_for, body, key)
    assert "idempotent-replayed" not in retried.headers
    assert retried.json()["data"]["submitClaim"]["__typename"] == "ClaimSubmitted"
    assert await _claims_on(engine, body["variables"]["input"]["serviceDate"]) == 1


async def test_queries_and_bad_keys(client, token_for, engine):
    key = str(uuid.uuid4())
    query = await _post(client, token_for, {"query": "{ me { email } }"}, key)
    assert query.status_code == 200
    async with engine.connect() as conn:
        kept = (await conn.execute(text("SELECT count(*) FROM idempotency_keys WHERE key = :k"),
                                   {"k": key})).scalar_one()  # fmt: skip
    assert kept == 0  # reads are not stored
    bad = await _post(client, token_for, {"query": "mutation { __typename }"}, "x" * 129)
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT",
                                                     "field": "Idempotency-Key"}  # fmt: skip


async def test_stored_answers_are_sealed(client, token_for, engine, maria):  # noqa: F811
    key = str(uuid.uuid4())
    body = {"query": SUBMIT, "variables": {"input": claim_input(maria, days_ago=26)}}
    answer = await _post(client, token_for, body, key)
    number = answer.json()["data"]["submitClaim"]["claim"]["claimNumber"]
    async with engine.connect() as conn:
        stored = (
            await conn.execute(
                text("SELECT response::text FROM idempotency_keys WHERE key = :k"), {"k": key}
            )
        ).scalar_one()
    assert number not in stored and "sealed" in stored
