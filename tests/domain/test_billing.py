"""Billing CSV files read into claims, and the engine over them: exact parses of a small
file, the rows findings point at, and random rows that never crash anything."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.billing import CSV_COLUMNS, decode, evaluate_claims, file_field, parse_csv
from domain.eligibility import Family, Lookups, Person, PolicyTerm, ProviderInfo
from domain.validation import DEFAULT_RULES, Credential, Span

HEADER = ",".join(CSV_COLUMNS)
TODAY = date(2026, 11, 22)


def _file(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def test_rows_group_into_claims_in_file_order():
    parsed = parse_csv(_file(
        "A,MBR-1,1980-02-03,,1234567893,2026-11-01,11,J06.9|R05.1,99213,,1,145.00,1|2",
        "B,MBR-2,1990-01-01,Ana,1234567893,2026-11-02,11,Z00.00,99395,,1,200.00,1",
        "A,MBR-1,1980-02-03,,1234567893,2026-11-01,11,J06.9|R05.1,87880,QW,2,35.50,1",
    ))  # fmt: skip
    assert parsed.problems == [] and parsed.rows == 3
    a, b = parsed.claims
    assert (a.position, a.row, a.line_rows, a.member_number) == (1, 2, (2, 4), "MBR-1")
    assert a.draft.diagnosis_codes == ("J06.9", "R05.1")
    assert a.draft.billed == Decimal("180.50")  # 145.00 + 35.50: a line charge covers its units
    assert a.draft.lines[1].modifiers == ("QW",) and a.draft.lines[1].units == 2
    assert (b.position, b.row, b.patient_first_name) == (2, 3, "Ana")


def test_file_problems_name_the_row_and_column_without_content():
    parsed = parse_csv(_file(
        "A,MBR-1,03/02/1980,,1234567893,2026-11-01,11,J06.9,99213,,1,145.00,1",
        "B,MBR-2,1990-01-01,,1234567893,2026-11-01,11,J06.9,99213,,one,1e,1",
        "C,too,few,columns",
    ))  # fmt: skip
    assert [(p.row, p.field) for p in parsed.problems] == [
        (4, "row"),
        (2, "patient_date_of_birth"),
        (3, "charge_amount"),
        (3, "units"),
    ]
    assert parsed.claims == []
    assert all("MBR-" not in p.message and "1980" not in p.message for p in parsed.problems)


def test_an_empty_file_and_a_wrong_header():
    assert [p.message for p in parse_csv("").problems] == ["The file is empty."]
    [problem] = parse_csv("name,dob\nMaria,1980-01-01\n").problems
    assert problem.row == 1 and problem.field == "header"
    assert "member_number" in problem.message and "Maria" not in problem.message


def test_binary_content_is_not_text():
    assert decode(b"\x00\x01\x02PK\x03\x04") is None
    assert decode("claim_id\n".encode("utf-8-sig")) == "claim_id\n"


def test_findings_point_at_the_line_row_with_file_column_names():
    lookups = Lookups(
        families={"MBR-1": Family(Person("m1", "Maria", date(1980, 2, 3), "active",
                                         date(2020, 1, 1), None))},
        policies={"m1": [PolicyTerm("p1", "active", date(2026, 1, 1), None)]},
        providers={"pr": ProviderInfo("pr", None, "1234567893", "active")},
        credentials={"pr": [Credential("verified", None, None)]},
        contracts={"pr": [Span("active", date(2026, 1, 1))]},
        diagnoses={"J069": True},
    )  # fmt: skip
    parsed = parse_csv(_file(
        "A,MBR-1,1980-02-03,,1234567893,2026-11-01,11,J06.9,99213,,1,145.00,1",
        "A,MBR-1,1980-02-03,,1234567893,2026-11-01,11,J06.9,ABCDE,,1,35.00,1",
    ))  # fmt: skip
    located = evaluate_claims(parsed.claims, DEFAULT_RULES, lookups, today=TODAY,
                              provider_for=lambda npi: "pr")  # fmt: skip
    assert [(x.row, x.claim, x.finding.rule, x.finding.field) for x in located] == [
        (3, 1, "procedure_code_valid", "procedure_code")
    ]
    assert file_field("diagnosisCodes[2]") == "diagnosis_codes"
    assert file_field(None) is None


cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
row = st.lists(cell, min_size=0, max_size=len(CSV_COLUMNS) + 2)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(row, max_size=20), keep_header=st.booleans())
def test_random_rows_never_crash_the_reader_or_the_engine(rows, keep_header):
    out = io.StringIO()
    writer = csv.writer(out)
    if keep_header:
        writer.writerow(CSV_COLUMNS)
    writer.writerows(rows)
    parsed = parse_csv(out.getvalue())
    located = evaluate_claims(parsed.claims, DEFAULT_RULES, Lookups(), today=TODAY,
                              provider_for=lambda npi: None)  # fmt: skip
    for x in located:
        assert x.row is None or x.row >= 2
    for problem in parsed.problems:
        assert problem.message


@settings(max_examples=200, deadline=None)
@given(blob=st.binary(max_size=300))
def test_random_bytes_are_text_or_refused(blob):
    text = decode(blob)
    if text is not None:
        parse_csv(text)  # never raises


def test_rows_that_are_not_csv_become_a_problem_not_a_crash():
    # hypothesis found this one: a lone carriage return followed by a control character
    assert parse_csv("\r\x01").problems[0].message == "The file is empty."
    huge = _file("A,MBR-1,1980-02-03,," + "x" * 200_000 + ",2026-11-01,11,J06.9,99213,,1,1.00,1")
    [problem] = parse_csv(huge).problems
    assert problem.row == 2 and problem.field == "row" and "not valid CSV" in problem.message


def test_amounts_out_of_range_and_nul_bytes_are_problems_of_their_rows():
    # numeric(12,2) holds at most 9999999999.99; 1E+30 once crashed the rules (quantize)
    parsed = parse_csv(_file(
        "A,MBR-1,1980-02-03,,1234567893,2026-11-01,11,J06.9,99213,,1,1E+30,1",
        "B,MBR-1,1980-02-03,,1234567893,2026-11-01,11,J06.9,99213,,1,1e400,1",
        "C,MBR-1,1980-02-03,,1234567893,2026-11-01,11,J06.9,99213,,1,99999999999.99,1",
        "D,MBR-1,1980-02-03,,1234567893,2026-11-01,11,J06.9,992\x0013,,1,10.00,1",
        "E,MBR-1,1980-02-03,,1234567893,2026-11-01,11,J06.9,99213,,1,9999999999.99,1",
        "E,MBR-1,1980-02-03,,1234567893,2026-11-01,11,J06.9,87880,,1,9999999999.99,1",
    ))  # fmt: skip
    assert [(p.row, p.field) for p in parsed.problems] == [
        (5, "procedure_code"), (2, "charge_amount"), (3, "charge_amount"), (4, "charge_amount"),
    ]  # fmt: skip
    [claim] = parsed.claims  # E: each line fits, together they do not
    located = evaluate_claims(parsed.claims, DEFAULT_RULES, Lookups(), today=TODAY,
                              provider_for=lambda npi: None)  # fmt: skip
    assert (7, "charge_amount") in {(x.row, x.finding.field) for x in located}
    # a NUL in a text file is the row's problem; NULs among control bytes are a binary file
    assert decode(b"claim_id\n" + b"x" * 200 + b"\x00\n") is not None
    assert decode(b"\x00\x01\x02PK\x03\x04") is None
