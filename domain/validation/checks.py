"""The checks of the claim as written: lines, codes, amounts, place and dates.

Messages speak to a biller and never carry PHI (see domain/validation/__init__.py)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal

from domain.money import CENT, MAX_AMOUNT
from domain.validation.codes import is_procedure_code, normalise_diagnosis, normalise_procedure
from domain.validation.model import Draft, Facts, Problem, check

# ICD-10-CM: a letter (not U, which is reserved), two characters, then up to four more;
# the dot after the third character is optional on input.
_ICD10 = re.compile(r"^[A-TV-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$")
_MODIFIER = re.compile(r"^[0-9A-Z]{2}$")
_PLACE = re.compile(r"^\d{2}$")


@check("lines_present")
def _lines_present(draft: Draft, facts: Facts, cond) -> Iterable[Problem]:
    most = int(cond.get("max_lines", 50))
    if not draft.lines:
        yield "A claim needs at least one service line.", "lines"
    elif len(draft.lines) > most:
        yield f"A claim has at most {most} service lines; split it.", "lines"


@check("diagnosis_present")
def _diagnosis_present(draft: Draft, facts: Facts, cond) -> Iterable[Problem]:
    most = int(cond.get("max_codes", 12))
    if not draft.diagnosis_codes:
        yield "Give at least one diagnosis code (ICD-10-CM).", "diagnosisCodes"
    elif len(draft.diagnosis_codes) > most:
        yield f"A claim carries at most {most} diagnosis codes.", "diagnosisCodes"
    seen: set[str] = set()
    for i, code in enumerate(draft.diagnosis_codes):
        if normalise_diagnosis(code) in seen:
            yield f"Diagnosis code {code.strip()} is listed twice.", f"diagnosisCodes[{i}]"
        seen.add(normalise_diagnosis(code))


@check("diagnosis_code_valid")
def _diagnosis_code_valid(draft: Draft, facts: Facts, cond) -> Iterable[Problem]:
    for i, code in enumerate(draft.diagnosis_codes):
        shown = code.strip()[:12]
        if not _ICD10.match(code.strip().upper()):
            yield (
                f"'{shown}' is not an ICD-10-CM code (a letter, two characters, then up to "
                "four more, e.g. J06.9).",
                f"diagnosisCodes[{i}]",
            )
        elif facts.known_diagnosis is not None:
            known = facts.known_diagnosis(normalise_diagnosis(code))
            if known is False:
                yield (
                    f"'{shown}' is not a billable ICD-10-CM code: use the most specific code.",
                    f"diagnosisCodes[{i}]",
                )


@check("procedure_code_valid")
def _procedure_code_valid(draft: Draft, facts: Facts, cond) -> Iterable[Problem]:
    for i, line in enumerate(draft.lines):
        code = normalise_procedure(line.procedure_code)
        if not is_procedure_code(code):
            yield (
                f"'{code[:12]}' is not a CPT (five digits) or HCPCS (a letter and four digits) "
                "code.",
                f"lines[{i}].procedureCode",
            )
        for modifier in line.modifiers:
            if not _MODIFIER.match(modifier.strip().upper()):
                yield (
                    f"Modifier '{modifier.strip()[:8]}' must be two letters or digits.",
                    f"lines[{i}].modifiers",
                )
        if len(line.modifiers) > 4:
            yield "A line has at most four modifiers.", f"lines[{i}].modifiers"
        if line.drug_tier is not None and draft.claim_type != "pharmacy":
            yield "A drug tier belongs on a pharmacy claim's lines only.", f"lines[{i}].drugTier"


@check("units_positive")
def _units_positive(draft: Draft, facts: Facts, cond) -> Iterable[Problem]:
    most = int(cond.get("max_units", 999))
    for i, line in enumerate(draft.lines):
        if line.units < 1:
            yield "Units must be 1 or more.", f"lines[{i}].units"
        elif line.units > most:
            yield f"Units above {most} on one line are not accepted.", f"lines[{i}].units"


@check("amount_valid")
def _amount_valid(draft: Draft, facts: Facts, cond) -> Iterable[Problem]:
    for i, line in enumerate(draft.lines):
        amount = line.charge_amount
        if not amount.is_finite() or amount <= 0:
            yield "The charge must be a positive amount.", f"lines[{i}].chargeAmount"
        elif amount > MAX_AMOUNT:  # before quantize, which cannot hold 1E+30 to the cent
            yield f"The charge is too large (at most {MAX_AMOUNT}).", f"lines[{i}].chargeAmount"
        elif amount != amount.quantize(CENT):
            yield "The charge has at most two decimal places.", f"lines[{i}].chargeAmount"
    total = Decimal("0.00")
    for i, line in enumerate(draft.lines):
        total += line.charge_amount if line.charge_amount.is_finite() else 0
        if total > MAX_AMOUNT:  # the claim's billed amount is numeric(12,2) too
            yield (f"The charges add up to more than {MAX_AMOUNT} at this line.",
                   f"lines[{i}].chargeAmount")  # fmt: skip
            break


@check("amount_review_threshold")
def _amount_review_threshold(draft: Draft, facts: Facts, cond) -> Iterable[Problem]:
    threshold = Decimal(str(cond.get("amount", "10000.00")))
    billed = draft.billed
    if billed.is_finite() and billed > threshold:
        yield f"Billed {billed:.2f} is above {threshold:.2f}: the claim is reviewed by hand.", None


@check("diagnosis_pointers_valid")
def _diagnosis_pointers_valid(draft: Draft, facts: Facts, cond) -> Iterable[Problem]:
    count = len(draft.diagnosis_codes)
    for i, line in enumerate(draft.lines):
        if len(line.diagnosis_pointers) > 4:
            yield "A line points at most at four diagnoses.", f"lines[{i}].diagnosisPointers"
        for pointer in line.diagnosis_pointers:
            if not 1 <= pointer <= count:
                yield (
                    f"Diagnosis pointer {pointer} names no diagnosis: the claim has {count}.",
                    f"lines[{i}].diagnosisPointers",
                )


@check("place_of_service_valid")
def _place_of_service_valid(draft: Draft, facts: Facts, cond) -> Iterable[Problem]:
    place = draft.place_of_service
    if place is None:
        if cond.get("required", True):
            yield (
                "Give the place of service (a two-digit CMS code, e.g. 11 for an office).",
                ("placeOfService"),
            )
        return
    if not _PLACE.match(place.strip()):
        yield "The place of service is a two-digit CMS code, e.g. 11.", "placeOfService"
    elif facts.known_place_of_service is not None:
        if facts.known_place_of_service(place.strip()) is False:
            yield f"'{place.strip()}' is not a CMS place-of-service code.", "placeOfService"


@check("service_date_not_future")
def _service_date_not_future(draft: Draft, facts: Facts, cond) -> Iterable[Problem]:
    if draft.service_date > facts.today:
        yield "The service date is in the future.", "serviceDate"
    for i, line in enumerate(draft.lines):
        if line.service_date is not None and line.service_date > facts.today:
            yield "The line's service date is in the future.", f"lines[{i}].serviceDate"


@check("timely_filing")
def _timely_filing(draft: Draft, facts: Facts, cond) -> Iterable[Problem]:
    days = int(cond.get("days", 365))
    if facts.today - draft.service_date > timedelta(days=days):
        yield f"Claims must be filed within {days} days of the service date.", "serviceDate"
