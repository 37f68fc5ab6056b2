"""The audit rows of queries answered at the same time are written together (graph/audit.py,
AuditTrail; db/audit.Appender): fewer statements and commits than answers, and still no
answer leaves before its own rows are committed."""

from __future__ import annotations

import asyncio
import base64
import uuid

from db import audit as audit_db
from tests.graph.test_audit import _post, _rows, audit_inserts

CLAIMS = "{ claims(first: 3) { edges { node { id claimNumber diagnosisCodes } } } }"
ANSWERS = 12


async def test_queries_answered_together_share_their_audit_writes(
    client, token_for, engine, monkeypatch
):
    real, writes = audit_db.write, []

    async def first_write_slow(conn, rows):
        writes.append(len(rows))
        if len(writes) == 1:  # meanwhile the other answers are made and wait for the next
            await asyncio.sleep(0.3)
        await real(conn, rows)

    monkeypatch.setattr(audit_db, "write", first_write_slow)
    committed_on_arrival: dict[str, int] = {}

    async def read(request_id: str) -> None:
        response = await _post(
            client, token_for, CLAIMS, as_="adjudicator@example.com", request_id=request_id
        )
        assert len(response.json()["data"]["claims"]["edges"]) == 3, response.text
        committed_on_arrival[request_id] = len(await _rows(engine, request_id))

    with audit_inserts(client) as inserts:
        ids = [f"g-{uuid.uuid4()}" for _ in range(ANSWERS)]
        await asyncio.gather(*(read(i) for i in ids))
    assert committed_on_arrival == dict.fromkeys(ids, 3)  # each answer's rows, before it
    assert len(inserts) == len(writes) < ANSWERS
    assert sum(writes) == 3 * ANSWERS


async def test_an_id_that_decodes_to_a_nul_is_audited_and_sinks_no_other_answer(
    client, token_for, engine
):
    """PostgreSQL's text cannot hold a NUL: the lookup of such an id is audited with the
    character replaced, and answers made beside it are written and sent as ever."""
    probe = base64.b64encode(f"\x00Evil:{uuid.uuid4()}".encode()).decode()
    query = f'{{ node(id: "{probe}") {{ id }} }}'
    probe_id, reader_ids = f"nul-{uuid.uuid4()}", [f"nul-{uuid.uuid4()}" for _ in range(4)]
    answers = await asyncio.gather(
        _post(client, token_for, query, as_="adjudicator@example.com", request_id=probe_id),
        *(_post(client, token_for, CLAIMS, as_="adjudicator@example.com", request_id=r)
          for r in reader_ids),
    )  # fmt: skip
    assert answers[0].json()["errors"][0]["extensions"]["code"] == "NOT_FOUND", answers[0].text
    (row,) = await _rows(engine, probe_id)
    assert (row["action"], row["resource_type"]) == ("lookup_not_found", "\ufffdEvil")
    for answer, request_id in zip(answers[1:], reader_ids, strict=True):
        assert len(answer.json()["data"]["claims"]["edges"]) == 3, answer.text
        assert len(await _rows(engine, request_id)) == 3


async def test_a_query_that_only_read_through_sqlalchemy_uses_the_group_commit_too(
    client, token_for, engine
):
    """The payer queue's page is read through SQLAlchemy (its columns are converted), which
    opens a transaction; having written nothing, it still has nothing to commit with its
    audit rows, and they go with the others'."""
    appender = client._transport.app.state.hub.audit
    before, request_id = appender.statements, f"q-{uuid.uuid4()}"
    query = "{ claimQueue(first: 3) { edges { node { id member { firstName } } } } }"
    answer = await _post(client, token_for, query, as_="adjudicator@example.com",
                         request_id=request_id)  # fmt: skip
    assert len(answer.json()["data"]["claimQueue"]["edges"]) == 3, answer.text
    assert appender.statements == before + 1
    assert {r["resource_type"] for r in await _rows(engine, request_id)} == {"Member"}
