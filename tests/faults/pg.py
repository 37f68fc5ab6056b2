"""A private PostgreSQL a fault test may stop, crash, hold in start-up and start again.

It runs the binaries of the `pgserver` package (a dependency of the project) on a temporary
data directory and its own TCP port, as the `pgserver` system user when the tests run as
root (PostgreSQL refuses root), the way db/embedded.py's server does. Never the machine's
server: only this one is ever stopped.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivatePostgres:
    def __init__(self) -> None:
        from pgserver import _commands

        self.bin = _commands.POSTGRES_BIN_PATH
        self.root = Path(tempfile.mkdtemp(prefix="claimgraph-faults-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = _free_port()
        self.user = None
        if os.geteuid() == 0:
            from pgserver.utils import ensure_prefix_permissions, ensure_user_exists

            self.user = "pgserver"
            entry = ensure_user_exists(self.user)
            ensure_prefix_permissions(self.root)
            ensure_prefix_permissions(self.bin)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self._run("initdb", "-D", str(self.data), "--auth=trust", "-U", "postgres",
                  "--encoding=utf8", "--no-sync")  # fmt: skip

    def _run(self, exe: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(self.bin / exe), *args], user=self.user, check=check, capture_output=True,
            text=True, timeout=60, cwd=self.root,
        )  # fmt: skip

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def start(self, *, wait: bool = True, standby: bool = False) -> None:
        """Start the server; `standby`: held in start-up ("the database system is not yet
        accepting connections", SQLSTATE 57P03) until it is stopped and started again."""
        signal = self.data / "standby.signal"
        if standby:
            signal.touch()
            if self.user:
                shutil.chown(signal, self.user)
        else:
            signal.unlink(missing_ok=True)
        # prepared transactions: a lock that outlives every session (test_outage.py)
        options = (f"-h 127.0.0.1 -p {self.port} -k {self.root} -c fsync=off "
                   "-c max_prepared_transactions=4")  # fmt: skip
        if standby:
            options += " -c hot_standby=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options,
                  "-w" if wait else "-W", "start")  # fmt: skip

    def stop(self, mode: str = "fast", *, wait: bool = True) -> None:
        """smart (waits for sessions; meanwhile new ones hear 57P03 'shutting down'),
        fast (ends sessions: 57P01) or immediate (kills them: a crash)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-W" if not wait else "-w",
                  "stop", check=False)  # fmt: skip

    def wait_stopped(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while (self.data / "postmaster.pid").exists() and time.monotonic() < deadline:
            time.sleep(0.05)

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)
