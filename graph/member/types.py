"""Members (subscribers) and their dependents; every field declares its class."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from domain.masking import birth_year
from domain.people import is_adult
from graph import enums
from graph import loaders as ld
from graph.claim.inputs import ClaimFilter, ClaimOrder, nested_claims
from graph.context import Info
from graph.fields import BUSINESS, PHI, RESTRICTED, classified
from graph.relay import Connection, Node
from graph.rows import build, build_optional, relation
from policies.resources import FieldView

if TYPE_CHECKING:
    from graph.claim.types import Claim
    from graph.employer.types import Employer
    from graph.policy.types import Policy

ClaimRef = Annotated["Claim", strawberry.lazy("graph.claim.types")]
EmployerRef = Annotated["Employer", strawberry.lazy("graph.employer.types")]
PolicyRef = Annotated["Policy", strawberry.lazy("graph.policy.types")]

_YEAR = {"year": lambda born, today: birth_year(born, today=today)}


def _birth_year(born: date, row) -> int:
    return born.year


@strawberry.interface(description="A person covered by the plan: a member or a dependent.")
class Person(Node):
    first_name = classified("first_name", PHI, "name", str)
    middle_name = classified("middle_name", PHI, "name", str)
    last_name = classified("last_name", PHI, "name", str)
    date_of_birth = classified("date_of_birth", PHI, "birth_date", date)
    birth_year = classified(
        "date_of_birth",
        PHI,
        "birth_date",
        int,
        render=_birth_year,
        masks=_YEAR,
        description="Year of birth (regulators: 90 or older reported as 90).",
    )
    gender = classified("gender", PHI, "demographic", enums.Gender)
    email = classified("email", PHI, "contact", str)
    phone = classified("phone", PHI, "contact", str)
    blood_type = classified("blood_type", PHI, "medical", str)
    allergies = classified("allergies", PHI, "medical", str)
    medical_conditions = classified("medical_conditions", PHI, "medical", str)
    enrollment_date = classified("enrollment_date", BUSINESS, "enrolment_date", date)
    termination_date = classified("termination_date", BUSINESS, "enrolment_date", date)
    ssn = classified("ssn", RESTRICTED, "ssn", str, description="Social security number, masked.")


@strawberry.type(description="A subscriber (policyholder).")
class Member(Person):
    member_number = classified("member_number", PHI, "identifier", str)
    alternate_phone = classified("alternate_phone", PHI, "contact", str)
    address_line1 = classified("address_line1", PHI, "contact", str)
    address_line2 = classified("address_line2", PHI, "contact", str)
    city = classified("city", PHI, "contact", str)
    state = classified("state", PHI, "geo", str)
    zip_code = classified("zip_code", PHI, "zip", str)
    country = classified("country", BUSINESS, "business", str)
    emergency_contact_name = classified("emergency_contact_name", PHI, "contact", str)
    emergency_contact_phone = classified("emergency_contact_phone", PHI, "contact", str)
    emergency_contact_relation = classified("emergency_contact_relation", PHI, "contact", str)
    status = classified("status", BUSINESS, "enrolment", enums.MemberStatus)
    employee_id = classified("employee_id", BUSINESS, "identifier", str)
    preferred_language = classified("preferred_language", PHI, "demographic", str)
    created_at = classified("created_at", BUSINESS, "record_date", datetime)

    @staticmethod
    def field_view(principal, row, today) -> FieldView:
        return FieldView(type="Member", break_glass=row["id"] in principal.break_glass_member_ids)

    def audit_key(self):
        return "Member", self.db_id, self.db_id, None

    @strawberry.field
    @relation(ld.EmployerByIdLoader, "employer_id")
    async def employer(self, info: Info) -> EmployerRef | None:
        from graph.employer.types import Employer

        employer_id = self._row["employer_id"]
        if employer_id is None:
            return None
        row = await info.context.loader(ld.EmployerByIdLoader).load(employer_id)
        return build_optional(Employer, row)

    @strawberry.field
    @relation(ld.DependentsByMemberIdLoader, many=True)
    async def dependents(self, info: Info) -> list[Dependent]:
        rows = await info.context.loader(ld.DependentsByMemberIdLoader).load(self.db_id)
        return [build(Dependent, r) for r in rows]

    @strawberry.field(description="How many dependents of this member you may see.")
    @relation(ld.DependentsByMemberIdLoader, count=True)
    async def dependent_count(self, info: Info) -> int:
        rows = await info.context.loader(ld.DependentsByMemberIdLoader).load(self.db_id)
        return len(rows)

    @strawberry.field
    @relation(ld.PoliciesByMemberIdLoader, many=True)
    async def policies(self, info: Info) -> list[PolicyRef]:
        from graph.policy.types import Policy

        rows = await info.context.loader(ld.PoliciesByMemberIdLoader).load(self.db_id)
        return [build(Policy, r) for r in rows]

    @strawberry.field(description="Claims under this member's coverage that you may see.")
    async def claims(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: ClaimFilter | None = None,
        order_by: ClaimOrder | None = None,
    ) -> Connection[ClaimRef]:
        return await nested_claims(
            info,
            ld.ClaimPagesByMemberIdLoader,
            self.db_id,
            first=first,
            after=after,
            filter=filter,
            order_by=order_by,
        )


@strawberry.type(description="A spouse, child or other person covered through a member.")
class Dependent(Person):
    relationship = classified("relationship", BUSINESS, "enrolment", enums.Relationship)
    status = classified("status", BUSINESS, "enrolment", enums.DependentStatus)

    def audit_key(self):
        return "Dependent", self.db_id, self._row["member_id"], self.db_id

    @staticmethod
    def field_view(principal, row, today) -> FieldView:
        return FieldView(
            type="Dependent",
            adult=is_adult(row["date_of_birth"], today=today),
            consented=row["id"] in principal.consenting_dependent_ids,
            break_glass=row["member_id"] in principal.break_glass_member_ids,
        )

    @strawberry.field(description="The subscriber this dependent is covered through.")
    @relation(ld.MemberByIdLoader, "member_id")
    async def member(self, info: Info) -> Member | None:
        row = await info.context.loader(ld.MemberByIdLoader).load(self._row["member_id"])
        return build_optional(Member, row)

    @strawberry.field(description="Claims for this dependent's care that you may see.")
    async def claims(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        filter: ClaimFilter | None = None,
        order_by: ClaimOrder | None = None,
    ) -> Connection[ClaimRef]:
        return await nested_claims(
            info,
            ld.ClaimPagesByDependentIdLoader,
            self.db_id,
            first=first,
            after=after,
            filter=filter,
            order_by=order_by,
        )
