"""The entry point: the file's separators (its ISA), its segments, and the two readers over
them (pyx12's envelope checks and our walker)."""

from __future__ import annotations

from domain.billing import FileProblem, Parsed
from domain.enums import Severity
from domain.x12.envelope import _envelope
from domain.x12.reader import _Reader

ISA_LENGTH = 106  # ISA through its segment terminator, fixed widths
# the element separator's positions in a well-formed ISA
_ISA_SEPARATORS = (3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103)
MAX_PROBLEMS = 1000  # beyond this, a file is garbage: say so once


def parse_837p(text: str) -> Parsed:
    """The claims and problems of an 837P file (see the package docstring)."""
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
