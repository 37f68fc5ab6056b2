"""docs/ACCESS.md and tests/policies/matrix.py say the same thing (no database needed).

The matrix is the contract as data, persona by persona; the page is the contract for
people, role by role. Checked here: the roles (the enum, the page's principals, its reads
table, the matrix's personas), every list's row scope (a role that sees no row of a list
is "—" or "none" on the page and "none" in the matrix, and the reverse), and the fields
the page names (SSN masked, medical fields, de-identification, tax ids, adult consent).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from db.seed_demo import PERSONAS
from domain.enums import Role
from tests.policies import matrix

ACCESS = Path(__file__).resolve().parents[2] / "docs" / "ACCESS.md"
ROLE_OF = {email: role for email, role, _ in PERSONAS}

# The reads table's rows, by the matrix's lists (payments have no row on the page).
READS_ROW = {
    "members": "own member record",
    "dependents": "dependents",
    "policies": "policies",
    "claims": "claims",
    "appeals": "appeals",
    "providers": "providers",
    "credentials": "credentials, contracts",
    "contracts": "credentials, contracts",
    "employers": "employers",
}
# Cells that grant no row of a list (a provider checks eligibility without seeing policies).
NO_ROWS = re.compile(r"^(—|none\b|eligibility answer only$)")


def _table(heading: str) -> list[list[str]]:
    """The first table under a heading, header row first, cells stripped."""
    text = ACCESS.read_text()
    start = text.index(f"\n{heading}\n")
    rows = []
    for line in text[start:].splitlines()[2:]:
        if not line.startswith("|"):
            if rows:
                break
            continue
        if not re.fullmatch(r"\|(\s*-+\s*\|)+", line):
            rows.append([c.strip() for c in line.strip().strip("|").split("|")])
    return rows


def _reads() -> dict[tuple[str, str], str]:
    """(data, role) -> cell of the reads table."""
    header, *rows = _table("## Reads")
    return {
        (row[0], role): cell for row in rows for role, cell in zip(header[1:], row[1:], strict=True)
    }


def _cell(persona: str, data: str) -> str:
    return _reads()[(data, ROLE_OF[persona])]


def test_every_role_is_documented():
    principals = {row[0].strip("`") for row in _table("## Principals")[1:]}
    columns = set(_table("## Reads")[0][1:])
    roles = {r.value for r in Role}
    assert principals == roles, "the Principals table and domain.enums.Role differ"
    assert columns == roles, "the Reads table's columns and domain.enums.Role differ"


def test_every_persona_of_the_matrix_has_a_documented_role():
    personas = set(matrix.ROWS) | set(matrix.MEMBER_FIELDS) | set(matrix.PROVIDER_TAX_ID)
    unknown = sorted(p for p in personas if p not in ROLE_OF)
    assert not unknown, f"personas the demo data does not have: {unknown}"
    columns = set(_table("## Reads")[0][1:])
    assert {ROLE_OF[p] for p in personas} <= columns


def test_every_list_of_the_matrix_is_on_the_page():
    data = {row[0] for row in _table("## Reads")[1:]}
    assert set(matrix.LISTS) - {"payments"} == set(READS_ROW)
    assert set(READS_ROW.values()) <= data


@pytest.mark.parametrize("persona", sorted(matrix.ROWS))
def test_who_sees_no_row_agrees(persona):
    disagree = []
    for lst, row in READS_ROW.items():
        cell = _cell(persona, row)
        says_none = matrix.ROWS[persona][lst] == "none"
        if bool(NO_ROWS.match(cell)) != says_none:
            disagree.append(f"{lst}: matrix {matrix.ROWS[persona][lst]!r}, page {cell!r}")
    assert not disagree, f"{persona} ({ROLE_OF[persona]}): " + "; ".join(disagree)


@pytest.mark.parametrize("persona", sorted(matrix.MEMBER_FIELDS))
def test_member_fields_agree(persona):
    fields, cell = matrix.MEMBER_FIELDS[persona], _cell(persona, "own member record")
    assert ("SSN masked" in cell) == (fields.get("ssn") == "masked"), cell
    assert ("de-identified" in cell) == ("removed" in fields.values()), cell
    if cell.startswith("all"):  # every field of the record, medical ones unless excluded
        medical = "hidden" if "but medical fields" in cell else "value"
        assert fields["allergies"] == medical, cell
        assert fields["firstName"] == fields["dateOfBirth"] == "value", cell


@pytest.mark.parametrize("persona", sorted(matrix.PROVIDER_TAX_ID))
def test_provider_tax_ids_agree(persona):
    """Tax ids are restricted: masked for whoever reads all of a provider, else hidden."""
    cell = _cell(persona, "providers")
    public_only = cell in ("public", "public fields")
    hidden = public_only or re.search(r"but tax id(?! whole)", cell) is not None
    assert matrix.PROVIDER_TAX_ID[persona] == ("hidden" if hidden else "masked"), cell


def test_adult_dependents_consent_agrees():
    cell = _cell("member@example.com", "dependents")
    assert "adults demographics only unless they consented" in cell
    without = matrix.ADULT_DEPENDENT_FIELDS_WITHOUT_CONSENT
    with_consent = matrix.ADULT_DEPENDENT_FIELDS_WITH_CONSENT
    assert without["firstName"] == without["dateOfBirth"] == "value"
    assert {without["phone"], without["allergies"]} == {"hidden"}
    assert "hidden" not in with_consent.values()


@pytest.mark.parametrize("persona", sorted(matrix.ACTORS))
def test_who_acted_agrees(persona):
    """Plan staff behind a claim (processedBy) by name only where the page says all; the
    claim's own provider staff (submittedBy) also to that organisation's staff."""
    cell = _cell(persona, "who acted on a claim or appeal")
    everyone = cell.startswith("all")
    staff = "value" if everyone else "hidden"
    own_staff = "value" if everyone or "own organisation's staff all" in cell else "hidden"
    assert not everyone or "role only" not in cell.split(";")[0], cell
    assert (staff == "hidden") == (cell.startswith("role only") or "others role only" in cell)
    assert matrix.ACTORS[persona] == {"submittedBy": own_staff, "processedBy": staff}, cell
