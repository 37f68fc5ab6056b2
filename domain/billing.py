"""Billing files as claims: what a CSV or an 837P file holds, read into claim drafts with the
row each came from, and the problems of the file itself (a bad date, a missing column).

A finding never carries PHI: it points at a row (CSV) or a claim's position and segment
(837P), never at a name, a birth date or a member number."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from domain import money
from domain.eligibility import duplicate_key, facts_for
from domain.enums import Severity
from domain.errors import DomainError
from domain.validation import Draft, DraftLine, Finding, evaluate


@dataclass(frozen=True, slots=True)
class BillingClaim:
    """One claim of a billing file: its drafts and where in the file it came from."""

    position: int  # 1-based claim number in the file
    row: int  # the CSV row (or 837 segment) of its first line
    line_rows: tuple[int, ...]  # the row of each service line
    member_number: str
    patient_born: date | None
    patient_first_name: str | None
    billing_npi: str
    draft: Draft


@dataclass(frozen=True, slots=True)
class FileProblem:
    """Something wrong with the file rather than with a claim's content."""

    row: int | None
    message: str
    field: str | None = None
    rule: str = "file_format"
    severity: Severity = Severity.ERROR

    def as_finding(self) -> Finding:
        return Finding(self.rule, self.severity, self.message, self.field)


@dataclass(slots=True)
class Parsed:
    claims: list[BillingClaim] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    rows: int = 0  # service lines read (for progress)


# --- CSV: one service line per row ------------------------------------------------------------

CSV_COLUMNS = (
    "claim_id",  # the biller's own claim reference: rows with the same value form one claim
    "member_number",
    "patient_date_of_birth",  # YYYY-MM-DD
    "patient_first_name",  # optional: only to tell twins apart
    "billing_npi",
    "service_date",  # YYYY-MM-DD
    "place_of_service",  # two-digit CMS code
    "diagnosis_codes",  # ICD-10-CM, separated by | (the claim's, repeated on each row)
    "procedure_code",
    "modifiers",  # separated by |, may be empty
    "units",
    "charge_amount",  # 123.45
    "diagnosis_pointers",  # 1-based, separated by |
)
REQUIRED = frozenset(CSV_COLUMNS) - {"patient_first_name", "modifiers", "diagnosis_pointers"}
MAX_ROWS = 200_000


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.replace(";", "|").split("|") if part.strip())


def _date(value: str, *, row: int, column: str, problems: list[FileProblem]) -> date | None:
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d").date()
    except ValueError:
        problems.append(FileProblem(row, f"Row {row}: {column} must be a date as YYYY-MM-DD.",
                                    column))  # fmt: skip
        return None


def _decimal(value: str, *, row: int, column: str, problems: list[FileProblem]) -> Decimal | None:
    try:
        return money.number(value, field=column)
    except DomainError as exc:  # an exponent (1E+30), NaN, or beyond numeric(12,2)
        problems.append(FileProblem(row, f"Row {row}: {column}: {exc}", column))
        return None


def _int(value: str, *, row: int, column: str, problems: list[FileProblem]) -> int | None:
    try:
        return int(value.strip())
    except ValueError:
        problems.append(FileProblem(row, f"Row {row}: {column} must be a whole number.", column))
        return None


def decode(content: bytes) -> str | None:
    """The file as text, or None when it is not text (a binary file). A stray NUL in a text
    file is a problem of its row (parse_csv), not of the file."""
    sample = content[:8192]
    if sample.count(b"\x00") > max(1, len(sample) // 100):  # UTF-16, padding, binary
        return None
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("latin-1") if _mostly_printable(content) else None
    if b"\x00" in sample:  # a NUL among other control bytes: binary after all
        control = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\t\r\n")
        if control > 0.05 * len(text[:8192]):
            return None
    return text


def _mostly_printable(content: bytes) -> bool:
    sample = content[:8192]
    printable = sum(32 <= b < 127 or b in (9, 10, 13) for b in sample)
    return printable >= 0.95 * len(sample)


def parse_csv(text: str) -> Parsed:
    """Rows grouped into claims by claim_id, in file order; row 1 is the header."""
    parsed = Parsed()
    reader = _records(csv.reader(io.StringIO(text, newline="")), parsed.problems)
    header = next(reader, None)
    if header is None or not any(cell.strip() for cell in header):
        parsed.problems.append(FileProblem(None, "The file is empty.", "file"))
        return parsed
    names = [h.strip().lower() for h in header]
    missing = [c for c in CSV_COLUMNS if c in REQUIRED and c not in names]
    if missing:
        parsed.problems.append(FileProblem(1, "The header lacks " + ", ".join(missing) + "; the "
                                           "first row must name the columns: "
                                           + ",".join(CSV_COLUMNS) + ".", "header"))  # fmt: skip
        return parsed
    groups: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        parsed.rows += 1
        if parsed.rows > MAX_ROWS:
            parsed.problems.append(FileProblem(number, f"A file holds at most {MAX_ROWS} rows; "
                                               "the rest was not read.", "file"))  # fmt: skip
            break
        if len(cells) != len(names):
            parsed.problems.append(FileProblem(number, f"Row {number} has {len(cells)} columns; "
                                               f"the header has {len(names)}.", "row"))  # fmt: skip
            continue
        record = dict(zip(names, cells, strict=True))
        nul = next((name for name, cell in record.items() if "\x00" in cell), None)
        if nul is not None:  # PostgreSQL stores no NUL in text: the row cannot be looked up
            parsed.problems.append(FileProblem(number, f"Row {number}: {nul} holds a NUL "
                                               "character.", nul))  # fmt: skip
            continue
        groups.setdefault(record["claim_id"].strip() or f"row-{number}", []).append(
            (number, record)
        )
    for position, rows in enumerate(groups.values(), start=1):
        claim = _claim(position, rows, parsed.problems)
        if claim is not None:
            parsed.claims.append(claim)
    return parsed


def _records(reader, problems: list[FileProblem]) -> Iterator[list[str]]:
    """The reader's rows until one is not CSV at all (a stray carriage return, a quote left
    open); that one becomes a problem and reading stops there."""
    number = 0
    while True:
        number += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            why = f"Row {number} is not valid CSV (a stray line break, quote or a huge field)"
            problems.append(FileProblem(number, why + "; the rest was not read.", "row"))
            return
        yield row


def _claim(position: int, rows, problems: list[FileProblem]) -> BillingClaim | None:
    first_row, first = rows[0]
    before = len(problems)
    born = _date(first["patient_date_of_birth"], row=first_row, column="patient_date_of_birth",
                 problems=problems)  # fmt: skip
    service = _date(first["service_date"], row=first_row, column="service_date",
                    problems=problems)  # fmt: skip
    lines = []
    for number, record in rows:
        amount = _decimal(record["charge_amount"], row=number, column="charge_amount",
                          problems=problems)  # fmt: skip
        units = _int(record["units"] or "1", row=number, column="units", problems=problems)
        pointers = []
        for raw in _split(record.get("diagnosis_pointers", "")):
            value = _int(raw, row=number, column="diagnosis_pointers", problems=problems)
            if value is not None:
                pointers.append(value)
        if amount is None or units is None:
            continue
        line_date = None
        if record["service_date"].strip() != first["service_date"].strip():
            line_date = _date(record["service_date"], row=number, column="service_date",
                              problems=problems)  # fmt: skip
        lines.append((number, DraftLine(
            procedure_code=record["procedure_code"].strip(), charge_amount=amount, units=units,
            modifiers=_split(record.get("modifiers", "")), diagnosis_pointers=tuple(pointers),
            service_date=line_date)))  # fmt: skip
    if len(problems) > before or service is None or not lines:
        return None  # the rows' own problems say why; the claim is not evaluated
    draft = Draft(
        service_date=service,
        diagnosis_codes=_split(first["diagnosis_codes"]),
        lines=tuple(line for _, line in lines),
        place_of_service=first["place_of_service"].strip() or None,
    )
    return BillingClaim(
        position=position, row=first_row, line_rows=tuple(n for n, _ in lines),
        member_number=first["member_number"].strip(), patient_born=born,
        patient_first_name=(first.get("patient_first_name") or "").strip() or None,
        billing_npi=first["billing_npi"].strip(), draft=draft,
    )  # fmt: skip


def row_of(claim: BillingClaim, finding: Finding) -> int:
    """The row a claim's finding points at: the line's own row for a line field."""
    at = finding.field or ""
    if at.startswith("lines["):
        index = int(at[6 : at.index("]")])
        if 0 <= index < len(claim.line_rows):
            return claim.line_rows[index]
    return claim.row


def chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# The input names of the API, as the columns of a billing file call them.
_COLUMN = {
    "memberNumber": "member_number", "serviceDate": "service_date",
    "providerId": "billing_npi", "placeOfService": "place_of_service",
    "diagnosisCodes": "diagnosis_codes", "lines": "procedure_code",
    "procedureCode": "procedure_code", "chargeAmount": "charge_amount", "units": "units",
    "modifiers": "modifiers", "diagnosisPointers": "diagnosis_pointers",
}  # fmt: skip


def file_field(field_name: str | None) -> str | None:
    """`lines[2].chargeAmount` → `charge_amount`; `diagnosisCodes[1]` → `diagnosis_codes`."""
    if field_name is None:
        return None
    last = field_name.rsplit(".", 1)[-1].split("[", 1)[0]
    return _COLUMN.get(last, last)


@dataclass(frozen=True, slots=True)
class Located:
    """A finding and where in the file it points: a row (or segment) and the claim."""

    row: int | None
    claim: int | None
    finding: Finding


def evaluate_claims(
    claims: list[BillingClaim],
    rules,
    lookups,
    *,
    today: date,
    provider_for,
) -> list[Located]:
    """Every finding of every claim. `provider_for(npi)` is the provider id the uploader may
    bill as under that NPI, or None: an NPI that is not theirs reads as not found."""
    found: list[Located] = []
    for claim in claims:
        provider_id = provider_for(claim.billing_npi)
        facts, patient = facts_for(
            lookups, member_number=claim.member_number, born=claim.patient_born,
            first_name=claim.patient_first_name, provider_id=provider_id, draft=claim.draft,
            today=today,
        )  # fmt: skip
        if patient is not None:  # a second copy later in the same file is a duplicate too
            lookups.on_file.add(duplicate_key(patient.member_id, patient.dependent_id,
                                              provider_id, claim.draft.service_date,
                                              claim.draft.procedure_codes))  # fmt: skip
        for finding in evaluate(rules, claim.draft, facts):
            moved = Finding(finding.rule, finding.severity, finding.message,
                            file_field(finding.field))  # fmt: skip
            found.append(Located(row_of(claim, finding), claim.position, moved))
    return found
