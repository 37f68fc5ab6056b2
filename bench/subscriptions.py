"""Fan-out of one server process: idle and active subscribers over WebSockets, events
committed to the outbox, commit-to-delivery latency. One JSON line out.

    python -m bench.subscriptions --url ws://127.0.0.1:8000/graphql \
        --idle 1000 --active 100 --events 500 --rate 50

Idle subscribers follow claimStatusChanged as a member whose claims the events do not
name: each event is still authorized for each of them (and filtered out). Active ones are
adjudicators, who see every claim. Events are outbox rows inserted directly, each in its
own transaction; the commit time is taken right after COMMIT. Run the server with
WS_MAX_CONNECTIONS_PER_USER above the number of sockets per persona.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time

import asyncpg
import websockets

from bench.run import _token

QUERY = "subscription { claimStatusChanged { cursor newStatus claim { id status } } }"


async def _subscriber(url: str, token: str, received: dict[int, float] | None, ready,
                      stop: asyncio.Event, errors: list) -> None:  # fmt: skip
    try:
        async with websockets.connect(url, subprotocols=["graphql-transport-ws"],
                                      max_queue=None, ping_interval=None) as ws:  # fmt: skip
            await ws.send(
                json.dumps(
                    {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
                )
            )
            await ws.recv()  # connection_ack
            await ws.send(json.dumps({"type": "subscribe", "id": "1",
                                      "payload": {"query": QUERY}}))  # fmt: skip
            ready.release()
            while not stop.is_set():
                try:
                    raw = await asyncio.wait_for(ws.recv(), 0.5)
                except TimeoutError:
                    continue
                at = time.time()
                message = json.loads(raw)
                if message.get("type") == "next" and received is not None:
                    data = message["payload"].get("data") or {}
                    event = data.get("claimStatusChanged")
                    if event:
                        received[int(event["cursor"])] = at
                elif message.get("type") == "error":
                    errors.append(message)
    except Exception as exc:  # noqa: BLE001 - counted, not fatal
        errors.append(repr(exc))
        ready.release()


async def main(args) -> dict:
    url, dsn = args.url, args.dsn or os.environ["DATABASE_URL"]
    dsn = dsn.replace("postgresql+asyncpg://", "postgresql://")
    quiet, busy = _token("member@example.com"), _token("adjudicator@example.com")
    conn = await asyncpg.connect(dsn)
    claim = await conn.fetchval(
        "SELECT c.id FROM claims c JOIN members m ON m.id = c.member_id "
        "WHERE m.member_number <> 'MBR-00000001' LIMIT 1"
    )
    stop, errors = asyncio.Event(), []
    ready = asyncio.Semaphore(0)
    receipts: list[dict[int, float]] = [{} for _ in range(args.active)]
    tasks = []
    for i in range(args.idle + args.active):
        active = i >= args.idle
        tasks.append(asyncio.create_task(_subscriber(
            url, busy if active else quiet, receipts[i - args.idle] if active else None,
            ready, stop, errors)))  # fmt: skip
        if i % 100 == 99:
            await asyncio.sleep(0.05)  # do not stampede the accept queue
    for _ in tasks:
        await ready.acquire()
    await asyncio.sleep(1.0)
    committed: dict[int, float] = {}
    started = time.time()
    gap = 1.0 / args.rate if args.rate else 0.0
    for i in range(args.events):
        async with conn.transaction():
            seq = await conn.fetchval(
                "INSERT INTO outbox_events (topic, payload) VALUES ('claim.status_changed', $1) "
                "RETURNING seq", json.dumps({"claim_id": str(claim), "old_status": "submitted",
                                            "new_status": f"bench-{i}", "version": i}))  # fmt: skip
        committed[seq] = time.time()
        if gap:
            await asyncio.sleep(max(0.0, started + (i + 1) * gap - time.time()))
    deadline = time.time() + 60
    expected = args.events * args.active
    while time.time() < deadline:
        got = sum(len(r) for r in receipts)
        if got >= expected:
            break
        await asyncio.sleep(0.2)
    finished = max((t for r in receipts for t in r.values()), default=time.time())
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    await conn.close()
    latencies = sorted(
        (r[seq] - committed[seq]) * 1000 for r in receipts for seq in r if seq in committed
    )
    delivered = len(latencies)

    def pct(p: float) -> float | None:
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))], 1) \
            if latencies else None  # fmt: skip

    return {
        "idle": args.idle, "active": args.active, "events": args.events,
        "rate": args.rate or "flat-out", "expected": expected, "delivered": delivered,
        "seconds": round(finished - started, 2),
        "delivered_per_s": round(delivered / max(finished - started, 1e-9), 1),
        "events_per_s": round(args.events / max(finished - started, 1e-9), 1),
        "p50_ms": pct(0.5), "p99_ms": pct(0.99), "max_ms": pct(1.0),
        "mean_ms": round(statistics.fmean(latencies), 1) if latencies else None,
        "errors": len(errors),
    }  # fmt: skip


if __name__ == "__main__":
    p = argparse.ArgumentParser(prog="python -m bench.subscriptions")
    p.add_argument("--url", default="ws://127.0.0.1:8000/graphql")
    p.add_argument("--dsn", help="PostgreSQL URL for inserting events (default DATABASE_URL)")
    p.add_argument("--idle", type=int, default=1000)
    p.add_argument("--active", type=int, default=100)
    p.add_argument("--events", type=int, default=500)
    p.add_argument("--rate", type=float, default=50.0, help="events per second (0: flat out)")
    print(json.dumps(asyncio.run(main(p.parse_args()))))
