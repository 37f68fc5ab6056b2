"""X12 837P (005010X222A1) professional claim files read into billing claims.

`parse_837p(text)` returns the same `Parsed` as the CSV reader: a `BillingClaim` per claim
(2300 loop, CLM segment) and a `FileProblem` for everything wrong with the file. It never
raises, whatever the input.

Two readers share the work, over one tokenisation of the file:

- **pyx12 checks the envelope.** `pyx12.x12file.X12Reader` walks every segment and reports
  the interchange, group and transaction controls: IEA/GE/SE missing (a cut-off file), the
  trailer control numbers against their headers (IEA02/ISA13, GE02/GS06, SE02/ST02), the
  trailer counts (IEA01, GE01, SE01), duplicate control numbers, HL numbering and parents,
  LX numbering within a claim, invalid segment identifiers and trailing separators. Its
  messages quote values from the file, so they are never passed on: each is translated by
  its error code into our own words.
- **Our own walker reads the 837P.** It follows the hierarchy (2000A billing provider,
  2000B subscriber, 2000C patient, 2300 claim, 2400 service line), checks that the group and
  transaction are 837P 005010X222A1, that the HL levels nest (22 under 20, 23 under 22), and
  reads the claim content.

Why not pyx12's full map validation (`x12n_document`, its map walker and element checks)?
Measured on this 2-core machine it costs about 100 µs a segment (5.4 s for 52,000): a file
of 10,000 service lines is 57,000-140,000 segments (four lines a claim down to one), so
6-14 s. This module reads the same files in 0.45-1.1 s, pyx12's envelope reader included.
The element checks (code lists, lengths) are a 999 acknowledgement's business, and the
claims' content is judged by the validation rules anyway. So the envelope is pyx12's; the
loops we read are checked as we read them. (The test suite runs pyx12's full validation
over its generated file, so the shapes this reader expects are the guide's.)

Tokenising: the ISA's fixed widths give the separators (element: the 4th character;
component: ISA16; segment terminator: the character after it). Line breaks after a
terminator are ignored; an empty segment is a warning and is skipped (pyx12's own reader
stops at one, which would make a whole file look cut off); text after the last terminator
is a segment cut off mid-way.

Segments are numbered from the ISA (segment 1), counting every segment of the file, as
`row` everywhere: a claim's `row` is its CLM segment, `line_rows` its SV1 segments.

Service dates: each line's 2400 DTP*472 (D8, or the first day of an RD8 range); the draft's
date is the first line's, and a line on another day carries its own. The 5010 guide has no
2300 DTP*472, but files from older systems carry one: it is read as the date of any line
without its own. A line with neither is a problem, never a guess.

A claim with any problem of its own (a bad date or amount, no service lines, no member id,
charges that do not add up, cut off by the end of the file...) is left out of `claims`;
its problems say why. Envelope problems (a wrong SE count, say) are reported but leave the
claims readable. A group or transaction that is not 837P 005010X222A1 is reported once and
its claims are not read.

Messages speak to a biller and never carry PHI: claims are "claim 3 (segment 57)", never a
name, a birth date, a member id or the patient control number (CLM01). No value from the file
is repeated except 837P segment identifiers and version codes of a known shape (such as
005010X223A2); pyx12's messages, which quote values, are never passed on, and pyx12's
reader used here does not log.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pyx12.x12file

from domain.billing import BillingClaim, FileProblem, Parsed
from domain.enums import Severity
from domain.validation import Draft, DraftLine

VERSION = "005010X222A1"
ISA_LENGTH = 106  # ISA through its segment terminator, fixed widths
# the element separator's positions in a well-formed ISA
_ISA_SEPARATORS = (3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103)
MAX_PROBLEMS = 1000  # beyond this, a file is garbage: say so once

# X12 decimal (R): digits with an optional point and minus sign; no exponent, NaN or plus
_AMOUNT = re.compile(r"^-?([0-9]{1,15}(\.[0-9]{0,6})?|\.[0-9]{1,6})$")
_D8 = re.compile(r"^[0-9]{8}$")
_VERSION_SHAPE = re.compile(r"^[0-9]{6}X[0-9]{3}[A-Z0-9]{0,2}$")  # e.g. 005010X223A2
# 837P segment identifiers: the only segment text a message may repeat
_KNOWN = frozenset(
    "AMT BHT CAS CLM CN1 CR1 CR2 CR3 CRC CTP DMG DTP FRM HCP HI HL K3 LIN LQ LX MEA MOA N2 N3 "
    "N4 NM1 NTE OI PAT PER PRV PS1 PWK QTY REF SBR SV1 SV5 SVD TRN".split()
)
_ENVELOPE = frozenset({"ISA", "IEA", "GS", "GE", "ST", "SE"})


def parse_837p(text: str) -> Parsed:
    """The claims and problems of an 837P file (see the module docstring)."""
    try:
        return _parse(text)
    except Exception:  # noqa: BLE001 - a defect here must not crash a validation run
        # Every input shape is meant to be handled above; this is the last line. The type
        # only: never the content.
        parsed = Parsed()
        message = "The file could not be read as an 837P file: check its envelope (ISA … IEA)."
        parsed.problems.append(FileProblem(None, message, "file"))
        return parsed


def _parse(text: str) -> Parsed:
    parsed = Parsed()
    if not isinstance(text, str):
        text = ""
    text = text.lstrip("\ufeff \t\r\n")
    if not text.strip():
        parsed.problems.append(FileProblem(None, "The file is empty.", "file"))
        return parsed
    if not text.startswith("ISA"):
        if _binary(text):
            message = "This is not a text file: send an X12 837P file (plain text, ISA … IEA)."
            parsed.problems.append(FileProblem(None, message, "file"))
        else:
            message = ("This is not an X12 file: an 837P file begins with an interchange "
                       "header (ISA).")  # fmt: skip
            parsed.problems.append(FileProblem(None, message, "ISA"))
        return parsed
    separators, fatal = _read_isa(text)
    parsed.problems.extend(fatal)
    if separators is None:
        return parsed
    element, component, terminator = separators
    segments, problems = _tokenise(text, terminator)
    problems.extend(_envelope(segments, terminator))
    reader = _Reader(element, component, parsed)
    for number, segment in enumerate(segments, start=1):
        reader.segment(number, segment)
    reader.end()
    problems.extend(reader.problems)
    problems.sort(key=lambda p: (p.row is None, p.row or 0))
    if len(problems) > MAX_PROBLEMS:
        problems = problems[:MAX_PROBLEMS]
        problems.append(FileProblem(None, f"More than {MAX_PROBLEMS} problems: the rest are "
                                    "not listed. Is this an 837P file?", "file"))  # fmt: skip
    parsed.problems.extend(problems)
    return parsed


def _binary(text: str) -> bool:
    sample = text[:8192]
    if "\x00" in sample:
        return True
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n")
    return control > 0.05 * len(sample) or "\ufffd" in sample


# --- the interchange header: separators ------------------------------------------------------


def _read_isa(text: str) -> tuple[tuple[str, str, str] | None, list[FileProblem]]:
    """The element, component and segment separators, or None with the reason."""
    if len(text) < ISA_LENGTH:
        return None, [FileProblem(1, "Segment 1: the interchange header (ISA) is cut short: "
                                  "it must be 106 characters long, ending with the segment "
                                  "terminator.", "ISA")]  # fmt: skip
    isa = text[:ISA_LENGTH]
    element, component, terminator = isa[3], isa[104], isa[105]
    if any(isa[i] != element for i in _ISA_SEPARATORS) or isa.count(element) != 16:
        return None, [FileProblem(1, "Segment 1: the interchange header (ISA) is malformed: "
                                  "its 16 fields must have their fixed widths (106 "
                                  "characters in all), so the file's separators cannot be "
                                  "read.", "ISA")]  # fmt: skip
    unusable = (
        len({element, component, terminator}) < 3
        or any(ch.isalnum() or ch in " \t" for ch in (element, component))
        or terminator.isalnum()
        or terminator == " "
    )
    if unusable:
        return None, [FileProblem(1, "Segment 1: the interchange header (ISA) declares "
                                  "unusable separators: the element separator (4th "
                                  "character), the component separator (ISA16) and the "
                                  "segment terminator must be three different punctuation "
                                  "characters.", "ISA16")]  # fmt: skip
    if isa[84:89] != "00501":
        return None, [FileProblem(1, "Segment 1: the interchange version (ISA12) must be "
                                  "00501: the plan reads 5010 837P files only.",
                                  "ISA12")]  # fmt: skip
    problems = []
    repetition = isa[82]
    if repetition.isalnum() or repetition in {element, component, terminator, " "}:
        problems.append(FileProblem(1, "Segment 1: the repetition separator (ISA11) must be a "
                                    "punctuation character different from the other "
                                    "separators.", "ISA11"))  # fmt: skip
    return (element, component, terminator), problems


def _tokenise(text: str, terminator: str) -> tuple[list[str], list[FileProblem]]:
    pieces = text.split(terminator)
    tail = pieces.pop()  # what follows the last terminator
    segments: list[str] = []
    problems: list[FileProblem] = []
    for piece in pieces:
        segment = piece.lstrip("\r\n")
        if segment.strip():
            segments.append(segment)
        else:
            after = len(segments)
            problems.append(FileProblem(after or None, f"An empty segment follows segment "
                                        f"{after} (two segment terminators in a row); it "
                                        "was skipped.", "segment",
                                        severity=Severity.WARNING))  # fmt: skip
    if tail.strip():
        row = len(segments) + 1
        problems.append(FileProblem(row, f"Segment {row}: the file ends in the middle of a "
                                    "segment (no segment terminator): it may have been cut "
                                    "off. That segment was not read.", "segment"))  # fmt: skip
    return segments, problems


# --- pyx12: the envelope ---------------------------------------------------------------------

_PYX12: dict[tuple[str, str], tuple[str, str]] = {
    ("isa", "001"): ("IEA02", "the interchange trailer's control number (IEA02) does not "
                              "match the header's (ISA13)."),
    ("isa", "021"): ("IEA01", "the interchange trailer's group count (IEA01) does not match "
                              "the number of functional groups (GS … GE) in the interchange."),
    ("isa", "023"): ("IEA", "The file ends without an interchange trailer (IEA): it may have "
                            "been cut off."),
    ("isa", "024"): ("GE", "a functional group is not closed by its trailer (GE) before the "
                           "interchange trailer (IEA)."),
    ("isa", "025"): ("ISA13", "the interchange control number (ISA13) is used twice in the "
                              "file."),
    ("gs", "4"): ("GE02", "the functional group trailer's control number (GE02) does not "
                          "match the header's (GS06)."),
    ("gs", "5"): ("GE01", "the functional group trailer's transaction count (GE01) does not "
                          "match the number of transactions (ST … SE) in the group."),
    ("gs", "6"): ("GS06", "the functional group control number (GS06) is used twice in the "
                          "interchange."),
    ("st", "2"): ("SE", "A transaction (ST) has no trailer (SE): the file may have been cut "
                        "off."),
    ("st", "3"): ("SE02", "the transaction trailer's control number (SE02) does not match the "
                          "header's (ST02)."),
    ("st", "4"): ("SE01", "the transaction trailer's segment count (SE01) is wrong: it must "
                          "count every segment from ST to SE."),
    ("st", "23"): ("ST02", "the transaction control number (ST02) is used twice in the "
                           "functional group."),
    ("seg", "HL1"): ("HL01", "the hierarchical level number (HL01) is out of sequence: HL "
                             "segments are numbered 1, 2, 3 … in each transaction."),
    ("seg", "HL2"): ("HL02", "the parent level (HL02) does not name an earlier HL segment of "
                             "this transaction."),
    ("seg", "LX"): ("LX01", "the service line number (LX01) is out of sequence: lines are "
                            "numbered 1, 2, 3 … in each claim."),
    ("seg", "8"): ("segment", "the segment is empty."),
}  # fmt: skip
_COUNTED = re.compile(r"I count ([0-9]+)$")
_NUMBER = re.compile(r"^[0-9]{1,9}$")
_TRANSACTION = re.compile(r"^[0-9]{3}$")


def _envelope(segments: list[str], terminator: str) -> list[FileProblem]:
    """pyx12's envelope checks over the tokenised segments, in our words."""
    problems: list[FileProblem] = []
    # one terminator after each segment and nothing else: an empty segment would stop it
    reader = pyx12.x12file.X12Reader(io.StringIO(terminator.join(segments) + terminator))
    reader.check_837_lx = True  # what pyx12's own validator sets for an 837
    number = 0
    try:
        for _ in reader:
            number += 1
            problems.extend(_from_pyx12(error, number)
                            for error in reader.pop_errors())  # fmt: skip
        reader.cleanup()  # missing trailers, innermost (SE) first
        problems.extend(_from_pyx12(error, None) for error in reversed(reader.pop_errors()))
    except Exception:  # noqa: BLE001 - pyx12 raises on some envelopes (e.g. a lone trailer)
        problems.extend(_from_pyx12(error, number + 1)
                        for error in reader.pop_errors())  # fmt: skip
        at = number + 1
        problems.append(FileProblem(at, f"Segment {at}: the envelope is malformed here (a "
                                    "trailer without its header, or a broken ISA); it was "
                                    "not checked further.", "segment"))  # fmt: skip
    return problems


def _from_pyx12(error: tuple, number: int | None) -> FileProblem:
    kind, code, text = str(error[0]), str(error[1]), str(error[2])
    row = error[4] if kind == "seg" and isinstance(error[4], int) else number
    severity = Severity.ERROR
    if (kind, code) in _PYX12:
        field_name, words = _PYX12[(kind, code)]
    elif kind == "gs" and code == "3":
        if text.startswith("Mandatory"):
            field_name, words = "GE", ("The file ends without a functional group trailer "
                                       "(GE): it may have been cut off.")  # fmt: skip
        else:
            field_name, words = "SE", ("a transaction is not closed by its trailer (SE) "
                                       "before the functional group trailer (GE).")  # fmt: skip
    elif kind == "seg" and code == "SEG1":
        field_name, words = "segment", ("the segment ends with a separator (an empty last "
                                        "element); remove trailing separators.")  # fmt: skip
        severity = Severity.WARNING
    elif kind == "seg" and code == "1" and "leading space" in text:
        field_name, words = "segment", "the segment starts with a space."
        severity = Severity.WARNING
    elif kind == "seg" and code == "1":
        field_name, words = "segment", ("the segment identifier is not valid (two or three "
                                        "capital letters or digits).")  # fmt: skip
    else:
        field_name, words = kind.upper(), "the envelope (ISA … IEA) is malformed here."
    if (kind, code) in {("st", "4"), ("gs", "5")}:
        # pyx12's own count, never the file's value
        counted = _COUNTED.search(text)
        what = "segments" if kind == "st" else "transactions"
        if counted:
            words = words.rstrip(".") + f" (there are {counted[1]} {what})."
    if row is None:
        return FileProblem(None, _sentence(words), field_name, severity=severity)
    return FileProblem(row, f"Segment {row}: {words}", field_name, severity=severity)


def _sentence(words: str) -> str:
    return words[:1].upper() + words[1:]


# --- our walker: the 837P hierarchy and its claims -------------------------------------------


@dataclass(slots=True)
class _Person:
    row: int  # its HL segment
    member_number: str = ""
    first_name: str | None = None
    born: date | None = None
    bad_birth: tuple[int, str] | None = None  # (segment, field) of a DMG that is not a date


@dataclass(slots=True)
class _Line:
    row: int
    procedure_code: str
    modifiers: tuple[str, ...]
    charge: Decimal | None
    units: int | None
    pointers: tuple[int, ...]
    place: str | None
    service_date: date | None = None
    dated: bool = False  # has its own DTP*472
    bad_date: bool = False  # its DTP*472 is not a date (reported)


@dataclass(slots=True)
class _Claim:
    position: int
    row: int
    npi: str
    subscriber: _Person | None
    patient: _Person | None
    total: Decimal | None
    place: str | None
    service_date: date | None = None
    bad_service_date: bool = False
    diagnoses: list[str] = field(default_factory=list)
    lines: list[_Line] = field(default_factory=list)
    in_lines: bool = False  # an LX has been seen: DTPs now belong to lines
    open_lx: int | None = None  # an LX waiting for its SV1
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # row, field, words


class _Reader:
    def __init__(self, element: str, component: str, parsed: Parsed):
        self.element = element
        self.component = component
        self.parsed = parsed
        self.problems: list[FileProblem] = []
        self.in_isa = self.in_gs = self.in_st = False
        self.isa_ok = self.gs_ok = self.st_ok = False
        self.position = 0
        self.claim: _Claim | None = None
        self._reset_hierarchy()

    def _reset_hierarchy(self) -> None:
        self.levels: dict[str, str] = {}  # HL01 -> HL03 within the transaction
        self.level: str | None = None
        self.provider_row: int | None = None
        self.npi = ""
        self.subscriber: _Person | None = None
        self.patient: _Person | None = None
        self.person: _Person | None = None  # the one a DMG describes

    def problem(self, row: int | None, words: str, field_name: str,
                severity: Severity = Severity.ERROR) -> None:  # fmt: skip
        message = f"Segment {row}: {words}" if row is not None else _sentence(words)
        self.problems.append(FileProblem(row, message, field_name, severity=severity))

    # -- dispatch ----------------------------------------------------------------------------

    def segment(self, number: int, text: str) -> None:
        parts = text.lstrip().split(self.element)
        ident = parts[0].strip()
        if ident in _ENVELOPE:
            getattr(self, "_" + ident.lower())(number, parts)
            return
        if not self.in_st:
            known = ident in _KNOWN  # anything else could be content: never echoed
            self.problem(number, f"{ident if known else 'a segment'} is outside a transaction "
                         "(ST … SE); it was not read.", ident if known else "segment")  # fmt: skip
            return
        if not self.st_ok:
            if ident == "SV1":
                self.parsed.rows += 1
            return
        handler = self._CONTENT.get(ident)
        if handler is not None:
            handler(self, number, parts)

    def end(self) -> None:
        self._close(cut_off=self.in_st)

    # -- envelope ----------------------------------------------------------------------------

    def _isa(self, number: int, parts: list[str]) -> None:
        self._close(cut_off=self.in_st)
        self.in_isa, self.in_gs, self.in_st = True, False, False
        self.isa_ok = len(parts) == 17 and parts[12] == "00501"
        if number > 1 and not self.isa_ok:
            self.problem(number, "this interchange header (ISA) is not a 5010 header of 16 "
                         "fields (ISA12 00501); its claims were not read.", "ISA")  # fmt: skip

    def _gs(self, number: int, parts: list[str]) -> None:
        self._close(cut_off=self.in_st)
        if not self.in_isa:
            self.problem(number, "a functional group (GS) outside an interchange (ISA … "
                         "IEA); its claims were not read.", "GS")  # fmt: skip
        self.in_gs, self.in_st = True, False
        kind = _part(parts, 1)
        version = _part(parts, 8)
        self.gs_ok = self.in_isa and self.isa_ok and kind == "HC" and version == VERSION
        if self.isa_ok and not self.gs_ok:
            at = "GS01" if kind != "HC" else "GS08"
            self.problem(number, f"this functional group is {_described(kind, version)}; the "
                         f"plan reads health care claims (GS01 HC) of version {VERSION} "
                         "(837P). Its claims were not read.", at)  # fmt: skip

    def _st(self, number: int, parts: list[str]) -> None:
        self._close(cut_off=self.in_st)
        if not self.in_gs:
            self.problem(number, "a transaction (ST) outside a functional group (GS … GE); "
                         "its claims were not read.", "ST")  # fmt: skip
        self.in_st = True
        self._reset_hierarchy()
        kind = _part(parts, 1)
        version = _part(parts, 3)
        self.st_ok = self.in_gs and self.gs_ok and kind == "837" and version in ("", VERSION)
        if self.in_gs and self.gs_ok and not self.st_ok:
            at = "ST01" if kind != "837" else "ST03"
            if kind == "837":
                shown = f"an 837 of version {_shown(version)}"
            elif _TRANSACTION.match(kind):
                shown = f"a transaction of type {kind}"
            else:
                shown = "not a claim transaction"
            self.problem(number, f"this transaction is {shown}; the plan reads 837P "
                         f"professional claims of version {VERSION}. Its claims were not "
                         "read.", at)  # fmt: skip

    def _se(self, number: int, parts: list[str]) -> None:
        self._close(cut_off=False)
        self.in_st = False

    def _ge(self, number: int, parts: list[str]) -> None:
        self._close(cut_off=self.in_st)
        self.in_st = self.in_gs = self.gs_ok = False

    def _iea(self, number: int, parts: list[str]) -> None:
        self._close(cut_off=self.in_st)
        self.in_st = self.in_gs = self.in_isa = False
        self.gs_ok = self.isa_ok = False

    # -- 837P content ------------------------------------------------------------------------

    def _hl(self, number: int, parts: list[str]) -> None:
        self._close(cut_off=False)
        ident, parent, level = _part(parts, 1), _part(parts, 2), _part(parts, 3)
        parent_level = self.levels.get(parent)
        if ident:
            self.levels[ident] = level
        self.person = None
        if level == "20":
            self.level, self.provider_row, self.npi = "20", number, ""
            self.subscriber = self.patient = None
        elif level == "22":
            self.level = "22"
            if self.provider_row is None or (parent_level is not None and parent_level != "20"):
                self.problem(number, "a subscriber level (HL03 22) must come under a billing "
                             "provider level (HL03 20).", "HL02")  # fmt: skip
            self.subscriber = self.patient = _Person(number)
        elif level == "23":
            self.level = "23"
            if self.subscriber is None or (parent_level is not None and parent_level != "22"):
                self.problem(number, "a patient level (HL03 23) must come under a subscriber "
                             "level (HL03 22).", "HL02")  # fmt: skip
            self.patient = _Person(number)
        else:
            self.problem(number, "the hierarchical level code (HL03) must be 20 (billing "
                         "provider), 22 (subscriber) or 23 (patient).", "HL03")  # fmt: skip
            self.level = None
            self.subscriber = self.patient = None

    def _nm1(self, number: int, parts: list[str]) -> None:
        self.person = None
        if self.claim is not None:
            return  # 2310/2420 providers and the like: not read
        entity = _part(parts, 1)
        if entity == "85" and self.level == "20":
            self.npi = _part(parts, 9) if _part(parts, 8) == "XX" else ""
        elif entity == "IL" and self.level == "22" and self.subscriber is not None:
            self.subscriber.member_number = _part(parts, 9)
            self.subscriber.first_name = _part(parts, 4) or None
            self.person = self.subscriber
        elif entity == "QC" and self.level == "23" and self.patient is not None:
            self.patient.first_name = _part(parts, 4) or None
            self.person = self.patient

    def _dmg(self, number: int, parts: list[str]) -> None:
        person, self.person = self.person, None
        if person is None:
            return
        if _part(parts, 1) != "D8":
            person.bad_birth = (number, "DMG01")
        else:
            born = _d8(_part(parts, 2))
            if born is None:
                person.bad_birth = (number, "DMG02")
            person.born = born

    def _clm(self, number: int, parts: list[str]) -> None:
        self._close(cut_off=False)
        self.person = None
        self.position += 1
        place = _part(parts, 5).split(self.component)[0].strip() or None
        raw_total = _part(parts, 2)
        total = _amount(raw_total)
        claim = _Claim(self.position, number, self.npi, self.subscriber, self.patient, total,
                       place)  # fmt: skip
        self.claim = claim
        if total is None:
            claim.problems.append((number, "CLM02", "its total charge (CLM02) is not an "
                                   "amount like 125.00."))  # fmt: skip
        if self.level not in ("22", "23") or self.subscriber is None:
            claim.problems.append((number, "HL", "it is not under a subscriber (HL03 22) or "
                                   "patient (HL03 23) level."))  # fmt: skip
            return
        if not self.npi:
            at = self.provider_row if self.provider_row is not None else number
            claim.problems.append((at, "NM109", "its billing provider has no NPI (2010AA "
                                   "NM1*85 with XX and the 10-digit NPI)."))  # fmt: skip
        if not self.subscriber.member_number:
            claim.problems.append((self.subscriber.row, "NM109", "its subscriber has no "
                                   "member id (2010BA NM1*IL with MI and the id)."))  # fmt: skip
        if self.patient is not None and self.patient.bad_birth is not None:
            at, field_name = self.patient.bad_birth
            claim.problems.append((at, field_name, f"the patient's date of birth in segment "
                                   f"{at} ({field_name}) is not a date as CCYYMMDD (DMG01 "
                                   "D8)."))  # fmt: skip

    def _hi(self, number: int, parts: list[str]) -> None:
        claim = self.claim
        if claim is None or claim.in_lines:
            return
        for index, value in enumerate(parts[1:], start=1):
            pieces = value.split(self.component)
            qualifier = pieces[0].strip()
            code = pieces[1].strip() if len(pieces) > 1 else ""
            at = f"HI{index:02d}"
            if qualifier in ("ABK", "ABF"):
                if code:
                    claim.diagnoses.append(code)
                else:
                    claim.problems.append((number, at, f"a diagnosis in segment {number} "
                                           f"({at}) has a qualifier but no code."))  # fmt: skip
            elif qualifier in ("BK", "BF"):
                claim.problems.append((number, at, f"segment {number} ({at}) gives an ICD-9 "
                                       "diagnosis (BK/BF); report ICD-10-CM codes with ABK "
                                       "and ABF."))  # fmt: skip

    def _dtp(self, number: int, parts: list[str]) -> None:
        claim = self.claim
        if claim is None:
            return
        qualifier, form, value = _part(parts, 1), _part(parts, 2), _part(parts, 3)
        if form == "D8":
            start = _d8(value)
            bad = "is not a date as CCYYMMDD (DTP02 D8)"
        elif form == "RD8":
            start = _rd8(value)
            bad = "is not a date range as CCYYMMDD-CCYYMMDD (DTP02 RD8)"
        elif qualifier == "472":
            start = None
            bad = "must be a date (DTP02 D8) or a date range (DTP02 RD8)"
        else:
            return  # other date formats (times) are not read
        if start is None:
            at = "DTP03" if form in ("D8", "RD8") else "DTP02"
            claim.problems.append((number, at, f"the date in segment {number} ({at}) "
                                   f"{bad}."))  # fmt: skip
            if qualifier == "472":
                if claim.in_lines and claim.lines and claim.open_lx is None:
                    claim.lines[-1].bad_date = True
                elif not claim.in_lines:
                    claim.bad_service_date = True
            return
        if qualifier != "472":
            return
        if claim.in_lines and claim.lines and claim.open_lx is None:
            claim.lines[-1].service_date = start
            claim.lines[-1].dated = True
        elif not claim.in_lines:
            claim.service_date = start

    def _lx(self, number: int, parts: list[str]) -> None:
        claim = self.claim
        if claim is None:
            return
        if claim.open_lx is not None:
            claim.problems.append((claim.open_lx, "SV1", f"the service line starting in "
                                   f"segment {claim.open_lx} (LX) has no SV1."))  # fmt: skip
        claim.in_lines = True
        claim.open_lx = number

    def _sv1(self, number: int, parts: list[str]) -> None:
        self.parsed.rows += 1
        claim = self.claim
        if claim is None:
            self.problem(number, "a service line (SV1) outside a claim (CLM); it was not "
                         "read.", "SV1")  # fmt: skip
            return
        problems = claim.problems
        if claim.open_lx is None:
            problems.append((number, "LX", f"the service line in segment {number} (SV1) does "
                             "not follow its line number (LX)."))  # fmt: skip
        claim.in_lines = True
        claim.open_lx = None
        procedure = _part(parts, 1).split(self.component)
        code = procedure[1].strip() if len(procedure) > 1 else ""
        modifiers = tuple(m.strip() for m in procedure[2:6] if m.strip())
        if not code:
            problems.append((number, "SV101", f"the service line in segment {number} has no "
                             "procedure code (SV101, as HC:code)."))  # fmt: skip
        charge = _amount(_part(parts, 2))
        if charge is None:
            problems.append((number, "SV102", f"the charge of the service line in segment "
                             f"{number} (SV102) is not an amount like 125.00."))  # fmt: skip
        units: int | None = 1
        basis, count = _part(parts, 3), _part(parts, 4)
        if count and basis in ("UN", ""):
            quantity = _amount(count)
            if quantity is None or quantity != quantity.to_integral_value() or quantity < 0:
                problems.append((number, "SV104", f"the units of the service line in segment "
                                 f"{number} (SV104) must be a whole number."))  # fmt: skip
                units = None
            else:
                units = int(quantity)
        elif count and _amount(count) is None:
            problems.append((number, "SV104", f"the quantity of the service line in segment "
                             f"{number} (SV104) is not a number."))  # fmt: skip
        pointers: list[int] = []
        for raw in _part(parts, 7).split(self.component):
            raw = raw.strip()
            if not raw:
                continue
            if _NUMBER.match(raw) and 1 <= int(raw) <= 12:
                pointers.append(int(raw))
            else:
                problems.append((number, "SV107", f"the diagnosis pointers of the service "
                                 f"line in segment {number} (SV107) must be numbers 1 to 12 "
                                 f"separated by '{self.component}'."))  # fmt: skip
                break
        claim.lines.append(_Line(number, code, modifiers, charge, units, tuple(pointers),
                                 _part(parts, 5) or None))  # fmt: skip

    _CONTENT = {"HL": _hl, "NM1": _nm1, "DMG": _dmg, "CLM": _clm, "HI": _hi, "DTP": _dtp,
                "LX": _lx, "SV1": _sv1}  # fmt: skip

    # -- a claim ends ------------------------------------------------------------------------

    def _close(self, *, cut_off: bool) -> None:
        claim, self.claim = self.claim, None
        if claim is None:
            return
        problems = claim.problems
        first_dated = claim.lines[0].service_date if claim.lines else None
        service_date = first_dated or claim.service_date
        charges = [line.charge for line in claim.lines]
        if cut_off:  # what is missing is missing because of that: nothing more to say
            problems.append((claim.row, "SE", "it may be incomplete: its transaction is not "
                             "closed by a trailer (SE). Was the file cut off?"))  # fmt: skip
        elif claim.open_lx is not None:
            problems.append((claim.open_lx, "SV1", f"the service line starting in segment "
                             f"{claim.open_lx} (LX) has no SV1."))  # fmt: skip
        elif not claim.lines:
            problems.append((claim.row, "SV1", "it has no service lines (LX and SV1)."))
        elif claim.service_date is None and not claim.bad_service_date:
            for line in claim.lines:  # 2400 DTP*472 is required when the claim has none
                if not line.dated and not line.bad_date:
                    problems.append((line.row, "DTP03", f"the service line in segment "
                                     f"{line.row} has no service date (DTP*472)."))  # fmt: skip
        complete = not cut_off and claim.open_lx is None and claim.lines
        if complete and claim.total is not None and None not in charges:
            lines_total = sum(charges, Decimal("0"))
            if lines_total != claim.total:
                problems.append((claim.row, "CLM02", "its total charge (CLM02) is not the "
                                 "sum of its service lines' charges (SV102)."))  # fmt: skip
        if problems:
            for row, field_name, words in problems:
                self.problems.append(FileProblem(row, f"Claim {claim.position} (segment "
                                                 f"{claim.row}) was not read: {words}",
                                                 field_name))  # fmt: skip
            return
        if service_date is None or claim.subscriber is None:  # pragma: no cover - reported
            return
        lines = []
        for line in claim.lines:
            on = line.service_date if line.dated else (claim.service_date or service_date)
            lines.append(DraftLine(
                procedure_code=line.procedure_code, charge_amount=line.charge,
                units=line.units, modifiers=line.modifiers,
                diagnosis_pointers=line.pointers,
                service_date=on if on != service_date else None,
            ))  # fmt: skip
        place = next((line.place for line in claim.lines if line.place), claim.place)
        patient = claim.patient or claim.subscriber
        self.parsed.claims.append(BillingClaim(
            position=claim.position, row=claim.row,
            line_rows=tuple(line.row for line in claim.lines),
            member_number=claim.subscriber.member_number, patient_born=patient.born,
            patient_first_name=patient.first_name, billing_npi=claim.npi,
            draft=Draft(service_date=service_date, diagnosis_codes=tuple(claim.diagnoses),
                        lines=tuple(lines), place_of_service=place, claim_type="medical"),
        ))  # fmt: skip


# --- values ----------------------------------------------------------------------------------


def _part(parts: list[str], index: int) -> str:
    return parts[index].strip() if index < len(parts) else ""


def _amount(value: str) -> Decimal | None:
    return Decimal(value) if _AMOUNT.match(value) else None


def _d8(value: str) -> date | None:
    if not _D8.match(value):
        return None
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return None


def _rd8(value: str) -> date | None:
    start, _, end = value.partition("-")
    first, last = _d8(start), _d8(end)
    if first is None or last is None or last < first:
        return None
    return first


def _shown(version: str) -> str:
    """A version code, when it has a version's shape: never other content."""
    return version if _VERSION_SHAPE.match(version) else "another version"


def _described(kind: str, version: str) -> str:
    if kind != "HC":
        return "not health care claims (GS01)"
    return f"of version {_shown(version)}"
