"""The background worker of validation runs: one per server process, taking pending runs
from the database (so any replica may take any run), reading the file in chunks of claims
with a fixed number of statements per chunk, storing findings and progress, and deleting
the upload when the run ends. A run a stopped server left behind is queued again or
failed at the next start; nothing stays `processing` for ever.

Logs name runs by id and errors by type only: never a row's content."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from db import audit as audit_db
from db import repos
from db import runs as runs_db
from db import validation as checks
from db import workflows as wf
from domain import billing
from domain.billing import BillingClaim, Parsed
from domain.validation import normalise_diagnosis
from graph.config import Settings
from graph.principals import principal_from
from graph.validation.meter import LookupMeter
from policies import resources as res
from policies.engine import Authorizer

log = logging.getLogger("claimgraph.validation")

CHUNK = 1000  # claims per batch of lookups and per progress step
RECOVER_EVERY = 30.0  # seconds between looks for runs whose worker stopped


def parse(format: str, text: str) -> Parsed:
    if format == "csv":
        return billing.parse_csv(text)
    from domain.x12 import parse_837p

    return parse_837p(text)


class RunWorker:
    def __init__(
        self,
        engine: AsyncEngine,
        authorizer: Authorizer,
        *,
        poll: float = 0.5,
        settings: Settings | None = None,
    ):
        self.engine = engine
        self.authorizer = authorizer
        self.settings = settings or Settings()
        self.poll = poll
        self._task: asyncio.Task | None = None
        self.wake = asyncio.Event()

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="validation-runs")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001 - shutting down
                pass

    async def _loop(self) -> None:
        recovered = 0.0
        while True:
            # at start, then twice a minute: a run another replica left behind is picked up
            # even while this process keeps running
            if time.monotonic() - recovered > RECOVER_EVERY:
                await self.recover()
                recovered = time.monotonic()
            try:
                worked = await self.run_one()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the worker must outlive any one run
                log.error("validation worker error", extra={"error": type(exc).__name__})
                worked = False
            if not worked:
                self.wake.clear()
                try:
                    await asyncio.wait_for(self.wake.wait(), timeout=self.poll)
                except TimeoutError:
                    pass

    async def recover(self) -> tuple[int, int]:
        try:
            async with self.engine.begin() as conn:
                resumed, failed = await runs_db.recover(conn)
        except Exception as exc:  # noqa: BLE001 - the database may not be up yet
            log.warning("validation run recovery skipped", extra={"error": type(exc).__name__})
            return 0, 0
        if resumed or failed:
            log.info("validation runs recovered", extra={"resumed": resumed, "failed": failed})
        return resumed, failed

    async def run_one(self) -> bool:
        """Take one pending run and finish it; False when there was none."""
        async with self.engine.begin() as conn:
            run = await runs_db.take_next(conn)
        if run is None:
            return False
        try:
            await self._process(run)
        except Exception as exc:  # noqa: BLE001 - fail the run, keep the worker
            log.error("validation run failed",
                      extra={"run_id": str(run["id"]), "error": type(exc).__name__})  # fmt: skip
            async with self.engine.begin() as conn:
                await runs_db.finish(conn, run["id"], status="failed",
                                     reason="The file could not be processed (internal error); "
                                     "upload it again or contact support.")  # fmt: skip
                await _publish(conn, run["id"], "failed", None)
        return True

    async def _process(self, run) -> None:
        run_id, today = run["id"], date.today()
        async with self.engine.begin() as conn:
            content = await runs_db.upload(conn, run_id)
            owner = await repos.principal_facts(conn, run["owner_id"])
            rules = await checks.rules(conn)
        if content is None or owner is None:
            why = "The upload is gone." if content is None else "The uploader is no longer active."
            async with self.engine.begin() as conn:
                await runs_db.finish(conn, run_id, status="failed", reason=why)
                await _publish(conn, run_id, "failed", None)
            return
        principal = principal_from(owner, today=today)
        text = billing.decode(content) or ""
        parsed = await asyncio.to_thread(parse, run["format"], text)
        counts: Counter[str] = Counter()
        problems = [_row(p.row, None, p.as_finding()) for p in parsed.problems]
        counts.update(p["severity"] for p in problems)
        total = max(parsed.rows, 1)
        async with self.engine.begin() as conn:
            await runs_db.add_results(conn, run_id, problems)
            await runs_db.progress(conn, run_id, done=0, total=total, counts=counts)
        seen: set[tuple] = set()  # duplicates within the file, across chunks
        allowed: dict[str, Any] = {}  # billing NPI -> provider id the uploader may bill as
        done = 0
        meter = LookupMeter(self.authorizer, self.settings, principal)
        for chunk in billing.chunks(parsed.claims, CHUNK):
            async with self.engine.begin() as conn:
                if meter.spent:  # nothing more of this file is matched against members
                    located = meter.unchecked(chunk)
                else:
                    found = await _lookups(conn, chunk)
                    found.on_file |= seen
                    provider_for = self._providers(principal, found, allowed)
                    located = billing.evaluate_claims(chunk, rules, found, today=today,
                                                      provider_for=provider_for)  # fmt: skip
                    located = meter.admit(chunk, located)
                    seen = found.on_file
                rows = [_row(x.row, x.claim, x.finding) for x in located]
                counts.update(r["severity"] for r in rows)
                await runs_db.add_results(conn, run_id, rows)
                done += sum(len(c.line_rows) for c in chunk)
                await runs_db.progress(conn, run_id, done=done, total=total, counts=counts)
                await _publish(conn, run_id, "processing", min(99, 100 * done // total))
        async with self.engine.begin() as conn:
            await runs_db.finish(conn, run_id, status="completed")
            await _publish(conn, run_id, "completed", 100)
            await audit_db.write(conn, [{
                "user_id": principal.user_id, "role": principal.role.value,
                "action": "validate_file", "resource_type": "ValidationRun",
                "resource_id": str(run_id), "operation_name": "validationRun",
                "new_values": {"claims": len(parsed.claims), "lines": parsed.rows,
                               **{k: counts[k] for k in ("error", "warning", "info")}},
            }])  # fmt: skip
        log.info("validation run completed",
                 extra={"run_id": str(run_id), "lines": parsed.rows})  # fmt: skip

    def _providers(self, principal, found, allowed: dict[str, Any]):
        """provider_for(npi): the provider the uploader may bill as under that NPI (asked of
        the policy once per NPI), else None, which reads as "provider not found"."""
        by_npi = {p.npi: p for p in found.providers.values()}

        def provider_for(npi: str):
            if npi not in allowed:
                p = by_npi.get(npi)
                ok = p is not None and self.authorizer.bills_as(
                    principal, res.Provider(id=p.id, parent_id=p.parent_id, state=None)
                )
                allowed[npi] = p.id if ok else None
            return allowed[npi]

        return provider_for


async def _lookups(conn, chunk: list[BillingClaim]):
    return await checks.lookups(
        conn,
        member_numbers=[c.member_number for c in chunk],
        npis=[c.billing_npi for c in chunk],
        diagnosis_codes=[normalise_diagnosis(d) for c in chunk for d in c.draft.diagnosis_codes],
        service_dates=[c.draft.service_date for c in chunk],
    )


def _row(row: int | None, claim: int | None, finding) -> dict[str, Any]:
    return {
        "row_number": row,
        "claim_ref": f"claim {claim}" if claim is not None else None,
        "rule_name": finding.rule,
        "severity": finding.severity.value,
        "message": finding.message,
        "field": finding.field,
    }


async def _publish(conn, run_id, status: str, progress: int | None) -> None:
    await wf.publish(conn, topic="validation_run.progress", payload={
        "run_id": str(run_id), "status": status, "progress": progress,
    })  # fmt: skip
