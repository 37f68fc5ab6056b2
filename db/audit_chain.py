"""Checking the audit chains (migration 0012): incrementally from the last checkpoint, in
full, or over a time window.

Each partition of audit_log is its own hash chain (chain_partition, chain_pos 1, 2, ...;
prev_hash is the row_hash before it). A row is broken when its hash is not the hash of its
contents ("edited": also a row moved to another position or partition, since both are
hashed), when positions skip ("missing rows"), or when prev_hash is not the previous row's
hash ("unlinked"). The head table must point at each partition's last row, so rows removed
from a partition's end are found too.

The checkpoint. Every intact check over the whole log (not a window) appends an anchor to
`audit_anchors`: for each partition, the last position it verified and that row's hash;
anchors are append-only and hash-chained to each other. An incremental check starts at the
newest anchor: it re-reads each anchored row (it must still exist with the anchored hash)
and every row after it, nothing before. It therefore TRUSTS the rows before each anchored
position to be as they were when that anchor was written, and trusts the anchors table
itself (anyone able to disable the append-only triggers, the table owner, can also forge an
anchor). An edit to an already-verified row, other than the anchored row itself, is found
only by a full check (`full=True`), which reads every row from position 1, checks every
anchor's own hash and link, and checks that every row any anchor named still has the hash
the anchor recorded (so rows removed from a partition's end after they were anchored are
found even if the head table was rewritten to match).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text

ZERO = "0" * 64

# which partitions to read and from which position; :parts/:poss/:hashes come from the
# newest anchor (incremental) and are empty for a full check
_FLOOR_CHECKPOINT = """
    SELECT partition AS part, 0::bigint AS pos, NULL::text AS hash FROM audit_chain_heads
    UNION ALL
    SELECT * FROM unnest(CAST(:parts AS smallint[]), CAST(:poss AS bigint[]),
                         CAST(:hashes AS text[]))
"""
_FLOOR_FULL = """
    SELECT partition AS part, 0::bigint AS pos, NULL::text AS hash FROM audit_chain_heads
    UNION
    SELECT DISTINCT chain_partition, 0::bigint, NULL::text FROM audit_log
"""
# a window: from the row before the first one written at or after :start, per partition
_FLOOR_WINDOW = """
    SELECT chain_partition AS part, min(chain_pos) - 1 AS pos, NULL::text AS hash
    FROM audit_log WHERE occurred_at >= :start GROUP BY chain_partition
"""

_JUDGE = """
WITH floor AS (SELECT DISTINCT ON (part) part, pos, hash FROM ({floor}) f0
               WHERE part IS NOT NULL ORDER BY part, pos DESC),
span AS (
    SELECT f.part, f.pos AS floor_pos, f.hash AS floor_hash, a.*,
           lag(a.row_hash) OVER w AS previous, lag(a.pos) OVER w AS previous_pos
    FROM floor f CROSS JOIN LATERAL (
        SELECT r.chain_pos AS pos, r.id, r.occurred_at, r.prev_hash, r.row_hash,
               audit_row_hash(r) AS recomputed
        FROM audit_log r
        WHERE r.chain_partition = f.part AND r.chain_pos >= f.pos
        {fence}
    ) a
    WINDOW w AS (PARTITION BY f.part ORDER BY a.pos)
),
judged AS (
    SELECT part, pos, id, occurred_at, floor_pos,
           {counted} AS counted,
           CASE
             WHEN row_hash IS DISTINCT FROM recomputed THEN 'edited'
             WHEN previous_pos IS NOT NULL AND pos <> previous_pos + 1 THEN 'missing rows'
             WHEN previous_pos IS NOT NULL THEN
                  CASE WHEN prev_hash IS DISTINCT FROM previous THEN 'unlinked' END
             WHEN floor_pos = 0 AND pos <> 1 THEN 'missing rows'
             WHEN floor_pos = 0 AND prev_hash IS DISTINCT FROM '{zero}' THEN 'unlinked'
             WHEN floor_pos > 0 AND pos <> floor_pos THEN 'missing rows'
             WHEN floor_hash IS NOT NULL AND row_hash <> floor_hash THEN 'edited'
           END AS reason
    FROM span
),
per AS (
    SELECT part, count(*) FILTER (WHERE counted AND pos > floor_pos) AS checked,
           min(pos) AS first_pos, max(pos) AS last_pos,
           (jsonb_agg(jsonb_build_object('pos', pos, 'id', id, 'reason', reason)
                      ORDER BY pos) FILTER (WHERE reason IS NOT NULL AND counted)) -> 0 AS broken
    FROM judged GROUP BY part
)
SELECT f.part, f.pos AS floor_pos, f.hash AS floor_hash, coalesce(per.checked, 0) AS checked,
       per.first_pos, per.last_pos, per.broken, tail.row_hash AS last_hash,
       h.pos AS head_pos, h.hash AS head_hash
FROM floor f
LEFT JOIN per ON per.part = f.part
LEFT JOIN audit_chain_heads h ON h.partition = f.part
LEFT JOIN LATERAL (
    SELECT t.row_hash FROM audit_log t
    WHERE t.chain_partition = f.part AND t.chain_pos = per.last_pos OFFSET 0
) tail ON true
ORDER BY f.part
"""

_ANCHORS_BROKEN = """
WITH chained AS (
    SELECT a.seq, a.heads, a.anchor_hash = audit_anchor_hash(a) AS sealed,
           a.prev_hash = coalesce(lag(a.anchor_hash) OVER (ORDER BY a.seq), :zero) AS linked
    FROM audit_anchors a
)
SELECT c.seq, e.key::smallint AS part, (e.value ->> 0)::bigint AS pos, r.id,
       CASE WHEN NOT (c.sealed AND c.linked) THEN 'checkpoint forged'
            WHEN r.id IS NULL THEN 'missing rows' ELSE 'edited' END AS reason
FROM chained c LEFT JOIN LATERAL jsonb_each(c.heads) e ON true
LEFT JOIN audit_log r
       ON r.chain_partition = e.key::smallint AND r.chain_pos = (e.value ->> 0)::bigint
WHERE NOT (c.sealed AND c.linked)
   OR (e.key IS NOT NULL AND r.row_hash IS DISTINCT FROM e.value ->> 1)
ORDER BY c.seq, part
LIMIT 1
"""


@dataclass
class ChainReport:
    checked: int
    broken: dict | None  # {"partition", "chain_pos", "id", "reason"}
    checkpoint: int | None = None  # the anchor an incremental check started from
    anchor: int | None = None  # the anchor this check wrote

    @property
    def intact(self) -> bool:
        return self.broken is None


async def verify(
    conn,
    *,
    full: bool = False,
    start: datetime | None = None,
    end: datetime | None = None,
) -> ChainReport:
    """Check the chains; over the whole log (start and end None) an intact result is
    written as the next checkpoint (the caller commits). See the module docstring."""
    window = start is not None or end is not None
    params: dict = {}
    checkpoint = None
    if window:
        floor, counted = _FLOOR_WINDOW, "occurred_at BETWEEN :start AND :end"
        params |= {
            "start": start or datetime(1970, 1, 1, tzinfo=UTC),
            "end": end or datetime.now(UTC),
        }
    elif full:
        floor, counted = _FLOOR_FULL, "true"
    else:
        floor, counted = _FLOOR_CHECKPOINT, "true"
        checkpoint, heads = await _newest_anchor(conn)
        params |= {
            "parts": [int(p) for p in heads],
            "poss": [v[0] for v in heads.values()],
            "hashes": [v[1] for v in heads.values()],
        }
    # a full check reads everything (one scan); the others read from each partition's floor
    # on, by index: fenced (OFFSET 0) so the planner keeps one index range scan per
    # partition, and with sequential scans off for this statement whatever the statistics
    fence = "" if full and not window else "OFFSET 0"
    sql = _JUDGE.format(floor=floor, counted=counted, zero=ZERO, fence=fence)
    if fence:
        was = (await conn.execute(text("SELECT current_setting('enable_seqscan')"))).scalar_one()
        await conn.execute(text("SELECT set_config('enable_seqscan', 'off', true)"))
    rows = list((await conn.execute(text(sql), params)).mappings())
    if fence:
        await conn.execute(text("SELECT set_config('enable_seqscan', :v, true)"), {"v": was})
    checked = sum(r["checked"] for r in rows)
    broken = [b for r in rows if (b := _broken(r, heads_checked=not window))]
    if full and not broken:
        anchor_row = (await conn.execute(text(_ANCHORS_BROKEN), {"zero": ZERO})).mappings().first()
        if anchor_row is not None:
            broken.append(
                {"partition": anchor_row["part"], "chain_pos": anchor_row["pos"],
                 "id": anchor_row["id"], "reason": anchor_row["reason"]}
            )  # fmt: skip
    report = ChainReport(checked, broken[0] if broken else None, checkpoint)
    if report.intact and not window:
        report.anchor = await _write_anchor(conn, rows, checked=checked, full=full)
    return report


def _broken(r, *, heads_checked: bool) -> dict | None:
    part = r["part"]
    if r["broken"] is not None:
        b = r["broken"]
        return {"partition": part, "chain_pos": b["pos"], "id": b["id"], "reason": b["reason"]}
    if not heads_checked:
        return None
    if r["first_pos"] is None and r["floor_pos"] > 0:  # the checkpoint's row is gone
        return {"partition": part, "chain_pos": r["floor_pos"], "id": None,
                "reason": "missing rows"}  # fmt: skip
    last = r["last_pos"] or 0
    head = r["head_pos"]
    if head is None and last == 0:
        return None
    if head is None or head < last:
        return {"partition": part, "chain_pos": (head or 0) + 1, "id": None, "reason": "unlinked"}
    if head > last:  # rows removed from the end of the partition
        return {"partition": part, "chain_pos": last + 1, "id": None, "reason": "missing rows"}
    if last and r["head_hash"] != r["last_hash"]:
        return {"partition": part, "chain_pos": last, "id": None, "reason": "edited"}
    return None


async def _newest_anchor(conn) -> tuple[int | None, dict]:
    row = (
        await conn.execute(text("SELECT seq, heads FROM audit_anchors ORDER BY seq DESC LIMIT 1"))
    ).first()
    if row is None:
        return None, {}
    heads = row[1] if isinstance(row[1], dict) else json.loads(row[1])
    return row[0], heads


async def _write_anchor(conn, rows, *, checked: int, full: bool) -> int:
    heads = {}
    for r in rows:
        if r["last_pos"]:
            heads[str(r["part"])] = [r["last_pos"], r["last_hash"]]
        elif r["floor_pos"]:
            heads[str(r["part"])] = [r["floor_pos"], r["floor_hash"]]
    result = await conn.execute(
        text(
            "INSERT INTO audit_anchors (heads, checked_rows, full_scan) "
            "VALUES (CAST(:heads AS jsonb), :checked, :full) RETURNING seq"
        ),
        {"heads": json.dumps(heads), "checked": checked, "full": full},
    )
    return result.scalar_one()
