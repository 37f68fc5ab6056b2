"""Employers: group accounts whose employees are members."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry

from db.repos import Order
from graph import enums
from graph import loaders as ld
from graph.context import Info
from graph.fields import BUSINESS, PUBLIC, RESTRICTED, classified
from graph.listing import Listing
from graph.relay import Connection, Node
from graph.rows import build
from policies.resources import FieldView

if TYPE_CHECKING:
    from graph.member.types import Member

MemberRef = Annotated["Member", strawberry.lazy("graph.member.types")]

# names are encrypted at rest, so the roster is in member-number order
ROSTER = Listing("member", [Order("member_number")])


def _business(column: str, python_type=str):
    return classified(column, BUSINESS, "business", python_type)


def _identifying(column: str):
    return classified(column, BUSINESS, "employer_identifier", str)


@strawberry.type(description="An employer that offers the plan to its employees.")
class Employer(Node):
    # what identifies the employer (Safe Harbor counts an individual's employer among the
    # identifiers to remove): its name, contacts, street, ZIP and group number
    company_name = classified("company_name", PUBLIC, "employer_name", str)
    industry = _business("industry")
    employee_count = _business("employee_count", int)
    primary_contact_name = _identifying("primary_contact_name")
    primary_contact_email = _identifying("primary_contact_email")
    primary_contact_phone = _identifying("primary_contact_phone")
    address_line1 = _identifying("address_line1")
    address_line2 = _identifying("address_line2")
    city = _identifying("city")
    state = _business("state")
    zip_code = classified("zip_code", BUSINESS, "employer_zip", str)
    billing_cycle = _business("billing_cycle", enums.BillingCycle)
    payment_method = _business("payment_method", enums.EmployerPaymentMethod)
    group_number = _identifying("group_number")
    contract_start_date = _business("contract_start_date", date)
    contract_end_date = _business("contract_end_date", date)
    status = _business("status", enums.EmployerStatus)
    tax_id = classified(
        "tax_id", RESTRICTED, "tax_id", str, description="Tax id, masked to the last four."
    )

    @staticmethod
    def field_view(principal, row, today) -> FieldView:
        return FieldView(type="Employer")

    @strawberry.field(description="Employees enrolled in the plan that you may see.")
    async def members(
        self, info: Info, first: int = 50, after: str | None = None
    ) -> Connection[MemberRef]:
        from graph.member.types import Member

        request = ROSTER.request(info.context, first=first, after=after)
        loader = info.context.loader(ld.MemberPagesByEmployerIdLoader)
        page = await loader.load((self.db_id, request))
        return ROSTER.from_page(page, lambda r: build(Member, r), request=request)
