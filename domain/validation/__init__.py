"""Claim validation: rules are data, checks are pure functions.

A rule is a row (name, category, severity, a JSON condition with its thresholds, enabled,
version); the check it names is a function of `checks` (the claim as written) or `parties`
(who it is about, who bills). `evaluate` (in `rules`) runs the enabled rules over a claim
draft and what the database knows about its parties (`Facts`), and returns every finding
with the input field it points at. Errors refuse a claim; warnings are kept on it.

Messages speak to a biller and never carry PHI: people are "the patient" or "the member",
never a name, a birth date or a member number.
"""

from __future__ import annotations

from domain.enums import Severity

# the check modules register their checks in CHECKS as they load
from domain.validation import checks as checks
from domain.validation import parties as parties
from domain.validation.codes import (
    display_diagnosis,
    is_procedure_code,
    normalise_diagnosis,
    normalise_procedure,
)
from domain.validation.model import (
    CHECKS,
    Check,
    Credential,
    Draft,
    DraftLine,
    Facts,
    Finding,
    Problem,
    Rule,
    Span,
    check,
)
from domain.validation.rules import DEFAULT_RULES, check_condition, evaluate, flags, refuses

__all__ = [
    "CHECKS",
    "DEFAULT_RULES",
    "Check",
    "Credential",
    "Draft",
    "DraftLine",
    "Facts",
    "Finding",
    "Problem",
    "Rule",
    "Severity",
    "Span",
    "check",
    "check_condition",
    "display_diagnosis",
    "evaluate",
    "flags",
    "is_procedure_code",
    "normalise_diagnosis",
    "normalise_procedure",
    "refuses",
]
