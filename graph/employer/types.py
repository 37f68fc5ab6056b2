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


def _business(column: str, python_type=str, *, description: str):
    return classified(column, BUSINESS, "business", python_type, description=description)


def _identifying(column: str, *, description: str):
    return classified(column, BUSINESS, "employer_identifier", str, description=description)


@strawberry.type(description="An employer that offers the plan to its employees.")
class Employer(Node):
    # what identifies the employer (Safe Harbor counts an individual's employer among the
    # identifiers to remove): its name, contacts, street, ZIP and group number
    company_name = classified(
        "company_name", PUBLIC, "employer_name", str,
        description="The employer's name; a member sees their own employer's.",
    )  # fmt: skip
    industry = _business("industry", description="The employer's line of business, free text.")
    employee_count = _business(
        "employee_count", int, description="How many people the employer employs, as it reports."
    )
    primary_contact_name = _identifying(
        "primary_contact_name", description="Name of the employer's benefits contact."
    )
    primary_contact_email = _identifying(
        "primary_contact_email", description="Email address of the benefits contact."
    )
    primary_contact_phone = _identifying(
        "primary_contact_phone", description="Phone number of the benefits contact, as given."
    )
    address_line1 = _identifying("address_line1", description="Street address of the employer.")
    address_line2 = _identifying("address_line2", description="Suite, floor or building.")
    city = _identifying("city", description="City of the employer's address.")
    state = _business(
        "state",
        description="Two-letter USPS state code of the employer's address; the regulator of "
        "that state oversees the employer and the members enrolled through it.",
    )
    zip_code = classified(
        "zip_code", BUSINESS, "employer_zip", str,
        description="ZIP code of the employer's address, 12345 or 12345-6789; regulators see "
        "the first three digits (000 where that area is sparsely populated).",
    )  # fmt: skip
    billing_cycle = _business(
        "billing_cycle",
        enums.BillingCycle,
        description="How often the plan bills the employer for its premiums.",
    )
    payment_method = _business(
        "payment_method",
        enums.EmployerPaymentMethod,
        description="How the employer pays its premiums; null when not on record.",
    )
    group_number = _identifying(
        "group_number",
        description="The plan's number for the employer's group, GRP- and six digits, given "
        "when the employer is signed up.",
    )
    contract_start_date = _business(
        "contract_start_date",
        date,
        description="First day of the employer's group agreement with the plan; null if none "
        "is on record.",
    )
    contract_end_date = _business(
        "contract_end_date",
        date,
        description="When the group agreement ends; null while it is open-ended.",
    )
    status = _business(
        "status",
        enums.EmployerStatus,
        description="Whether the group is in force: only an active employer's employees can "
        "be enrolled.",
    )
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
