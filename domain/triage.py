"""Triage: a claim's queue priority, with a confidence and the reasons for it.

If the rule fails for any reason the claim still goes in, as normal priority
(DOMAIN.md; the source system's fallback)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from domain.enums import Priority

EMERGENCY_PLACES = {"23"}  # CMS place of service 23: emergency room, hospital
EMERGENCY_VISITS = {"99281", "99282", "99283", "99284", "99285"}
# preventive medicine visits, annual wellness, dental check-ups and cleanings, routine eye exams
PREVENTIVE_VISITS = {str(code) for code in range(99381, 99398)} | {
    "G0438",
    "G0439",
    "D0120",
    "D0150",
    "D1110",
    "D1120",
    "D0274",
    "92004",
    "92014",
}
ROUTINE_COMPANIONS = {"36415", "80053", "85025"}  # a blood draw and panels with a check-up
HIGH_BILLED = Decimal("2500.00")  # above this a claim wants a closer, earlier look

# Sensitive care (ACCESS.md): mental health and substance use (ICD-10-CM chapter F),
# reproductive health (pregnancy with abortive outcome O00-O08, contraception Z30).
_SENSITIVE_PREFIXES = ("F", "O0", "Z30")


@dataclass(frozen=True, slots=True)
class Triage:
    priority: Priority
    confidence: Decimal
    reasons: tuple[str, ...]


def triage(
    *,
    place_of_service: str | None,
    procedure_codes: Sequence[str],
    diagnosis_codes: Sequence[str],
    billed: Decimal,
) -> Triage:
    try:
        return _rule(place_of_service, procedure_codes, diagnosis_codes, billed)
    except Exception:  # noqa: BLE001 - triage must never keep a claim out
        return Triage(Priority.NORMAL, Decimal("0.000"), ("triage failed; normal by default",))


def _rule(place, procedures, diagnoses, billed: Decimal) -> Triage:
    codes = {c.strip().upper() for c in procedures}
    if place in EMERGENCY_PLACES or codes & EMERGENCY_VISITS:
        why = []
        if place in EMERGENCY_PLACES:
            why.append("emergency room place of service")
        if codes & EMERGENCY_VISITS:
            why.append("emergency visit code")
        return Triage(Priority.URGENT, Decimal("0.950"), tuple(why))
    if billed >= HIGH_BILLED:
        return Triage(Priority.HIGH, Decimal("0.800"), (f"billed {billed} ≥ {HIGH_BILLED}",))
    if codes and codes <= PREVENTIVE_VISITS | ROUTINE_COMPANIONS and codes & PREVENTIVE_VISITS:
        return Triage(Priority.LOW, Decimal("0.850"), ("preventive care",))
    if any(d.upper().startswith("Z00") for d in diagnoses) and not codes - PREVENTIVE_VISITS:
        return Triage(Priority.LOW, Decimal("0.700"), ("routine examination",))
    return Triage(Priority.NORMAL, Decimal("0.600"), ("no urgency signal",))


def is_sensitive(diagnosis_codes: Sequence[str]) -> bool:
    """Whether any diagnosis puts the claim under the sensitive-claims rule."""
    return any(code.strip().upper().startswith(_SENSITIVE_PREFIXES) for code in diagnosis_codes)


def is_preventive(procedure_codes: Sequence[str]) -> bool:
    """Preventive care only (with its routine companions): no cost sharing in network."""
    codes = {c.strip().upper() for c in procedure_codes}
    return bool(codes & PREVENTIVE_VISITS) and codes <= PREVENTIVE_VISITS | ROUTINE_COMPANIONS
