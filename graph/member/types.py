"""Members (subscribers) and their dependents; every field declares its class."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from domain.masking import birth_year
from domain.people import is_adult
from domain.profile import CHANNELS
from graph import enums
from graph import loaders as ld
from graph.claim.inputs import ClaimFilter, ClaimOrder, nested_claims
from graph.context import Info
from graph.fields import BUSINESS, PHI, RESTRICTED, classified
from graph.member import glossary as g
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
_FILTER = strawberry.argument(description="Narrows the claims, within those you may see.")
_ORDER = strawberry.argument(description="Sort order; latest submitted first if left out.")


def _birth_year(born: date, row) -> int:
    return born.year


def _channels(prefs: dict | None, row) -> list | None:
    if prefs is None:
        return None
    return [enums.ContactChannel(c) for c in CHANNELS if prefs.get(c)]


def _preferred(prefs: dict | None, row):
    chosen = (prefs or {}).get("preferred")
    return enums.ContactChannel(chosen) if chosen else None


@strawberry.interface(description="A person covered by the plan: a member or a dependent.")
class Person(Node):
    first_name = classified("first_name", PHI, "name", str, description=g.FIRST_NAME)
    middle_name = classified("middle_name", PHI, "name", str, description=g.MIDDLE_NAME)
    last_name = classified("last_name", PHI, "name", str, description=g.LAST_NAME)
    date_of_birth = classified(
        "date_of_birth", PHI, "birth_date", date, description=g.DATE_OF_BIRTH
    )
    birth_year = classified(
        "date_of_birth",
        PHI,
        "birth_date",
        int,
        render=_birth_year,
        masks=_YEAR,
        description="Year of birth. Regulators read only this, with anyone aged 90 or more "
        "given the birth year of a 90-year-old (Safe Harbor).",
    )
    gender = classified("gender", PHI, "demographic", enums.Gender, description=g.GENDER)
    email = classified("email", PHI, "contact", str, description=g.EMAIL)
    phone = classified("phone", PHI, "contact", str, description=g.PHONE)
    blood_type = classified(
        "blood_type", PHI, "medical", str, description="ABO and Rh blood group (e.g. O-)."
    )
    allergies = classified(
        "allergies", PHI, "medical", str,
        description="Known allergies, free text (e.g. Penicillin).",
    )  # fmt: skip
    medical_conditions = classified(
        "medical_conditions", PHI, "medical", str,
        description="Known medical conditions, free text (e.g. Type 2 diabetes).",
    )  # fmt: skip
    enrollment_date = classified(
        "enrollment_date", BUSINESS, "enrolment_date", date, description=g.ENROLLMENT_DATE
    )
    termination_date = classified(
        "termination_date", BUSINESS, "enrolment_date", date,
        description="First day without coverage; null while coverage continues. For a child "
        "who aged out, the first of the month after they turned 26.",
    )  # fmt: skip
    preferred_language = classified(
        "preferred_language", PHI, "demographic", str,
        description="Language for the plan's communications, as a language code (en unless "
        "recorded otherwise).",
    )  # fmt: skip
    contact_channels = classified(
        "communication_preferences", PHI, "contact", list[enums.ContactChannel],
        render=_channels,
        description="The ways the person accepts to be contacted; null when they never said "
        "(the plan then uses every way it has on record).",
    )  # fmt: skip
    preferred_contact_channel = classified(
        "communication_preferences", PHI, "contact", enums.ContactChannel,
        render=_preferred,
        description="The way the person prefers to be contacted, among those accepted; null "
        "when they named none.",
    )  # fmt: skip
    ssn = classified(
        "ssn", RESTRICTED, "ssn", str,
        description="Social security number, masked to the last four (***-**-6789); an admin "
        "sees it whole only through revealSsn, which takes a reason and is audited.",
    )  # fmt: skip


@strawberry.type(description="A subscriber (policyholder).")
class Member(Person):
    member_number = classified(
        "member_number", PHI, "identifier", str,
        description="The plan's member number, MBR- and eight digits; providers quote it, "
        "with the date of birth, on a claim.",
    )  # fmt: skip
    alternate_phone = classified(
        "alternate_phone", PHI, "contact", str, description=g.ALTERNATE_PHONE
    )
    address_line1 = classified("address_line1", PHI, "contact", str, description=g.ADDRESS_LINE1)
    address_line2 = classified("address_line2", PHI, "contact", str, description=g.ADDRESS_LINE2)
    city = classified("city", PHI, "contact", str, description=g.CITY)
    state = classified("state", PHI, "geo", str, description=g.STATE)
    zip_code = classified(
        "zip_code", PHI, "zip", str,
        description=g.ZIP_CODE + " Regulators see the first three digits (000 where that "
        "area is sparsely populated).",
    )  # fmt: skip
    country = classified(
        "country", BUSINESS, "business", str,
        description="Country of the address, three letters; USA unless recorded otherwise.",
    )  # fmt: skip
    emergency_contact_name = classified(
        "emergency_contact_name", PHI, "contact", str, description=g.EMERGENCY_CONTACT_NAME
    )
    emergency_contact_phone = classified(
        "emergency_contact_phone", PHI, "contact", str, description=g.EMERGENCY_CONTACT_PHONE
    )
    emergency_contact_relation = classified(
        "emergency_contact_relation", PHI, "contact", str,
        description=g.EMERGENCY_CONTACT_RELATION,
    )  # fmt: skip
    status = classified(
        "status", BUSINESS, "enrolment", enums.MemberStatus,
        description="Dependents and policies are added only to an active member; claims of "
        "an inactive or suspended member fail the eligibility check.",
    )  # fmt: skip
    employee_id = classified("employee_id", BUSINESS, "identifier", str, description=g.EMPLOYEE_ID)
    created_at = classified(
        "created_at", BUSINESS, "record_date", datetime,
        description="When the member record was created.",
    )  # fmt: skip

    @staticmethod
    def field_view(principal, row, today) -> FieldView:
        return FieldView(type="Member", break_glass=row["id"] in principal.break_glass_member_ids)

    def audit_key(self):
        return "Member", self.db_id, self.db_id, None

    @strawberry.field(
        description="The employer the member enrolled through; null for a member who enrolled "
        "on their own, or when you may not see the employer."
    )
    @relation(ld.EmployerByIdLoader, "employer_id")
    async def employer(self, info: Info) -> EmployerRef | None:
        from graph.employer.types import Employer

        employer_id = self._row["employer_id"]
        if employer_id is None:
            return None
        row = await info.context.loader(ld.EmployerByIdLoader).load(employer_id)
        return build_optional(Employer, row)

    @strawberry.field(
        description="The people covered through this member that you may see, in the order "
        "they were added."
    )
    @relation(ld.DependentsByMemberIdLoader, many=True)
    async def dependents(self, info: Info) -> list[Dependent]:
        rows = await info.context.loader(ld.DependentsByMemberIdLoader).load(self.db_id)
        return [build(Dependent, r) for r in rows]

    @strawberry.field(description="How many dependents of this member you may see.")
    @relation(ld.DependentsByMemberIdLoader, count=True)
    async def dependent_count(self, info: Info) -> int:
        rows = await info.context.loader(ld.DependentsByMemberIdLoader).load(self.db_id)
        return len(rows)

    @strawberry.field(
        description="This member's policies that you may see, latest effective date first."
    )
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
        filter: Annotated[ClaimFilter | None, _FILTER] = None,
        order_by: Annotated[ClaimOrder | None, _ORDER] = None,
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
    relationship = classified(
        "relationship", BUSINESS, "enrolment", enums.Relationship,
        description="How the dependent is related to the member. A member covers one spouse "
        "or domestic partner at a time; a child until the end of the month they turn 26.",
    )  # fmt: skip
    status = classified(
        "status", BUSINESS, "enrolment", enums.DependentStatus,
        description="Active while covered; inactive once the termination date has come; "
        "aged out for a child past the end of the month they turned 26.",
    )  # fmt: skip

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
        filter: Annotated[ClaimFilter | None, _FILTER] = None,
        order_by: Annotated[ClaimOrder | None, _ORDER] = None,
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
