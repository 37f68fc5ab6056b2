"""A billing file cannot sweep the member file: its patient lookups draw on the uploader's
lookup bucket, like validateClaim's (found by an outside probe: 365 rows of one member
number, one birth date each, gave the birth date away in one upload)."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
import pytest

from tests.graph.test_validation_runs import PROVIDER, RUN, _csv, _upload, family  # noqa: F401

RATE = 5


@pytest.fixture
async def metered(db_url, users):
    """An app of its own whose provider lookups are limited to RATE a minute, with the
    provider's bucket empty of history."""
    from graph import limits
    from graph.app import create_app
    from graph.config import Settings

    limits.shared()._buckets.pop(("patient_lookup", str(users[PROVIDER]["id"])), None)
    app = create_app(db_url, settings=Settings(patient_lookups_per_minute=RATE))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield app, client
    await app.state.engine.dispose()


def _sweep(people) -> bytes:
    """29 guesses at the subscriber's birth date, then the right one (claim 30)."""
    m, npi = people["member"], people["npi"]
    born = m["date_of_birth"]
    day = (date.today() - timedelta(days=30)).isoformat()
    guesses = [born - timedelta(days=400 + i) for i in range(29)] + [born]
    return _csv([
        [f"C{i}", m["member_number"], guess.isoformat(), "", npi, day, "11", "J06.9", "99213",
         "", "1", "100.00", "1"]
        for i, guess in enumerate(guesses, start=1)
    ])  # fmt: skip


async def _findings(app, client, token_for, content: bytes, as_: str) -> dict[int, set[str]]:
    started = (await _upload(client, token_for, content, as_=as_)).json()
    run_id = started["data"]["startValidationRun"]["run"]["id"]
    assert await app.state.runs.run_one() is True
    response = await client.post(
        "/graphql",
        json={"query": RUN, "variables": {"id": run_id}},
        headers={"Authorization": f"Bearer {token_for(as_)}"},
    )
    run = response.json()["data"]["validationRun"]
    assert run["status"] == "COMPLETED"
    by_claim: dict[int, set[str]] = {}
    for edge in run["results"]["edges"]:
        claim = int(edge["node"]["claim"].split()[-1])
        by_claim.setdefault(claim, set()).add(edge["node"]["rule"])
    return by_claim


async def test_a_sweep_stops_at_the_lookup_budget_and_tells_nothing_past_it(
    metered,
    token_for,
    family,  # noqa: F811 - the fixture of test_validation_runs
):
    app, client = metered
    # plan staff are not metered: the file is an oracle in full (29 misses, one hit)
    staff = await _findings(app, client, token_for, _sweep(family), "admin@example.com")
    assert {c for c, rules in staff.items() if "patient_found" in rules} == set(range(1, 30))
    assert "patient_found" not in staff.get(30, set())
    # a provider's file: a few misses (the start of the run took one token too), then
    # nothing of the member file; the right birth date reads like every guess after it
    seen = await _findings(app, client, token_for, _sweep(family), PROVIDER)
    missed = {c for c, rules in seen.items() if "patient_found" in rules}
    unchecked = {c for c, rules in seen.items() if rules == {"patient_lookup_limit"}}
    assert missed == set(range(1, RATE))
    assert unchecked == set(range(RATE, 31))
    assert seen[30] == seen[29] == {"patient_lookup_limit"}
