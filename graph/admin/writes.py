"""What every admin mutation shares: its transaction, the records its input names, and the
shape of its audit row."""

from __future__ import annotations

import contextlib
from typing import Any

from domain.errors import DomainError
from graph import lookup
from graph.context import Context, Info
from graph.errors import BadUserInput
from graph.relay import from_global_id


@contextlib.asynccontextmanager
async def transaction(ctx: Context):
    """The mutation's unit of work. If it rolls back, the audit rows it noted go with it:
    the trail never records a write that did not happen."""
    mark = len(ctx.audit.events)
    try:
        async with ctx.unit_of_work() as db:
            yield db
    except BaseException:
        del ctx.audit.events[mark:]
        raise


async def referenced(info: Info, value: Any, *, expected: str, field: str) -> Any:
    """The row of the record an input id names, or a DomainError naming the input field."""
    try:
        _, db_id = from_global_id(str(value), expected=expected, field=field)
    except BadUserInput as exc:
        raise DomainError(exc.message, field=field) from None
    _, loader = lookup.types()[expected]
    row = await info.context.loader(loader).load(db_id)
    if row is None:
        raise DomainError(f"{field} names no {expected.lower()} that exists.", field=field)
    return row


def changes(old: Any, new: dict[str, Any]) -> list[str]:
    """The names of the columns whose value `new` changes (for the audit row)."""
    return sorted(column for column, value in new.items() if old[column] != value)


# values an audit row may carry: statuses and kinds, never names, tax ids or secrets
_AUDITED_VALUES = frozenset(
    {"status", "network_status", "provider_type", "role", "parent_id", "contract_type",
     "credential_type", "effective_date", "termination_date", "reimbursement_method"}
)  # fmt: skip


def audited(row: Any, columns: list[str]) -> dict[str, Any]:
    """The auditable values among `columns` of `row`, as JSON-ready strings."""
    return {c: _plain(row[c]) for c in columns if c in _AUDITED_VALUES}


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int):
        return value
    return str(value)
