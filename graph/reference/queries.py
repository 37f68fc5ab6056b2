"""Root lists of the code sets people pick from. Public material, no PHI: any signed-in
user may read them (policies/reference.polar), and reads are not audited.

A search finds a code by the start of the code (E11 finds E11.x) or by the words of its
description (full text, every word as a prefix: "diab type 2" finds E11.9). Matches come in
code order: it is stable and pages by a keyset on the code, so a next page neither repeats
nor skips a code, and it keeps a category's codes together as coders browse them. Ordering
by relevance (ts_rank) would need every match ranked before the first page could be cut,
and ranks tie often, so pages would be neither cheap nor steady."""

from __future__ import annotations

from typing import Annotated

import strawberry

from db import reference_search as ref
from domain.directory import MAX_SEARCH_LENGTH, code_search
from domain.errors import DomainError
from domain.validation import display_diagnosis
from graph import enums
from graph.context import Context, Info
from graph.errors import from_domain
from graph.guard import require
from graph.listing import check_first
from graph.reference.types import DiagnosisCode, PlaceOfService, ProcedureCode
from graph.relay import Connection, connection, decode_cursor, encode_cursor
from policies import resources as res

_SEARCH = (
    "Codes whose code starts with this (the dot of a diagnosis code is optional: E11 and "
    "E11.9 both work), or whose description holds every word of it, each word as the start "
    'of a word ("knee orth" finds knee orthoses); case is ignored. Leave it out for every '
    f"code. At most {MAX_SEARCH_LENGTH} characters; an empty search is BAD_USER_INPUT."
)
SearchArg = Annotated[str | None, strawberry.argument(description=_SEARCH)]
BillableArg = Annotated[
    bool | None,
    strawberry.argument(
        description="True: only codes a claim may carry; false: only categories with more "
        "specific codes under them; null: both."
    ),
]


async def _page(info: Info, code_set: str, build, *, search, billable, first, after):
    ctx: Context = info.context
    require(info, "read", res.ReferenceData())
    first = check_first(first, cap=ctx.settings.max_page_size)
    try:
        parsed = None if search is None else code_search(search)
    except DomainError as exc:
        raise from_domain(exc) from None
    key = f"{code_set}_code|code:a"
    position = None if after is None else decode_cursor(after, key, [str])[0]
    rows = await ref.page(
        ctx.db, code_set, search=parsed, billable=billable, first=first, after=position
    )

    async def total() -> int:
        return await ref.count(ctx.db, code_set, search=parsed, billable=billable)

    shown = rows[:first]
    return connection(
        [build(r) for r in shown],
        shown,
        lambda r: encode_cursor(key, [r["code"]]),
        has_next=len(rows) > first,
        has_previous=position is not None,
        total=total,
    )


def _diagnosis(row) -> DiagnosisCode:
    return DiagnosisCode(
        code=display_diagnosis(row["code"]), description=row["description"],
        billable=row["billable"],
    )  # fmt: skip


def _procedure(row) -> ProcedureCode:
    return ProcedureCode(
        code=row["code"],
        code_system=enums.CodeSystem(row["code_system"]),
        description=row["description"],
    )


@strawberry.type
class ReferenceQueries:
    @strawberry.field(
        description="ICD-10-CM diagnosis codes to pick from, searched by code or description, "
        "in code order (stable, so pages never repeat or skip a code). Any signed-in user."
    )
    async def diagnosis_codes(
        self,
        info: Info,
        search: SearchArg = None,
        billable: BillableArg = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[DiagnosisCode]:
        return await _page(info, "diagnosis", _diagnosis, search=search, billable=billable,
                           first=first, after=after)  # fmt: skip

    @strawberry.field(
        description="Procedure codes to pick from: the HCPCS Level II codes the plan lists, "
        "searched by code or description, in code order. CPT descriptors are licensed (AMA): "
        "none are shipped, so CPT codes are not listed (claims take them by format). Any "
        "signed-in user."
    )
    async def procedure_codes(
        self,
        info: Info,
        search: SearchArg = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[ProcedureCode]:
        return await _page(info, "procedure", _procedure, search=search, billable=None,
                           first=first, after=after)  # fmt: skip

    @strawberry.field(
        description="Every CMS place-of-service code with its name, in code order, for the "
        "place a claim line states. Any signed-in user."
    )
    async def places_of_service(self, info: Info) -> list[PlaceOfService]:
        require(info, "read", res.ReferenceData())
        rows = await ref.places_of_service(info.context.db)
        return [PlaceOfService(code=r["code"], name=r["name"]) for r in rows]
