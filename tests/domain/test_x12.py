"""X12 837P files read into billing claims: exact parses of a generated file, envelope and
file-level problems found exactly where they are, and a file of 10,000 service lines.

The files come from tests/domain/x12_files.py; the claims' own problems are in
test_x12_claims.py, PHI and random damage in test_x12_damage.py."""

from __future__ import annotations

import io
import time
from dataclasses import replace
from datetime import date
from decimal import Decimal

from domain.billing import BillingClaim
from domain.enums import Severity
from domain.validation import Draft, DraftLine
from domain.x12 import parse_837p
from tests.domain.x12_files import (
    ADA,
    BRAM,
    CLAIMS,
    NPI,
    Dependent,
    Envelope,
    Line,
    build,
    found,
    rows,
)

# --- a clean file -----------------------------------------------------------------------------


def test_a_clean_file_reads_into_exact_claims():
    text = build(CLAIMS)
    parsed = parse_837p(text)
    assert parsed.problems == []
    assert parsed.rows == 6
    clm, sv1 = rows(text, "CLM*"), rows(text, "SV1*")
    assert parsed.claims == [
        BillingClaim(
            position=1, row=clm[0], line_rows=(sv1[0], sv1[1]), member_number="XJ90017731",
            patient_born=date(1974, 3, 2), patient_first_name="ADA", billing_npi=NPI,
            draft=Draft(
                service_date=date(2026, 1, 10), diagnosis_codes=("J069", "R051"),
                lines=(DraftLine("99213", Decimal("145.00"), 1, (), (1, 2)),
                       DraftLine("87880", Decimal("35.50"), 2, ("QW",), (1,),
                                 service_date=date(2026, 1, 11))),
                place_of_service="11", claim_type="medical")),
        BillingClaim(  # a dependent: the subscriber's member id, the patient's own birth date
            position=2, row=clm[1], line_rows=(sv1[2],), member_number="XJ90020042",
            patient_born=date(2012, 9, 9), patient_first_name="BRAMBLE", billing_npi=NPI,
            draft=Draft(date(2026, 1, 10), ("F411",),
                        (DraftLine("90834", Decimal("120.00"), 1, (), (1,)),),
                        place_of_service="02")),  # SV105 over CLM05
        BillingClaim(
            position=3, row=clm[2], line_rows=(sv1[3], sv1[4]), member_number="XJ90030005",
            patient_born=date(1965, 12, 24), patient_first_name="CLEOPATRA",
            billing_npi=NPI,
            draft=Draft(date(2026, 1, 5), ("Z0000",),
                        (DraftLine("99395", Decimal("200.00"), 1, (), (1,)),
                         DraftLine("G0444", Decimal("15.00"), 1, (), (1,))),
                        place_of_service="22")),
        BillingClaim(  # a date range: its first day
            position=4, row=clm[3], line_rows=(sv1[5],), member_number="XJ90040009",
            patient_born=date(1990, 1, 1), patient_first_name="DORA", billing_npi=NPI,
            draft=Draft(date(2026, 1, 12), ("M545",),
                        (DraftLine("97110", Decimal("60.00"), 3, (), (1,)),),
                        place_of_service="11")),
    ]  # fmt: skip


def test_the_generated_file_passes_pyx12s_full_005010x222a1_validation():
    # the map walk and element checks parse_837p leaves out for speed: the test files are
    # real-world shaped, not just shaped like what this reader expects
    import pyx12.params
    import pyx12.x12n_document

    text = build(CLAIMS, transactions=2)
    assert pyx12.x12n_document.x12n_document(pyx12.params.params(), io.StringIO(text), None,
                                             None)  # fmt: skip


def test_separators_come_from_the_isa_and_line_breaks_are_optional():
    text = build(CLAIMS)
    segments = [s.strip() for s in text.split("~") if s.strip()]
    one_line = "".join(s + "~" for s in segments)
    other = "".join(
        s.replace("*", "|").replace(":", ">") + "\n" for s in segments
    )  # element |, component >, terminator newline
    expected = parse_837p(text).claims
    assert parse_837p(one_line).claims == expected
    parsed = parse_837p(other)
    assert parsed.problems == [] and parsed.claims == expected


def test_several_transactions_number_claims_through_the_file():
    parsed = parse_837p(build([ADA, BRAM], transactions=2))
    assert parsed.problems == []
    assert [c.position for c in parsed.claims] == [1, 2, 3, 4]
    assert [c.member_number for c in parsed.claims] == ["XJ90017731", "XJ90020042"] * 2


# --- planted envelope and file problems, found exactly ----------------------------------------


def test_a_wrong_se_count_is_an_envelope_problem_and_the_claims_still_read():
    text = build(CLAIMS, Envelope(se_count=12))
    parsed = parse_837p(text)
    assert found(parsed) == [(rows(text, "SE*")[0], "SE01")]
    assert "there are" in parsed.problems[0].message
    assert len(parsed.claims) == 4


def test_a_wrong_ge_control_number():
    text = build(CLAIMS, Envelope(ge_control="18"))
    parsed = parse_837p(text)
    assert found(parsed) == [(rows(text, "GE*")[0], "GE02")]
    assert len(parsed.claims) == 4


def test_a_wrong_se_control_number_and_iea_control_number():
    text = build([ADA]).replace("*0001~\nGE", "*0002~\nGE")
    text = text.replace("IEA*1*000000905", "IEA*1*000000906")
    parsed = parse_837p(text)
    assert found(parsed) == [(rows(text, "SE*")[0], "SE02"), (rows(text, "IEA*")[0], "IEA02")]


def test_a_file_cut_off_without_iea():
    text = build(CLAIMS)
    cut = text[: text.index("IEA*")]
    parsed = parse_837p(cut)
    assert found(parsed) == [(None, "IEA")]
    assert parsed.problems[0].message == ("The file ends without an interchange trailer (IEA): "
                                          "it may have been cut off.")  # fmt: skip
    assert len(parsed.claims) == 4


def test_a_file_cut_off_in_the_middle_of_a_claim():
    text = build(CLAIMS)
    cut = text[: text.index("SV1*HC:G0444") + 10]  # in the middle of CLEO's second line
    parsed = parse_837p(cut)
    clm = rows(text, "CLM*")
    fragment = rows(text, "SV1*HC:G0444")[0]
    assert found(parsed) == [(clm[2], "SE"), (fragment, "segment"), (None, "SE"), (None, "GE"),
                             (None, "IEA")]  # fmt: skip
    assert [c.position for c in parsed.claims] == [1, 2]  # the cut claim is not guessed at


def test_not_x12_binary_and_empty():
    assert [(p.row, p.field, p.message) for p in parse_837p("").problems] == [
        (None, "file", "The file is empty.")]  # fmt: skip
    assert found(parse_837p("  \r\n\t ")) == [(None, "file")]
    assert found(parse_837p("member_number,service_date\nXJ1,2026-01-01\n")) == [(None, "ISA")]
    assert found(parse_837p("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + "\x00" * 50)) == [
        (None, "file")]  # fmt: skip
    assert found(parse_837p("\x00\x01\x02" * 100)) == [(None, "file")]
    for parsed in (parse_837p(""), parse_837p("hello")):
        assert parsed.claims == [] and parsed.rows == 0


def test_a_malformed_isa():
    text = build([ADA])
    unpadded = text.replace("SUBMITTER01    ", "SUBMITTER01", 1)
    assert found(parse_837p(unpadded)) == [(1, "ISA")]
    assert found(parse_837p(text[:80])) == [(1, "ISA")]
    same = text.replace("*P*:~", "*P*~~", 1)  # component separator = segment terminator
    assert found(parse_837p(same)) == [(1, "ISA16")]
    old = text.replace("*00501*", "*00401*", 1)
    assert found(parse_837p(old)) == [(1, "ISA12")]


def test_another_transaction_or_version_is_reported_once_and_not_read():
    wrong = build([ADA, BRAM], Envelope(version="005010X223A2"))
    parsed = parse_837p(wrong)
    assert found(parsed) == [(2, "GS08")] and parsed.claims == []
    assert "005010X223A2" in parsed.problems[0].message
    remit = build([ADA]).replace("ST*837*", "ST*835*")
    assert found(parse_837p(remit)) == [(3, "ST01")]
    st03 = build([ADA]).replace("ST*837*0001*005010X222A1", "ST*837*0001*005010X222")
    assert found(parse_837p(st03)) == [(3, "ST03")]


def test_x12sdk_generated_files_are_the_a2_version():
    from x12sdk import generate  # a dev dependency: the generator other tools use

    text = generate.generate_837p(seed=3, claims=4)
    parsed = parse_837p(text)
    assert found(parsed) == [(2, "GS08")] and parsed.claims == []


def test_numbering_of_hl_and_lx_is_checked_by_pyx12():
    text = build([ADA])
    parsed = parse_837p(text.replace("LX*2~", "LX*3~"))
    assert found(parsed) == [(rows(text, "LX*2")[0], "LX01")]
    parsed = parse_837p(text.replace("HL*2*1*22*0", "HL*5*1*22*0"))
    assert found(parsed) == [(rows(text, "HL*2")[0], "HL01")]


def test_an_empty_segment_is_a_warning_and_the_file_still_reads():
    text = build(CLAIMS).replace("BHT*", "~\nBHT*", 1)
    parsed = parse_837p(text)
    assert [(p.row, p.field, p.severity) for p in parsed.problems] == [
        (3, "segment", Severity.WARNING)]  # fmt: skip
    assert len(parsed.claims) == 4


def test_a_lone_trailer_and_segments_outside_a_transaction():
    text = build([ADA]) + "IEA*1*000000905~\n"
    parsed = parse_837p(text)
    last = len(rows(text, ""))
    assert found(parsed) == [(last, "segment")]
    assert len(parsed.claims) == 1
    text = build([ADA]).replace("GE*", "NTE*ADD*STRAY~\nGE*", 1)
    assert found(parse_837p(text)) == [(rows(text, "NTE*")[0], "NTE")]


# --- size -------------------------------------------------------------------------------------


def test_a_file_of_10000_service_lines_reads_every_line():
    lines = tuple(Line(code, "50.00") for code in ("99213", "87880", "85025", "80053"))
    claims = [replace(ADA, pcn=f"PCN{i:06d}", member=f"XJ{i:08d}",
                      dependent=Dependent("BRAMBLE", "Q", "20120909") if i % 3 == 0 else None,
                      lines=lines if i % 2 else lines[:1])
              for i in range(4000)]  # fmt: skip
    text = build(claims)
    started = time.perf_counter()
    parsed = parse_837p(text)
    elapsed = time.perf_counter() - started
    print(f"\n837P: {parsed.rows} service lines, {len(rows(text, ''))} segments, "
          f"{len(text) / 1e6:.1f} MB parsed in {elapsed:.2f} s")  # fmt: skip
    assert parsed.problems == []
    assert parsed.rows == 10_000
    assert sum(len(c.draft.lines) for c in parsed.claims) == 10_000
    assert len(parsed.claims) == 4000
