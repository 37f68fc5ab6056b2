"""A reused read statement sent straight to the driver.

SQLAlchemy's execution of a statement (the compiled-cache lookup, an execution context,
the adapted cursor, a greenlet switch, the result's metadata and rows) costs more than
asyncpg's own fetch of the same text. A statement that db/lazy.py builds once and runs
again with new values is compiled once here instead: its SQL text with `$n` placeholders,
the order of its parameters, the values the statement itself binds (a row filter's ids),
and then each run is one `fetch` on the request's connection, whose rows (asyncpg
records) are read by column name like SQLAlchemy's mappings.

Only a statement whose every column and parameter needs no conversion between asyncpg
and Python (what SQLAlchemy's asyncpg dialect would do to it: nothing) is compiled;
anything else stays with SQLAlchemy, so this changes how a row is fetched, never what it
holds. An expanding `IN` cannot be compiled once: db/repos.py matches a batch of keys with
`= ANY(array)` instead, one text for any number of keys.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ARRAY, Boolean, Integer, Numeric
from sqlalchemy.sql import Executable

from db.lazy import kept

__all__ = ["Direct", "direct_form"]

_NUMERIC_OID = 1700  # what PostgreSQL reports for numeric(12,2): asyncpg gives a Decimal


@dataclass(frozen=True, slots=True)
class Direct:
    """A statement's text for asyncpg, and how to lay out its values."""

    sql: str
    names: tuple[str, ...]  # the parameters, in $1.. order
    bound: dict[str, Any]  # the values the statement carries itself

    def arguments(self, parameters: dict[str, Any] | None) -> list[Any]:
        given = parameters or {}
        bound = self.bound
        return [given[n] if n in given else bound[n] for n in self.names]


_FORMS: OrderedDict[int, tuple[Direct | None, Executable]] = OrderedDict()


def direct_form(statement: Executable, dialect: Any) -> Direct | None:
    """The statement's direct form, compiled on first use (None: SQLAlchemy runs it)."""
    return kept(_FORMS, id(statement), statement, lambda: _compile(statement, dialect))


def _compile(statement: Executable, dialect: Any) -> Direct | None:
    compiled = statement.compile(dialect=dialect)
    if compiled.positiontup is None:
        return None
    types = {name: bind.type for name, bind in _binds(compiled)}
    if any(not _list_of_plain(types.get(name), dialect) for name in compiled._bind_processors):
        return None
    if "__[POSTCOMPILE" in compiled.string or any(b.expanding for _, b in _binds(compiled)):
        return None
    for column in compiled._result_columns:
        if _converts(column[3], dialect):
            return None
    bound = {name: bind.effective_value for name, bind in _binds(compiled) if not bind.required}
    return Direct(compiled.string, tuple(compiled.positiontup), bound)


def _binds(compiled) -> list[tuple[str, Any]]:
    return [(compiled.bind_names[b], b) for b in compiled.bind_names]


def _list_of_plain(type_: Any, dialect: Any) -> bool:
    """An array of values asyncpg takes as they are (SQLAlchemy only copies the list; for
    booleans it checks each is a bool, which asyncpg checks as well)."""
    if not isinstance(type_, ARRAY):
        return False
    item = type_.item_type
    return isinstance(item, Boolean) or item._cached_bind_processor(dialect) is None


def _converts(type_: Any, dialect: Any) -> bool:
    """True when SQLAlchemy would change what asyncpg returns for a column of this type."""
    if isinstance(type_, ARRAY):  # asyncpg returns a list; SQLAlchemy copies it to a list
        return type_.item_type._cached_result_processor(dialect, None) is not None
    numeric = isinstance(type_, Numeric) and not isinstance(type_, Integer)
    coltype = _NUMERIC_OID if numeric else None
    try:
        return type_._cached_result_processor(dialect, coltype) is not None
    except Exception:  # a type it cannot judge without the driver's type: leave it to SQLAlchemy
        return True
