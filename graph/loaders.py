"""Per-request batch loaders: one statement per relation per tick, whatever the page size."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, ClassVar
from uuid import UUID

from aiodataloader import DataLoader

from db import repos
from db.accumulators import met_by_person
from db.filters import TABLES
from db.repos import Order


class _Loader(DataLoader):
    resource: ClassVar[str]

    def __init__(self, ctx) -> None:
        # DataLoader.__init__'s own work, without its inspection of batch_load_fn (whether
        # it is a coroutine function), which cost more than the rest of it on every request;
        # tests/graph/test_batching.py checks every loader's batch_load_fn once instead
        self.loop = asyncio.get_running_loop()
        self._cache = {}
        self._queue = []
        self.ctx = ctx

    @staticmethod
    def get_cache_key(key: Any) -> Any:
        return key

    @property
    def table(self):
        return TABLES[self.resource]


class _ById(_Loader):
    """The visible row per id, or None (a missing and an invisible row look the same)."""

    async def batch_load_fn(self, keys: list[UUID]) -> list[Any]:
        rows = await repos.fetch_by_column(
            self.ctx.db, self.table, "id", set(keys), condition=self.ctx.condition(self.resource)
        )
        by_id = {r["id"]: r for r in rows}
        return [by_id.get(k) for k in keys]


class _ByColumn(_Loader):
    """The visible rows per foreign key, in a fixed order."""

    column: ClassVar[str]
    order: ClassVar[tuple[Order, ...]] = ()

    async def batch_load_fn(self, keys: list[UUID]) -> list[list[Any]]:
        rows = await repos.fetch_by_column(
            self.ctx.db,
            self.table,
            self.column,
            set(keys),
            condition=self.ctx.condition(self.resource),
            order=self.order,
        )
        grouped: dict[UUID, list[Any]] = defaultdict(list)
        for r in rows:
            grouped[r[self.column]].append(r)
        return [grouped.get(k, []) for k in keys]


@dataclass(frozen=True, slots=True)
class PageRequest:
    """One page of a nested list: the same request for many parents is one statement."""

    order: tuple[Order, ...]
    first: int
    after: tuple | None
    extra: Any = None  # an extra, hashable row filter from the client's `filter:` argument


@dataclass(slots=True)
class Page:
    rows: list[Any]
    has_next: bool
    total: int


class _PageByColumn(_Loader):
    column: ClassVar[str]

    async def batch_load_fn(self, keys: list[tuple[UUID, PageRequest]]) -> list[Page]:
        from db.filters import narrowed

        by_request: dict[PageRequest, set[UUID]] = defaultdict(set)
        for parent, request in keys:
            by_request[request].add(parent)
        pages: dict[tuple[UUID, PageRequest], Page] = {}
        base = self.ctx.condition(self.resource)
        for request, parents in by_request.items():
            condition = narrowed(self.table, base, request.extra)
            rows = await repos.fetch_pages_by_column(
                self.ctx.db,
                self.table,
                self.column,
                parents,
                condition=condition,
                order=request.order,
                first=request.first,
                after=request.after,
            )
            grouped: dict[UUID, list[Any]] = defaultdict(list)
            for r in rows:
                grouped[r[self.column]].append(r)
            for parent in parents:
                got = grouped.get(parent, [])
                total = got[0]["_total"] if got else 0
                pages[(parent, request)] = Page(
                    got[: request.first], len(got) > request.first, total
                )
        return [pages[k] for k in keys]


def _by_id(resource: str) -> type[_ById]:
    return type(f"{resource.title()}ByIdLoader", (_ById,), {"resource": resource})


MemberByIdLoader = _by_id("member")
DependentByIdLoader = _by_id("dependent")
PolicyByIdLoader = _by_id("policy")
ClaimByIdLoader = _by_id("claim")
AppealByIdLoader = _by_id("appeal")
PaymentByIdLoader = _by_id("payment")
ProviderByIdLoader = _by_id("provider")
CredentialByIdLoader = _by_id("credential")
ContractByIdLoader = _by_id("contract")
EmployerByIdLoader = _by_id("employer")
UserByIdLoader = _by_id("user")


class DependentsByMemberIdLoader(_ByColumn):
    # birth dates are encrypted: the order of enrolment is what the database can sort
    resource, column, order = "dependent", "member_id", (Order("created_at"),)


class PoliciesByMemberIdLoader(_ByColumn):
    resource, column, order = "policy", "member_id", (Order("effective_date", descending=True),)


class ClaimsByNumberLoader(_ByColumn):
    """The visible claim with a claim number (a list of at most one: the number is unique)."""

    resource, column = "claim", "claim_number"


class ClaimLinesByClaimIdLoader(_ByColumn):
    resource, column, order = "claim_line", "claim_id", (Order("line_number"),)


class ClaimEventsByClaimIdLoader(_ByColumn):
    resource, column, order = "claim_event", "claim_id", (Order("created_at"),)


class AppealsByClaimIdLoader(_ByColumn):
    resource, column, order = "appeal", "claim_id", (Order("submission_date"),)


class PaymentsByClaimIdLoader(_ByColumn):
    resource, column, order = "payment", "claim_id", (Order("created_at"),)


class CredentialsByProviderIdLoader(_ByColumn):
    resource, column, order = "credential", "provider_id", (Order("expiration_date"),)


class ContractsByProviderIdLoader(_ByColumn):
    resource, column, order = "contract", "provider_id", (Order("effective_date", descending=True),)


class PractitionersByGroupIdLoader(_ByColumn):
    resource, column, order = "provider", "parent_id", (Order("npi"),)


class ClaimPagesByMemberIdLoader(_PageByColumn):
    resource, column = "claim", "member_id"


class ClaimPagesByDependentIdLoader(_PageByColumn):
    resource, column = "claim", "dependent_id"


class ClaimPagesByProviderIdLoader(_PageByColumn):
    resource, column = "claim", "provider_id"


class MemberPagesByEmployerIdLoader(_PageByColumn):
    resource, column = "member", "employer_id"


class FeeScheduleByContractIdLoader(_ByColumn):
    resource, column, order = "fee_schedule_item", "contract_id", (Order("procedure_code"),)


BreakGlassGrantByIdLoader = _by_id("break_glass_grant")
ValidationRuleByIdLoader = _by_id("validation_rule")
ValidationRunByIdLoader = _by_id("validation_run")


class AccumulatorsByPolicyLoader(_Loader):
    """Per (policy id, plan year start, end): what each person on the policy has met, summed
    from the adjudicated claims this principal may read. Plan staff read every claim, so
    they see the plan's count; anyone else sees what the claims shown to them add up to,
    and no figure reveals a claim kept from them (a minor's sensitive visit)."""

    resource = "policy"

    async def batch_load_fn(self, keys: list[tuple[UUID, Any, Any]]) -> list[dict]:
        by_year: dict[tuple, set[UUID]] = defaultdict(set)
        for policy_id, start, end in keys:
            by_year[(start, end)].add(policy_id)
        met: dict[tuple, dict] = {}
        for (start, end), policy_ids in by_year.items():
            found = await met_by_person(
                self.ctx.db, policy_ids=policy_ids, year_start=start, year_end=end,
                condition=self.ctx.condition("claim"),
            )  # fmt: skip
            for policy_id in policy_ids:
                met[(policy_id, start, end)] = found.get(policy_id, {})
        return [met[k] for k in keys]
