"""X12 837P claims with planted problems of their own (dates, amounts, units, pointers,
totals, birth dates, the hierarchy, ids): each found exactly where it is, and the claim left
out while the others read."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from domain.enums import Severity
from domain.x12 import parse_837p
from tests.domain.x12_files import ADA, BRAM, CLEO, DORA, Dependent, Envelope, build, found, rows


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
