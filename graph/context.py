"""The per-request context: who asks, one connection, the row scopes and the loaders."""

from __future__ import annotations

import contextlib
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

import strawberry
from sqlalchemy import ColumnElement

from db.filters import TABLES, scoped
from db.session import RequestConnection
from domain.access import Principal, RowFilter
from graph.audit import AuditBuffer
from graph.config import Settings
from policies.engine import Authorizer

L = TypeVar("L")


@dataclass
class Context:
    principal: Principal
    db: RequestConnection
    settings: Settings
    authorizer: Authorizer
    request_id: str
    today: date = field(default_factory=date.today)
    client_ip: str | None = None
    user_agent: str | None = None
    local_user: bool = True  # False for a user signed in at an external OIDC provider
    cost: int | None = None  # the operation's worst-case rows, as priced before it ran
    audit: AuditBuffer = field(default_factory=AuditBuffer)
    # where a query's audit rows go when the request has nothing of its own to commit with
    # them: written together with those of every answer made at the same time (group commit)
    appender: Any = None
    _conditions: dict[str, ColumnElement[bool]] = field(default_factory=dict)
    _loaders: dict[type, Any] = field(default_factory=dict)

    def row_filter(self, resource: str) -> RowFilter:
        return self.authorizer.row_filter(self.principal, resource)

    def condition(self, resource: str) -> ColumnElement[bool]:
        """The SQL condition for the rows of `resource` this principal may read (cached)."""
        cond = self._conditions.get(resource)
        if cond is None:
            cond = scoped(TABLES[resource], self.row_filter(resource))
            self._conditions[resource] = cond
        return cond

    @contextlib.asynccontextmanager
    async def unit_of_work(self):
        """A mutation's transaction: its changes and its audit rows commit together (in a
        request with an Idempotency-Key, a savepoint of the request's one transaction, which
        commits with the stored answer: graph/idempotency.py)."""
        from db import audit as audit_db

        async with self.db.unit_of_work() as db:
            yield db
            await audit_db.write(db, self.audit.drain(self, reads=False))

    def release(self) -> None:
        """Let go of what the request loaded once it is answered: the loaders refer back
        to this context, so without this the request's rows and objects would wait for the
        cyclic garbage collector instead of being freed at once."""
        for instance in self._loaders.values():
            instance.clear_all()
        self._loaders.clear()
        self._conditions.clear()

    def loader(self, cls: type[L]) -> L:
        """This request's instance of a loader class, created on first use."""
        instance = self._loaders.get(cls)
        if instance is None:
            instance = cls(self)
            self._loaders[cls] = instance
        return instance


Info = strawberry.Info[Context, None]

_CURRENT: ContextVar[Context] = ContextVar("claimgraph_context")


def current_context() -> Context:
    """The context of the request being resolved (set before execution starts)."""
    return _CURRENT.get()


def enter(context: Context) -> Token:
    return _CURRENT.set(context)


def leave(token: Token) -> None:
    _CURRENT.reset(token)
