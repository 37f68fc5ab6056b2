"""The nodes of the code-set lists: a diagnosis, a procedure, a place of service."""

from __future__ import annotations

import strawberry

from graph import enums


@strawberry.type(
    description="An ICD-10-CM diagnosis code (the US government's classification, April 2026 "
    "release): what a claim says the patient was treated for."
)
class DiagnosisCode:
    code: str = strawberry.field(
        description="The code as written on a claim, with its dot after the category (E11.9); "
        "a claim may carry it with or without the dot."
    )
    description: str = strawberry.field(
        description="What the code means, in the classification's own words (Type 2 diabetes "
        "mellitus without complications)."
    )
    billable: bool = strawberry.field(
        description="True for a code a claim may carry: the most specific code of its branch. "
        "False for a category that has more specific codes under it (E11 has E11.9 and "
        "others): a claim naming it is refused."
    )


@strawberry.type(
    description="A procedure code the plan knows: a HCPCS Level II code with a short "
    "description of our own. CPT codes are accepted on claims by format, but their "
    "descriptors are licensed by the AMA, so none are listed here."
)
class ProcedureCode:
    code: str = strawberry.field(
        description="The code as written on a claim line: HCPCS Level II is a letter and four "
        "digits (L1830)."
    )
    code_system: enums.CodeSystem = strawberry.field(  # type: ignore[valid-type]
        description="The coding system the code belongs to (HCPCS for every code listed)."
    )
    description: str | None = strawberry.field(
        description="What the procedure or item is, in the plan's own short words. Null for a "
        "CPT code: CPT descriptors are licensed (AMA) and none are shipped."
    )


@strawberry.type(
    description="A CMS place-of-service code: where a service was given, as a claim line "
    "states it; it can change how the service is priced and whether it is covered."
)
class PlaceOfService:
    code: str = strawberry.field(description="The two-digit code (11 for an office).")
    name: str = strawberry.field(description="The place it stands for, in CMS's words (Office).")
