"""Employers: group accounts whose employees are members."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry

from db.repos import Order
from domain.masking import last_four
from graph import enums
from graph import loaders as ld
from graph.context import Info
from graph.listing import Listing
from graph.relay import Connection, Node
from graph.rows import build

if TYPE_CHECKING:
    from graph.member.types import Member

MemberRef = Annotated["Member", strawberry.lazy("graph.member.types")]

ROSTER = Listing("member", [Order("last_name"), Order("first_name")])


@strawberry.type(description="An employer that offers the plan to its employees.")
class Employer(Node):
    company_name: str
    industry: str | None
    employee_count: int | None
    primary_contact_name: str | None
    primary_contact_email: str | None
    primary_contact_phone: str | None
    address_line1: str | None
    address_line2: str | None
    city: str | None
    state: str | None
    zip_code: str | None
    billing_cycle: enums.BillingCycle
    payment_method: enums.EmployerPaymentMethod | None
    group_number: str
    contract_start_date: date | None
    contract_end_date: date | None
    status: enums.EmployerStatus
    tax_id_value: strawberry.Private[str | None]

    @strawberry.field(description="Tax id, masked to the last four digits.")
    def tax_id(self) -> str | None:
        return last_four(self.tax_id_value)

    @strawberry.field(description="Employees enrolled in the plan, by name.")
    async def members(
        self, info: Info, first: int = 50, after: str | None = None
    ) -> Connection[MemberRef]:
        from graph.member.types import Member

        request = ROSTER.request(info.context, first=first, after=after)
        page = await info.context.loader(ld.MemberPagesByEmployerIdLoader).load(
            (self.db_id, request)
        )
        return ROSTER.from_page(page, lambda r: build(Member, r), request=request)
