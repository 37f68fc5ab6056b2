"""pyx12's envelope checks (controls, counts, numbering) over the tokenised segments, each
error translated by its code into our own words: pyx12's messages quote the file."""

from __future__ import annotations

import io
import re

import pyx12.x12file

from domain.billing import FileProblem
from domain.enums import Severity
from domain.x12.values import _sentence

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
