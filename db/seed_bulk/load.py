"""The orchestration: a whole load of families, each chunk drawn while the last is written."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from datetime import date

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from db import tables as t
from db.seed_bulk.builder import SeedBuilder
from db.seed_bulk.reference import _CHUNK, _SPECIALTIES, SPECIALTY
from db.seed_bulk.rows import Provider, ProviderPool


async def _known(conn: AsyncConnection, employer_ids: Sequence, provider_ids: Sequence):
    """Employers and providers made elsewhere (the demo's), providers with their active fees."""
    e, p, c, f = t.employers, t.providers, t.contracts, t.fee_schedule_items
    found = await conn.execute(select(e.c.id, e.c.state).where(e.c.id.in_(employer_ids)))
    employers = [{"id": row.id, "state": row.state} for row in found]
    found = await conn.execute(
        select(p.c.id, p.c.state, p.c.primary_specialty).where(p.c.id.in_(provider_ids))
    )
    providers = {
        row.id: Provider(row.id, row.state, getattr(SPECIALTY.get(row.primary_specialty),
                                                    "category", "primary"))
        for row in found
    }  # fmt: skip
    fees = await conn.execute(
        select(c.c.provider_id, f.c.procedure_code, f.c.allowed_amount)
        .join(f, f.c.contract_id == c.c.id)
        .where(c.c.provider_id.in_(provider_ids), c.c.status == "active")
    )
    for provider_id, code, amount in fees:
        providers[provider_id].fees[code] = int(amount * 100)
    return employers, list(providers.values())


@contextmanager
def _gc_paused():
    # Millions of acyclic rows: the cycle collector would rescan them over and over.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


async def load_members(
    conn: AsyncConnection,
    *,
    count: int,
    seed: int = 7,
    claims_per_member: int = 10,
    today: date | None = None,
    employer_ids: Sequence = (),
    provider_ids: Sequence = (),
    adjudicator_ids: Sequence = (),
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Load `count` synthetic families with their providers, employers, claims and payments.

    The rows follow from `seed` and the state of the member sequence, so a load on a fresh
    database is reproducible and a load on top draws fresh ids instead of colliding. Existing
    `employer_ids` and `provider_ids` take part beside the ones created; `adjudicator_ids`
    (users) process the claims; `progress(n)` hears of each `n` members written. The caller
    commits. Returns the rows written per table.
    """
    salt = await conn.scalar(text("SELECT last_value FROM member_number_seq"))
    b = SeedBuilder(seed=f"{seed}:{salt}", today=today or date.today(),
                    adjudicator_ids=adjudicator_ids)  # fmt: skip
    rng = b.rng
    known_employers, known_providers = await _known(conn, employer_ids, provider_ids)
    employers = [b.employer() for _ in range(max(1, count // 200))] + known_employers
    providers = []
    for _ in range(count // 1000 + 2):  # groups with their practitioners
        providers.append(group := b.provider(specialty="Multi-Specialty Group"))
        for _ in range(rng.randint(2, 4)):
            kind = rng.choice(("Family Medicine", "Internal Medicine", "Pediatrics", "Psychiatry"))
            providers.append(b.provider(specialty=kind, parent=group))
    singles = [s for s in _SPECIALTIES if int(s.weight)]
    weights = [int(s.weight) for s in singles]
    drawn = rng.choices(singles, weights, k=max(0, count // 40 - len(singles)))
    for spec in singles + drawn:  # every specialty at least once
        providers.append(b.provider(specialty=spec.specialty))
    pool = ProviderPool(providers + known_providers)

    def families(n: int) -> dict[str, list[dict]]:
        for _ in range(n):
            family = b.family(employer=rng.choice(employers) if rng.random() < 0.85 else None)
            b.claims(family, claims_per_member, pool)
        return b.take()

    with _gc_paused():
        await b.flush(conn)
        # Draw the next chunk in a thread while PostgreSQL takes in the last one, so both cores
        # work. Only that thread touches the Random meanwhile, so the rows stay the same.
        batch: dict = {}
        drawn = 0  # members in `batch`, written on the next turn
        for start in range(0, count, _CHUNK):
            job = asyncio.to_thread(families, min(_CHUNK, count - start))
            batch, _ = await asyncio.gather(job, b.write(conn, batch))
            if progress is not None and drawn:
                progress(drawn)
            drawn = min(_CHUNK, count - start)
        await b.write(conn, batch)
        if progress is not None:
            progress(drawn)
    return dict(b.counts)
