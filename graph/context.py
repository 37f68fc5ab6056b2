"""The per-request context: who asks, one connection, the row scopes and the loaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

import strawberry
from sqlalchemy import ColumnElement

from db.filters import TABLES, where
from db.session import RequestConnection
from domain.access import Principal
from graph.config import Settings
from policies.scope import row_filter

L = TypeVar("L")


@dataclass
class Context:
    principal: Principal
    db: RequestConnection
    settings: Settings
    request_id: str
    client_ip: str | None = None
    user_agent: str | None = None
    _conditions: dict[str, ColumnElement[bool]] = field(default_factory=dict)
    _loaders: dict[type, Any] = field(default_factory=dict)

    def condition(self, resource: str) -> ColumnElement[bool]:
        """The SQL condition for the rows of `resource` this principal may read (cached)."""
        cond = self._conditions.get(resource)
        if cond is None:
            cond = where(TABLES[resource], row_filter(self.principal, resource))
            self._conditions[resource] = cond
        return cond

    def loader(self, cls: type[L]) -> L:
        """This request's instance of a loader class, created on first use."""
        instance = self._loaders.get(cls)
        if instance is None:
            instance = cls(self)
            self._loaders[cls] = instance
        return instance


Info = strawberry.Info[Context, None]
