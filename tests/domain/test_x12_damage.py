"""X12 837P files, damaged: no message carries PHI, and random damage never crashes the
reader."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.billing import Parsed
from domain.x12 import parse_837p
from tests.domain.x12_files import CLAIMS, PHI, Envelope, build

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
