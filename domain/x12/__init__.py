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

The package, by what its parts do: `parse` (the entry point, the ISA's separators and the
segments), `envelope` (pyx12's envelope checks in our words), `reader` (our walker: dispatch
and the envelope segments), `content` (the 837P segments a claim is read from), `walker` (the
walker's state, and a claim's end: a `BillingClaim` or its problems) and `values` (element
values and message words).
"""

from domain.x12.parse import ISA_LENGTH, MAX_PROBLEMS, parse_837p
from domain.x12.values import VERSION

__all__ = ["ISA_LENGTH", "MAX_PROBLEMS", "VERSION", "parse_837p"]
