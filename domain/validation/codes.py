"""Diagnosis and procedure codes as written and as stored."""

from __future__ import annotations

import re

# CPT: five digits, or four and a category II/III letter; HCPCS Level II: a letter and four
# digits (CDT dental codes are HCPCS D-codes). Descriptors are licensed: the format is checked.
_PROCEDURE = re.compile(r"^(\d{4}[0-9FTU]|[A-V]\d{4})$")


def normalise_diagnosis(code: str) -> str:
    """The code as stored: upper case, no dot."""
    return code.strip().upper().replace(".", "")


def normalise_procedure(code: str) -> str:
    return code.strip().upper()


def is_procedure_code(code: str) -> bool:
    """CPT by format (its descriptors are licensed) or HCPCS Level II / CDT."""
    return bool(_PROCEDURE.match(normalise_procedure(code)))


def display_diagnosis(code: str) -> str:
    """The code as stored and shown: upper case, with the dot after the category (J06.9)."""
    bare = normalise_diagnosis(code)
    return f"{bare[:3]}.{bare[3:]}" if len(bare) > 3 else bare
