"""`claimgraph serve --workers N`: N processes that share the load.

uvicorn's own supervisor binds one socket in the parent and hands it to every worker; the
workers then race for each connection on one accept queue, and under load one worker wins
nearly every race (a soak saw one worker at 93 % CPU, the other idle). Here each worker
binds its own socket with SO_REUSEPORT, so the kernel keeps one accept queue per worker and
spreads new connections across them (by a hash of the client's address and port). The rest
(health checks, restarting a worker that dies, signals) is uvicorn's supervisor.
"""

from __future__ import annotations

import socket

import uvicorn
from uvicorn.supervisors import multiprocess


def reuseport_socket(host: str, port: int) -> socket.socket:
    """A socket bound to (host, port) that other workers may bind too (SO_REUSEPORT)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def port_free(host: str, port: int) -> bool:
    """Nobody listens there (not even with SO_REUSEPORT, whose port we must not share)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


class WorkerProcess(multiprocess.Process):
    """A uvicorn worker that listens on a socket of its own (in the child process)."""

    def target(self, sockets=None) -> None:  # pragma: no cover - runs in the child
        super().target([reuseport_socket(self.config.host, self.config.port)])


def serve(config: uvicorn.Config) -> None:
    """Run `config.workers` workers under uvicorn's supervisor, each with its own socket."""
    if not hasattr(socket, "SO_REUSEPORT"):  # not Linux or BSD: uvicorn's shared socket
        uvicorn.Server(config)  # validates like uvicorn.run would
        multiprocess.Multiprocess(config, sockets=[config.bind_socket()]).run()
        return
    # every worker the supervisor starts (at first, after a crash, on SIGHUP) is ours
    multiprocess.Process = WorkerProcess  # type: ignore[misc]
    multiprocess.Multiprocess(config, sockets=[]).run()
