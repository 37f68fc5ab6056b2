"""Time one validation run: a generated CSV of N service lines for insured members, uploaded
as the provider, polled until it ends. One JSON line out.

    python -m bench.validation_run --lines 10000
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import random
import time
from datetime import date, timedelta

import httpx

from bench.operations import PATIENTS, PROCEDURES
from bench.run import _token
from bench.workloads import _pages

START = """mutation($file: Upload!) { startValidationRun(file: $file, format: CSV) {
  __typename ... on ValidationRunStarted { run { id } } ... on InvalidInput { message } } }"""
STATUS = """query($id: ID!) { validationRun(id: $id) { status progress totalRows errorCount
  warningCount infoCount failureReason } }"""
HEADER = ("claim_id", "member_number", "patient_date_of_birth", "patient_first_name",
          "billing_npi", "service_date", "place_of_service", "diagnosis_codes", "procedure_code",
          "modifiers", "units", "charge_amount", "diagnosis_pointers")  # fmt: skip


def billing_file(people: list[dict], npi: str, lines: int, seed: int = 11) -> bytes:
    """Two-line claims for the given members, with about one bad code in fifty lines."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for i in range(lines):
        person = people[(i // 2) % len(people)]
        day = date.today() - timedelta(days=1 + (i // 2) % 300)
        code = rng.choice(PROCEDURES) if rng.random() > 0.02 else "BAD1"
        writer.writerow((f"C{i // 2}", person["memberNumber"], person["dateOfBirth"], "", npi,
                         day.isoformat(), "11", "J06.9|I10", code, "", 1,
                         f"{rng.randint(40, 400)}.00", "1"))  # fmt: skip
    return out.getvalue().encode()


async def main(url: str, lines: int) -> dict:
    admin = {"Authorization": f"Bearer {_token('admin@example.com')}"}
    provider = {"Authorization": f"Bearer {_token('provider@example.com')}"}
    async with httpx.AsyncClient(timeout=120) as client:
        people = await _pages(client, url, admin, PATIENTS, "members", 500)
        npi = (
            await client.post(url, headers=provider, json={"query": "{ me { provider { npi } } }"})
        ).json()["data"]["me"]["provider"]["npi"]
        content = billing_file(people, npi, lines)
        started = time.perf_counter()
        ops = {"query": START, "variables": {"file": None}}
        upload = {**provider, "GraphQL-Require-Preflight": "1"}  # graph/gate.py
        answer = await client.post(url, headers=upload, data={
            "operations": json.dumps(ops), "map": json.dumps({"0": ["variables.file"]})},
            files={"0": ("bench.csv", content, "text/csv")})  # fmt: skip
        run_id = answer.json()["data"]["startValidationRun"]["run"]["id"]
        while True:
            run = (
                await client.post(
                    url, headers=provider, json={"query": STATUS, "variables": {"id": run_id}}
                )
            ).json()["data"]["validationRun"]
            if run["status"] in ("COMPLETED", "FAILED"):
                break
            await asyncio.sleep(0.2)
        elapsed = time.perf_counter() - started
    return {"lines": lines, "bytes": len(content), "seconds": round(elapsed, 2),
            "lines_per_s": round(lines / elapsed, 1), **run}  # fmt: skip


if __name__ == "__main__":
    p = argparse.ArgumentParser(prog="python -m bench.validation_run")
    p.add_argument("--url", default="http://127.0.0.1:8000/graphql")
    p.add_argument("--lines", type=int, default=10_000)
    args = p.parse_args()
    print(json.dumps(asyncio.run(main(args.url, args.lines))))
