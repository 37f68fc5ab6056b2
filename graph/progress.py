"""Long commands (seed, key rotation) show progress: a bar on stderr when it is a terminal.

When stderr is not a terminal (logs, pipes, tests) nothing is drawn: the command's summary
line on stdout says what was done and how fast.
"""

from __future__ import annotations

import sys
from typing import IO


class Progress:
    """`with Progress("Seeding", total=n, unit="members") as p: p.advance(k)`."""

    def __init__(
        self,
        what: str,
        *,
        total: int | None,
        unit: str,
        stream: IO[str] | None = None,
        live: bool | None = None,
    ) -> None:
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self.what, self.total, self.unit = what, total, unit
        self._bar = None
        self._task = None

    def __enter__(self) -> Progress:
        if self.live:
            from rich import progress as rp
            from rich.console import Console

            self._bar = rp.Progress(
                rp.TextColumn("{task.description}"),
                rp.BarColumn(),
                rp.MofNCompleteColumn(),
                rp.TextColumn(self.unit),
                rp.TimeElapsedColumn(),
                rp.TimeRemainingColumn(),
                console=Console(file=self.stream, force_terminal=True),
            )
            self._bar.start()
            self._task = self._bar.add_task(self.what, total=self.total)
        return self

    def advance(self, n: int, *, note: str | None = None) -> None:
        """`n` more done; `note` (e.g. the table at work) replaces the description."""
        if self._bar is not None:
            description = f"{self.what} ({note})" if note else self.what
            self._bar.update(self._task, advance=n, description=description)

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()


def rate(rows: int, seconds: float) -> str:
    """'12,345 rows/s' (rows per second of wall time)."""
    return f"{rows / max(seconds, 1e-6):,.0f} rows/s"


async def reencrypt(url: str, *, batch: int) -> int:
    """Bring every encrypted value under the active key, one transaction per batch."""
    from db.engine import make_engine
    from db.reencrypt import count_stale_sync, reencrypt_sync

    def work(sync) -> int:
        total = count_stale_sync(sync)
        sync.commit()
        with Progress("Re-encrypting", total=total, unit="rows") as bar:
            return reencrypt_sync(
                sync, batch=batch, commit=sync.commit,
                progress=lambda table, n: bar.advance(n, note=table),
            )  # fmt: skip

    engine = make_engine(url, pool_size=1)
    try:  # short transactions: the server keeps serving meanwhile
        async with engine.connect() as conn:
            return await conn.run_sync(work)
    finally:
        await engine.dispose()
