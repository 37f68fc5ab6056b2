"""The channel on which a change to a principal's facts announces itself (migration 0010),
and the round trip that proves every announcement committed before it has arrived."""

from __future__ import annotations

CHANNEL = "claimgraph_principal"
EVERYONE = "*"  # the key of a change that may touch anyone (a TRUNCATE)


async def listen(driver, callback) -> None:
    """Subscribe a raw asyncpg connection to the channel."""
    await driver.add_listener(CHANNEL, callback)


async def barrier(driver) -> None:
    """One round trip on the listening connection. PostgreSQL sends a listener every
    notification of a transaction that committed before this query arrived ahead of the
    query's answer, and asyncpg runs their callbacks before the answer is handed over: when
    this returns, they have all been handled."""
    await driver.execute("SELECT 1")


def parse(payload: str) -> tuple[str, str]:
    """('user' | 'member' | 'dependent', id) from 'kind:id'; (EVERYONE, '') for anything else."""
    kind, sep, ident = payload.partition(":")
    if not sep or kind not in ("user", "member", "dependent"):
        return EVERYONE, ""
    return kind, ident
