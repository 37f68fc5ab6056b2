"""The process's garbage collector, tuned for a server that answers many small requests.

Python's cyclic collector runs after every 700 net allocations and, now and then, walks
every object the process holds: the schema, the policy engine, the tables, the caches. On
the payer queue that came to about half of the CPU a request took. Once the app has
started, what start-up made is frozen (never walked again) and the youngest generation is
collected after GC_THRESHOLD allocations instead. Objects a request makes are still freed
as soon as nothing refers to them; only reference cycles wait for the collector.
"""

from __future__ import annotations

import gc


def settle_heap(threshold: int) -> None:
    """Freeze what start-up made and collect the young generation less often
    (a threshold of 0 leaves Python's defaults)."""
    if threshold <= 0:
        return
    gc.collect()
    gc.freeze()
    gc.set_threshold(threshold, 50, 100)
