"""X12 837P files read into billing claims: exact parses of a generated file, planted errors
found exactly where they are, no PHI in any message, and random damage that never crashes
the reader.

The files are built here (`build`): real-world shaped 005010X222A1 interchanges with correct
counts and control numbers. x12sdk's generator writes 005010X222A2 files with ICD-9 style
HI qualifiers, so it serves only as the "wrong version" case."""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.billing import BillingClaim, Parsed
from domain.enums import Severity
from domain.validation import Draft, DraftLine
from domain.x12 import parse_837p

NPI = "1234567893"  # the CMS worked example


@dataclass(frozen=True)
class Line:
    code: str = "99213"
    charge: str = "100.00"
    units: str = "1"
    pointers: str = "1"
    on: str | None = "20260110"  # the 2400 DTP*472 (None: no line date)
    modifiers: tuple[str, ...] = ()
    place: str = ""  # SV105
    date_format: str = "D8"
    basis: str = "UN"


@dataclass(frozen=True)
class Dependent:
    first: str
    last: str
    born: str


@dataclass(frozen=True)
class Claim:
    pcn: str  # CLM01, the patient control number
    member: str
    first: str
    last: str
    born: str
    lines: tuple[Line, ...] = (Line(),)
    diagnoses: tuple[str, ...] = ("J069",)
    dependent: Dependent | None = None
    on: str | None = None  # a 2300 DTP*472
    place: str = "11"
    total: str | None = None  # CLM02; default: the lines' sum


@dataclass
class Envelope:
    isa_control: str = "000000905"
    gs_control: str = "17"
    st_control: str = "0001"
    version: str = "005010X222A1"
    npi: str = NPI
    se_count: int | None = None  # None: the right count
    ge_control: str | None = None
    extra: dict[str, list[str]] = field(default_factory=dict)


def isa(control: str = "000000905") -> str:
    fields = ["ISA", "00", " " * 10, "00", " " * 10, "ZZ", "SUBMITTER01".ljust(15), "ZZ",
              "CLAIMGRAPH".ljust(15), "260115", "1200", "^", "00501", control, "0", "P", ":"]  # fmt: skip
    return "*".join(fields)


def transaction(claims: list[Claim], env: Envelope) -> list[str]:
    out = [f"ST*837*{env.st_control}*{env.version}",
           "BHT*0019*00*BATCH0042*20260115*1200*CH",
           "NM1*41*2*NORTHSIDE BILLING*****46*SUB001",
           "PER*IC*BILLING OFFICE*TE*2175550100",
           "NM1*40*2*CLAIMGRAPH HEALTH PLAN*****46*CGHP1",
           "HL*1**20*1",
           "PRV*BI*PXC*207Q00000X",
           f"NM1*85*2*NORTHSIDE FAMILY CLINIC*****XX*{env.npi}",
           "N3*100 MAIN ST",
           "N4*SPRINGFIELD*IL*627011234",
           "REF*EI*371234567"]  # fmt: skip
    hl = 1
    for claim in claims:
        hl += 1
        subscriber = hl
        dependent = claim.dependent
        out += [f"HL*{subscriber}*1*22*{1 if dependent else 0}",
                "SBR*P**GRP0042******CI" if dependent else "SBR*P*18*GRP0042******CI",
                f"NM1*IL*1*{claim.last}*{claim.first}****MI*{claim.member}",
                "N3*12 ELM ST", "N4*SPRINGFIELD*IL*62704",
                f"DMG*D8*{claim.born}*F",
                "NM1*PR*2*CLAIMGRAPH HEALTH PLAN*****PI*CGHP1"]  # fmt: skip
        if dependent:
            hl += 1
            out += [f"HL*{hl}*{subscriber}*23*0", "PAT*19",
                    f"NM1*QC*1*{dependent.last}*{dependent.first}",
                    "N3*12 ELM ST", "N4*SPRINGFIELD*IL*62704",
                    f"DMG*D8*{dependent.born}*M"]  # fmt: skip
        total = claim.total or str(sum(Decimal(line.charge) for line in claim.lines))
        out.append(f"CLM*{claim.pcn}*{total}***{claim.place}:B:1*Y*A*Y*Y")
        if claim.on:
            out.append(f"DTP*472*D8*{claim.on}")
        out.append("HI*" + "*".join(("ABK:" if i == 0 else "ABF:") + code
                                    for i, code in enumerate(claim.diagnoses)))  # fmt: skip
        for number, line in enumerate(claim.lines, start=1):
            procedure = ":".join(("HC", line.code, *line.modifiers))
            out += [f"LX*{number}",
                    f"SV1*{procedure}*{line.charge}*{line.basis}*{line.units}*{line.place}**"
                    f"{line.pointers}"]  # fmt: skip
            if line.on:
                out.append(f"DTP*472*{line.date_format}*{line.on}")
    out.append(f"SE*{env.se_count or len(out) + 1}*{env.st_control}")
    return out


def build(claims: list[Claim], env: Envelope | None = None, *, transactions: int = 1) -> str:
    """An interchange of one group of `transactions` transactions (the claims in each)."""
    env = env or Envelope()
    segments = [isa(env.isa_control), f"GS*HC*SUBMITTER01*CLAIMGRAPH*20260115*1200*"
                f"{env.gs_control}*X*{env.version}"]  # fmt: skip
    for index in range(transactions):
        control = env.st_control if index == 0 else f"{int(env.st_control) + index:04d}"
        segments += transaction(claims, replace(env, st_control=control))
    segments += [f"GE*{transactions}*{env.ge_control or env.gs_control}",
                 f"IEA*1*{env.isa_control}"]  # fmt: skip
    return "".join(segment + "~\n" for segment in segments)


def rows(text: str, prefix: str) -> list[int]:
    """The 1-based segment numbers (ISA = 1) of the segments starting with `prefix`."""
    segments = [s.strip() for s in text.split("~") if s.strip()]
    return [n for n, s in enumerate(segments, start=1) if s.startswith(prefix)]


def found(parsed: Parsed) -> list[tuple[int | None, str | None]]:
    return [(p.row, p.field) for p in parsed.problems]


# --- a clean file -----------------------------------------------------------------------------

ADA = Claim("PCN-ADA-7731", "XJ90017731", "ADA", "QUILLFEATHER", "19740302",
            lines=(Line("99213", "145.00", pointers="1:2"),
                   Line("87880", "35.50", units="2", modifiers=("QW",), on="20260111")),
            diagnoses=("J069", "R051"))  # fmt: skip
BRAM = Claim("PCN-BRAM-0042", "XJ90020042", "BARNABY", "WINTERBOTTOM", "19800615",
             lines=(Line("90834", "120.00", place="02"),),
             diagnoses=("F411",),
             dependent=Dependent("BRAMBLE", "WINTERBOTTOM", "20120909"))  # fmt: skip
CLEO = Claim("PCN-CLEO-5", "XJ90030005", "CLEOPATRA", "FINCHWORTH", "19651224",
             lines=(Line("99395", "200.00", on="20260105"),
                    Line("G0444", "15.00", units="1.0", on="20260105")),
             diagnoses=("Z0000",), place="22")  # fmt: skip
DORA = Claim("PCN-DORA-9", "XJ90040009", "DORA", "MULLIGRUBS", "19900101",
             lines=(Line("97110", "60.00", units="3", date_format="RD8",
                         on="20260112-20260114"),),
             diagnoses=("M545",))  # fmt: skip
CLAIMS = [ADA, BRAM, CLEO, DORA]
PHI = [value for c in CLAIMS for value in (c.pcn, c.member, c.first, c.last, c.born)] + [
    "BRAMBLE", "20120909"]  # fmt: skip


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


# --- planted errors, found exactly ----------------------------------------------------------


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


def test_a_date_that_is_not_a_date_leaves_its_claim_out():
    bad = replace(BRAM, lines=(replace(BRAM.lines[0], on="2026011X"),))
    text = build([ADA, bad, CLEO])
    parsed = parse_837p(text)
    dtp = rows(text, "DTP*472*D8*2026011X")[0]
    assert found(parsed) == [(dtp, "DTP03")]
    assert parsed.problems[0].message.startswith(f"Claim 2 (segment {rows(text, 'CLM*')[1]}) "
                                                 "was not read:")  # fmt: skip
    assert [c.position for c in parsed.claims] == [1, 3]
    assert parsed.rows == 5


def test_an_impossible_date_and_a_bad_range():
    text = build([replace(ADA, on="20260230"),
                  replace(DORA, lines=(replace(DORA.lines[0], on="20260114-20260112"),))])  # fmt: skip
    parsed = parse_837p(text)
    assert found(parsed) == [(rows(text, "DTP*472*D8*20260230")[0], "DTP03"),
                             (rows(text, "DTP*472*RD8")[0], "DTP03")]  # fmt: skip
    assert parsed.claims == []


def test_a_charge_that_is_not_an_amount():
    bad = replace(CLEO, total="215.00", lines=(CLEO.lines[0], replace(CLEO.lines[1],
                                                                       charge="15,OO")))  # fmt: skip
    text = build([ADA, bad])
    parsed = parse_837p(text)
    assert found(parsed) == [(rows(text, "SV1*HC:G0444")[0], "SV102")]
    assert "not an amount like 125.00" in parsed.problems[0].message
    assert [c.position for c in parsed.claims] == [1]


@pytest.mark.parametrize("charge", ["NaN", "1e3", "Infinity", "+5", "", "12.3.4"])
def test_amounts_are_x12_decimals_only(charge):
    text = build([replace(DORA, total="60.00", lines=(replace(DORA.lines[0], charge=charge),))])
    assert found(parse_837p(text)) == [(rows(text, "SV1*")[0], "SV102")]


def test_units_must_be_whole_and_pointers_numbers():
    text = build([replace(DORA, lines=(replace(DORA.lines[0], units="1.5"),)),
                  replace(ADA, lines=(replace(ADA.lines[0], pointers="1:A"),
                                      ADA.lines[1]))])  # fmt: skip
    sv1 = rows(text, "SV1*")
    assert found(parse_837p(text)) == [(sv1[0], "SV104"), (sv1[1], "SV107")]


def test_a_total_that_is_not_the_sum_of_the_lines():
    text = build([replace(ADA, total="999.00"), BRAM])
    parsed = parse_837p(text)
    assert found(parsed) == [(rows(text, "CLM*")[0], "CLM02")]
    assert [c.position for c in parsed.claims] == [2]


def test_a_birth_date_that_is_not_a_date():
    bad = replace(BRAM, dependent=Dependent("BRAMBLE", "WINTERBOTTOM", "2012-09-09"))
    text = build([bad, ADA])
    parsed = parse_837p(text)
    assert found(parsed) == [(rows(text, "DMG*D8*2012-09-09")[0], "DMG02")]
    assert "2012" not in parsed.problems[0].message
    assert [c.position for c in parsed.claims] == [2]


def test_a_claim_dated_on_the_2300_loop_only():
    # not in the 5010 guide, but older systems send it: the date of every undated line
    text = build([replace(CLEO, on="20260104", lines=(replace(CLEO.lines[0], on=None),
                                                      CLEO.lines[1]))])  # fmt: skip
    [claim] = parse_837p(text).claims
    assert claim.draft.service_date == date(2026, 1, 4)
    assert [line.service_date for line in claim.draft.lines] == [None, date(2026, 1, 5)]


def test_a_claim_without_a_service_date_or_lines():
    undated = replace(CLEO, lines=(CLEO.lines[0], replace(CLEO.lines[1], on=None)))
    text = build([undated, replace(ADA, lines=(), total="180.50")])
    parsed = parse_837p(text)
    assert found(parsed) == [(rows(text, "SV1*")[1], "DTP03"), (rows(text, "CLM*")[1], "SV1")]
    assert parsed.claims == [] and parsed.rows == 2
    text = build([replace(DORA, lines=(replace(DORA.lines[0], date_format="DT"),))])
    assert found(parse_837p(text)) == [(rows(text, "DTP*472")[0], "DTP02")]


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


def test_the_hierarchy_must_nest():
    text = build([ADA, BRAM])
    hl = rows(text, "HL*")  # 1 (20), 2 (22), 3 (22), 4 (23)
    orphan = text.replace("HL*4*3*23*0", "HL*4*1*23*0")  # a patient under the provider
    parsed = parse_837p(orphan)
    assert found(parsed) == [(hl[3], "HL02")]
    assert [c.position for c in parsed.claims] == [1, 2]  # read; the level is reported
    unknown = text.replace("HL*2*1*22*0", "HL*2*1*21*0")
    parsed = parse_837p(unknown)
    assert found(parsed) == [(hl[1], "HL03"), (rows(text, "CLM*")[0], "HL")]
    assert [c.position for c in parsed.claims] == [2]


def test_numbering_of_hl_and_lx_is_checked_by_pyx12():
    text = build([ADA])
    parsed = parse_837p(text.replace("LX*2~", "LX*3~"))
    assert found(parsed) == [(rows(text, "LX*2")[0], "LX01")]
    parsed = parse_837p(text.replace("HL*2*1*22*0", "HL*5*1*22*0"))
    assert found(parsed) == [(rows(text, "HL*2")[0], "HL01")]


def test_a_missing_npi_or_member_id_leaves_the_claim_out():
    text = build([ADA, BRAM], Envelope(npi=""))
    parsed = parse_837p(text)
    provider, trailing = rows(text, "HL*1*")[0], rows(text, "NM1*85")[0]
    assert found(parsed) == [(provider, "NM109"), (provider, "NM109"), (trailing, "segment")]
    assert parsed.problems[-1].severity == Severity.WARNING  # "XX*~": a trailing separator
    assert parsed.claims == []
    text = build([replace(ADA, member=""), BRAM])
    parsed = parse_837p(text)
    assert found(parsed) == [(rows(text, "HL*2")[0], "NM109"),
                             (rows(text, "NM1*IL")[0], "segment")]  # fmt: skip
    assert [c.position for c in parsed.claims] == [2]


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


def test_many_planted_errors_in_one_file_are_each_found():
    claims = [
        ADA,
        replace(BRAM, lines=(replace(BRAM.lines[0], charge="12O.00"),), total="120.00"),
        replace(CLEO, lines=(CLEO.lines[0], replace(CLEO.lines[1], on="20261301"))),
        DORA,
        replace(ADA, pcn="PCN-ADA-2", lines=(replace(ADA.lines[0], units="x"), ADA.lines[1])),
    ]
    text = build(claims, Envelope(se_count=3, ge_control="99"))
    parsed = parse_837p(text)
    sv1, clm = rows(text, "SV1*"), rows(text, "CLM*")
    assert found(parsed) == [
        (sv1[2], "SV102"),
        (rows(text, "DTP*472*D8*20261301")[0], "DTP03"),
        (sv1[6], "SV104"),
        (rows(text, "SE*")[0], "SE01"),
        (rows(text, "GE*")[0], "GE02"),
    ]
    assert [p.message.split(" was not read")[0] for p in parsed.problems[:3]] == [
        f"Claim 2 (segment {clm[1]})", f"Claim 3 (segment {clm[2]})",
        f"Claim 5 (segment {clm[4]})"]  # fmt: skip
    assert [c.position for c in parsed.claims] == [1, 4]


# --- PHI --------------------------------------------------------------------------------------


def _damaged_files() -> list[str]:
    text = build(CLAIMS)
    return [
        text,
        build(CLAIMS, Envelope(se_count=5, ge_control="3", npi="")),
        text.replace("DMG*D8*19740302", "DMG*D8*1974030X").replace("MI*XJ90020042", "MI*"),
        text.replace("*145.00*", "*XJ90017731*").replace(
            "DTP*472*D8*20260110", "DTP*472*D8*19740302X"
        ),  # fmt: skip
        text.replace("CLM*PCN-ADA-7731*180.50", "CLM*PCN-ADA-7731*PCN-ADA-7731"),
        text.replace("HL*4*3*23*0", "HL*4*3*QUILLFEATHER*0"),
        text.replace("ST*837*0001*005010X222A1", "ST*XJ90017731*0001*ADA"),
        text.replace("GS*HC", "GS*19740302"),
        text[: text.index("NM1*QC") + 12],
        text.replace("NM1*PR", "ADA*PR", 1).replace("SV1*HC:90834", "QUILLFEATHER*HC:90834"),
    ]


def test_no_message_carries_a_name_birth_date_member_id_or_patient_control_number():
    seen = 0
    for text in _damaged_files():
        for problem in parse_837p(text).problems:
            seen += 1
            for value in PHI:
                assert value not in problem.message, (value, problem.field)
    assert seen >= 20


# --- random damage never crashes --------------------------------------------------------------

SEGMENTS = [s.strip() for s in build(CLAIMS).split("~") if s.strip()]
_mutation = st.one_of(
    st.tuples(st.just("drop"), st.integers(0, len(SEGMENTS) - 1)),
    st.tuples(st.just("duplicate"), st.integers(0, len(SEGMENTS) - 1)),
    st.tuples(st.just("garble"), st.integers(0, len(SEGMENTS) - 1),
              st.text(alphabet="*:~^ABCDEFGHILMNPQRSTVXZ0123456789.-\n\x00é", max_size=40)),
    st.tuples(st.just("bytes"), st.integers(0, len(SEGMENTS) - 1),
              st.binary(max_size=30).map(lambda b: b.decode("latin-1"))),
    st.tuples(st.just("swap"), st.integers(0, len(SEGMENTS) - 1),
              st.integers(0, len(SEGMENTS) - 1)),
)  # fmt: skip


def _mutate(mutations) -> str:
    segments = list(SEGMENTS)
    for mutation in mutations:
        kind, at = mutation[0], mutation[1] % max(len(segments), 1)
        if not segments:
            break
        if kind == "drop":
            del segments[at]
        elif kind == "duplicate":
            segments.insert(at, segments[at])
        elif kind == "garble":
            segments[at] = mutation[2]
        elif kind == "bytes":
            segments[at] = segments[at][: len(segments[at]) // 2] + mutation[2]
        else:
            other = mutation[2] % len(segments)
            segments[at], segments[other] = segments[other], segments[at]
    return "".join(s + "~\n" for s in segments)


def _sound(parsed: Parsed) -> None:
    assert isinstance(parsed, Parsed)
    assert all(not p.message.startswith("The file could not be read") for p in parsed.problems)
    for problem in parsed.problems:
        assert problem.message and (problem.row is None or problem.row >= 1)
        assert not any(value in problem.message for value in PHI)
    for claim in parsed.claims:
        assert claim.draft.lines and len(claim.line_rows) == len(claim.draft.lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_mutation, min_size=1, max_size=6))
def test_random_damage_to_a_valid_file_never_raises(mutations):
    _sound(parse_837p(_mutate(mutations)))


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 3000), st.binary(max_size=200))
def test_truncation_and_random_bytes_never_raise(cut, noise):
    text = build(CLAIMS)
    _sound(parse_837p(text[:cut]))
    _sound(parse_837p(text[:cut] + noise.decode("latin-1") + text[cut:]))
    _sound(parse_837p("ISA" + noise.decode("latin-1")))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_any_text_never_raises(text):
    _sound(parse_837p(text))


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
