"""The walker's state (the hierarchy it is in, the claim it is reading) and a claim's end:
a `BillingClaim`, or the problems that left it out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from domain.billing import BillingClaim, FileProblem, Parsed
from domain.enums import Severity
from domain.validation import Draft, DraftLine
from domain.x12.values import _sentence


@dataclass(slots=True)
class _Person:
    row: int  # its HL segment
    member_number: str = ""
    first_name: str | None = None
    born: date | None = None
    bad_birth: tuple[int, str] | None = None  # (segment, field) of a DMG that is not a date


@dataclass(slots=True)
class _Line:
    row: int
    procedure_code: str
    modifiers: tuple[str, ...]
    charge: Decimal | None
    units: int | None
    pointers: tuple[int, ...]
    place: str | None
    service_date: date | None = None
    dated: bool = False  # has its own DTP*472
    bad_date: bool = False  # its DTP*472 is not a date (reported)


@dataclass(slots=True)
class _Claim:
    position: int
    row: int
    npi: str
    subscriber: _Person | None
    patient: _Person | None
    total: Decimal | None
    place: str | None
    service_date: date | None = None
    bad_service_date: bool = False
    diagnoses: list[str] = field(default_factory=list)
    lines: list[_Line] = field(default_factory=list)
    in_lines: bool = False  # an LX has been seen: DTPs now belong to lines
    open_lx: int | None = None  # an LX waiting for its SV1
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # row, field, words


class _Walker:
    """The state of a walk over an 837P file, and what becomes of a claim when it ends."""

    def __init__(self, element: str, component: str, parsed: Parsed):
        self.element = element
        self.component = component
        self.parsed = parsed
        self.problems: list[FileProblem] = []
        self.in_isa = self.in_gs = self.in_st = False
        self.isa_ok = self.gs_ok = self.st_ok = False
        self.position = 0
        self.claim: _Claim | None = None
        self._reset_hierarchy()

    def _reset_hierarchy(self) -> None:
        self.levels: dict[str, str] = {}  # HL01 -> HL03 within the transaction
        self.level: str | None = None
        self.provider_row: int | None = None
        self.npi = ""
        self.subscriber: _Person | None = None
        self.patient: _Person | None = None
        self.person: _Person | None = None  # the one a DMG describes

    def problem(self, row: int | None, words: str, field_name: str,
                severity: Severity = Severity.ERROR) -> None:  # fmt: skip
        message = f"Segment {row}: {words}" if row is not None else _sentence(words)
        self.problems.append(FileProblem(row, message, field_name, severity=severity))

    # -- a claim ends ------------------------------------------------------------------------

    def _close(self, *, cut_off: bool) -> None:
        claim, self.claim = self.claim, None
        if claim is None:
            return
        problems = claim.problems
        first_dated = claim.lines[0].service_date if claim.lines else None
        service_date = first_dated or claim.service_date
        charges = [line.charge for line in claim.lines]
        if cut_off:  # what is missing is missing because of that: nothing more to say
            problems.append((claim.row, "SE", "it may be incomplete: its transaction is not "
                             "closed by a trailer (SE). Was the file cut off?"))  # fmt: skip
        elif claim.open_lx is not None:
            problems.append((claim.open_lx, "SV1", f"the service line starting in segment "
                             f"{claim.open_lx} (LX) has no SV1."))  # fmt: skip
        elif not claim.lines:
            problems.append((claim.row, "SV1", "it has no service lines (LX and SV1)."))
        elif claim.service_date is None and not claim.bad_service_date:
            for line in claim.lines:  # 2400 DTP*472 is required when the claim has none
                if not line.dated and not line.bad_date:
                    problems.append((line.row, "DTP03", f"the service line in segment "
                                     f"{line.row} has no service date (DTP*472)."))  # fmt: skip
        complete = not cut_off and claim.open_lx is None and claim.lines
        if complete and claim.total is not None and None not in charges:
            lines_total = sum(charges, Decimal("0"))
            if lines_total != claim.total:
                problems.append((claim.row, "CLM02", "its total charge (CLM02) is not the "
                                 "sum of its service lines' charges (SV102)."))  # fmt: skip
        if problems:
            for row, field_name, words in problems:
                self.problems.append(FileProblem(row, f"Claim {claim.position} (segment "
                                                 f"{claim.row}) was not read: {words}",
                                                 field_name))  # fmt: skip
            return
        if service_date is None or claim.subscriber is None:  # pragma: no cover - reported
            return
        lines = []
        for line in claim.lines:
            on = line.service_date if line.dated else (claim.service_date or service_date)
            lines.append(DraftLine(
                procedure_code=line.procedure_code, charge_amount=line.charge,
                units=line.units, modifiers=line.modifiers,
                diagnosis_pointers=line.pointers,
                service_date=on if on != service_date else None,
            ))  # fmt: skip
        place = next((line.place for line in claim.lines if line.place), claim.place)
        patient = claim.patient or claim.subscriber
        self.parsed.claims.append(BillingClaim(
            position=claim.position, row=claim.row,
            line_rows=tuple(line.row for line in claim.lines),
            member_number=claim.subscriber.member_number, patient_born=patient.born,
            patient_first_name=patient.first_name, billing_npi=claim.npi,
            draft=Draft(service_date=service_date, diagnosis_codes=tuple(claim.diagnoses),
                        lines=tuple(lines), place_of_service=place, claim_type="medical"),
        ))  # fmt: skip
