"""What time alone changes in enrolment, once a day in the background of every replica
(UPKEEP_SECONDS): policies past their termination date become expired, children past the end
of the month they turned 26 aged out, dependents past their termination date inactive.

Each change is one `enrollment.changed` event and one audit row (role `system`, no user),
committed together. Replicas may run at once: each update takes its rows only while they are
still active, so a record is moved and announced once. `run(engine, today=...)` takes the
day, so tests freeze the clock instead of waiting.

The same loop folds the claims' status changes into their tally every TALLY_FOLD_SECONDS
(db/tallies.py)."""

from __future__ import annotations

import asyncio
import logging
from datetime import date
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncEngine

from db import audit as audit_db
from db import maintenance
from db import workflows as wf
from domain.enrolment import age_out_termination, child_covered

log = logging.getLogger("claimgraph.upkeep")
TOPIC = "enrollment.changed"


async def run(
    engine: AsyncEngine, *, today: date, members: list[UUID] | None = None
) -> dict[str, int]:
    """One pass for `today` (over the households of `members` only, when given); how many
    records each step moved."""
    async with engine.begin() as conn:
        expired = await maintenance.expire_policies(conn, today=today, member_ids=members)
        children = await maintenance.active_children(conn, member_ids=members)
        aged = await maintenance.age_out(
            conn,
            [
                (i, age_out_termination(born))
                for i, born in children
                if not child_covered(born, today)
            ],  # fmt: skip
        )
        lapsed = await maintenance.lapse_dependents(conn, today=today, member_ids=members)
        rows = []
        for change, kind, moved, status in (
            ("policy_expired", "Policy", expired, "expired"),
            ("dependent_aged_out", "Dependent", aged, "aged_out"),
            ("dependent_lapsed", "Dependent", lapsed, "inactive"),
        ):
            for record_id, member_id, employer_id in moved:
                key = "policy_id" if kind == "Policy" else "dependent_id"
                await wf.publish(conn, topic=TOPIC, payload={
                    "change": change, "member_id": str(member_id),
                    "employer_id": str(employer_id) if employer_id else None,
                    key: str(record_id),
                })  # fmt: skip
                rows.append({
                    "role": "system", "action": change, "resource_type": kind,
                    "resource_id": record_id, "subject_member_id": member_id,
                    "subject_dependent_id": record_id if kind == "Dependent" else None,
                    "fields": ["status"], "new_values": {"status": status,
                                                         "as_of": today.isoformat()},
                })  # fmt: skip
        await audit_db.write(conn, rows)
    return {"policies_expired": len(expired), "dependents_aged_out": len(aged),
            "dependents_lapsed": len(lapsed)}  # fmt: skip


async def enrolment(engine: AsyncEngine) -> None:
    """One pass for today, logged when it moved anything."""
    counts = await run(engine, today=date.today())
    if any(counts.values()):
        log.info("enrolment upkeep", extra=counts)


class Upkeep:
    """A background loop of every replica: `job(engine)` at start, then every `every`
    seconds (none when `every` is 0); a failed pass is logged and tried at the next."""

    def __init__(self, engine: AsyncEngine, *, every: float, job=enrolment) -> None:
        self.engine = engine
        self.every = every
        self.job = job
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        if self._task is None and self.every > 0:
            self._task = asyncio.create_task(self._loop(), name=f"upkeep-{self.job.__name__}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001 - shutting down
                pass
            self._task = None

    async def _loop(self) -> None:
        while True:
            try:
                await self.job(self.engine)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - try again at the next pass
                log.warning(f"{self.job.__name__} upkeep failed",
                            extra={"error": type(exc).__name__})  # fmt: skip
            await asyncio.sleep(self.every)
