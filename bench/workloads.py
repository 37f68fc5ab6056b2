"""Work for the write operations, fetched before the clock starts: patients to bill for,
open claims to decide. Each request gets its own body, so no two collide."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator
from datetime import date, timedelta

from bench.operations import OPEN_CLAIMS, PATIENTS, PROCEDURES

RATE_CEILING = 400  # requests per second the preparation allows for


async def _pages(client, url, headers, query, key, want: int) -> list[dict]:
    nodes, after = [], None
    while len(nodes) < want:
        body = {"query": query, "variables": {"after": after}}
        data = (await client.post(url, json=body, headers=headers)).json()["data"][key]
        nodes += [e["node"] for e in data["edges"]]
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]
    return nodes


async def prepare(operation: str, client, url, admin_headers, query: str, *, seconds: float):
    want = int(RATE_CEILING * (seconds + 2))
    if operation == "submit-claim":
        people = await _pages(client, url, admin_headers, PATIENTS, "members", 500)
        return _claims(query, people)
    claims = await _pages(client, url, admin_headers, OPEN_CLAIMS, "claims", want)
    return _decisions(query, claims)


def _claims(query: str, people: list[dict]) -> Iterator[bytes]:
    """Office visits for active members with an active policy, spread over the last 300
    days and two procedures drawn from a pool, so duplicates are rare."""
    rng = random.Random(time.time_ns())  # each run its own claims: a rerun files no duplicates
    insured = [p for p in people if any(x["status"] == "ACTIVE" and
                                        x["effectiveDate"] <= (date.today() - timedelta(300))
                                        .isoformat() for x in p["policies"])]  # fmt: skip
    if not insured:
        raise SystemExit("no active insured members to bill for: seed data first")
    while True:
        person = rng.choice(insured)
        codes = rng.sample(PROCEDURES, 2)
        day = date.today() - timedelta(days=rng.randint(1, 300))
        lines = [{"procedureCode": c, "chargeAmount": f"{rng.randint(40, 400)}.00",
                  "diagnosisPointers": [1]} for c in codes]  # fmt: skip
        variables = {"input": {
            "memberNumber": person["memberNumber"], "patientDateOfBirth": person["dateOfBirth"],
            "placeOfService": "11", "serviceDate": day.isoformat(),
            "diagnosisCodes": [rng.choice(["J06.9", "I10", "E11.9", "M54.50", "Z00.00"])],
            "lines": lines}}  # fmt: skip
        yield json.dumps({"query": query, "variables": variables}).encode()


def _decisions(query: str, claims: list[dict]) -> Iterator[bytes]:
    """Approve each open claim once, at the version it was read."""
    for claim in claims:
        variables = {"input": {"claimId": claim["id"], "version": claim["version"],
                               "decision": "APPROVE"}}  # fmt: skip
        yield json.dumps({"query": query, "variables": variables}).encode()
