"""Aggregates released outside the plan: an employer's claims per calendar month and claim
type. Pure rules; the caller brings the counts.

Disclosure control, in four parts (README, "Disclosure control for employer aggregates"):

- Fixed periods. Only whole calendar months are counted, and only months that closed at
  least `runout` months ago; a month is released once and never changes, so two answers
  (two ranges, two snapshots, two days) can only differ by whole months.
- Primary suppression. A count from 1 to 10 is withheld (CMS cell-size policy), and so is
  the paid amount of that cell.
- Complementary suppression. Each month is published with its total over the fixed set of
  claim types. Wherever a published total has suppressed cells, it has at least two and
  they sum to at least 11, and no suppressed value is solved by the published equations
  (checked by elimination, not assumed). The pattern of a month depends on that month's
  row alone, never on the range asked for.
- Rounding. Published paid totals are rounded to the nearest $100 (half up)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from domain.enums import ClaimType
from domain.errors import DomainError

SMALL_CELL = 11  # counts from 1 to 10 are withheld (CMS cell-size suppression policy)
PAID_UNIT = Decimal("100")  # published paid totals: nearest $100, half up
MAX_MONTHS = 36  # months one answer may span
DEFAULT_MONTHS = 12  # months an answer spans when the client names no start
CLAIM_TYPES = tuple(t.value for t in ClaimType)  # every month shows all of them, zeros too

_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")


@dataclass(frozen=True, order=True, slots=True)
class Month:
    """A calendar month, written YYYY-MM."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str, *, field: str) -> Month:
        """The month `text` names; a DomainError naming `field` when it is not YYYY-MM."""
        found = _MONTH.match(text.strip()) if isinstance(text, str) else None
        if found is None or not (1 <= int(found[2]) <= 12) or int(found[1]) < 1900:
            raise DomainError("A month is written YYYY-MM, for example 2026-03.", field=field)
        return cls(int(found[1]), int(found[2]))

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    def shift(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    def minus(self, other: Month) -> int:
        """How many months `other` is before this one."""
        return (self.year - other.year) * 12 + self.month - other.month

    @property
    def start(self) -> date:
        return date(self.year, self.month, 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def latest_released(today: date, *, runout: int) -> Month:
    """The newest month published on `today`: closed, and `runout` months more for late
    claims to come in (the month in progress is never published)."""
    return Month.of(today).shift(-1 - max(runout, 0))


def requested_months(
    first: str | None, last: str | None, *, today: date, runout: int
) -> list[Month]:
    """The months an answer covers: `first`..`last` (inclusive, YYYY-MM) cut at the latest
    released month; by default the last 12 released months."""
    newest = latest_released(today, runout=runout)
    start = Month.parse(first, field="fromMonth") if first is not None else None
    end = Month.parse(last, field="toMonth") if last is not None else newest
    if start is not None and last is not None and start > end:
        raise DomainError("fromMonth is after toMonth.", field="fromMonth")
    end = min(end, newest)  # months not yet released are not in the answer
    start = start if start is not None else end.shift(1 - DEFAULT_MONTHS)
    span = end.minus(start) + 1
    if span > MAX_MONTHS:
        raise DomainError(f"One answer spans at most {MAX_MONTHS} months.", field="fromMonth")
    return [start.shift(i) for i in range(max(span, 0))]


# --- complementary suppression ------------------------------------------------------------
Pos = tuple[int, int]


@dataclass(frozen=True, slots=True)
class _Line:
    """One published equation: the inner cells of a row or column sum to its total."""

    inner: tuple[Pos, ...]
    total: Pos


def _lines(rows: int, cols: int, *, row_totals: bool, column_totals: bool) -> list[_Line]:
    lines = []
    if row_totals:
        lines += [_Line(tuple((r, c) for c in range(cols)), (r, cols)) for r in range(rows)]
    if column_totals:
        lines += [_Line(tuple((r, c) for r in range(rows)), (rows, c)) for c in range(cols)]
    if row_totals and column_totals:  # the margins meet in the grand total
        lines.append(_Line(tuple((rows, c) for c in range(cols)), (rows, cols)))
        lines.append(_Line(tuple((r, cols) for r in range(rows)), (rows, cols)))
    return lines


def protect(
    counts: Sequence[Sequence[int]], *, row_totals: bool = True, column_totals: bool = False
) -> frozenset[Pos]:
    """The positions to withhold when `counts` (rows x columns) is published with these
    totals. (r, c) is a cell; (r, cols) row r's total, (rows, c) column c's total and
    (rows, cols) the grand total (published when both margins are).

    Primary: every count from 1 to 10, cell or total. Complementary, until nothing changes:
    a published equation with exactly one suppressed member gets a second; one whose
    suppressed cells sum to under 11 gets more (the total minus the published cells would
    otherwise be a small cell); a suppressed value that elimination still solves (a chain of
    equations, not one of them) gets a complement in one of its lines. A complement is the
    smallest published non-zero cell of the line (ties: the first), else the line's total."""
    rows = len(counts)
    cols = len(counts[0]) if rows else 0
    value: dict[Pos, int] = {(r, c): int(counts[r][c]) for r in range(rows) for c in range(cols)}
    for r in range(rows):
        value[(r, cols)] = sum(counts[r])
    for c in range(cols):
        value[(rows, c)] = sum(counts[r][c] for r in range(rows))
    value[(rows, cols)] = sum(value[(r, cols)] for r in range(rows))
    lines = _lines(rows, cols, row_totals=row_totals, column_totals=column_totals)
    published = {(r, c) for r in range(rows) for c in range(cols)}
    for line in lines:
        published |= {line.total}
    hidden = {p for p in published if 1 <= value[p] < SMALL_CELL}
    while True:
        if _balance(lines, value, hidden):
            continue
        solved = _solved(lines, hidden)
        if not solved:
            return frozenset(hidden)
        # a complement in one of the solved value's own lines, else anywhere in the table
        # (its lines may be withheld whole and still solve it through a chain of others)
        own = [ln for ln in lines if solved[0] in _members(ln)]
        complement = _complement(own, value, hidden) or _complement(lines, value, hidden)
        if complement is None:  # cannot happen: a fully withheld table solves nothing
            raise AssertionError("no complement left for a solvable cell")
        hidden.add(complement)


def _members(line: _Line) -> tuple[Pos, ...]:
    return (*line.inner, line.total)


def _balance(lines: list[_Line], value: dict[Pos, int], hidden: set[Pos]) -> bool:
    """One pass of the line rules; True when it withheld something more."""
    changed = False
    for line in lines:
        withheld = [p for p in _members(line) if p in hidden]
        if not withheld:
            continue
        residual_small = line.total not in hidden and sum(value[p] for p in withheld) < SMALL_CELL
        if len(withheld) == 1 or residual_small:
            complement = _complement([line], value, hidden)
            if complement is not None:
                hidden.add(complement)
                changed = True
    return changed


def _complement(lines: list[_Line], value: dict[Pos, int], hidden: set[Pos]) -> Pos | None:
    """The smallest published non-zero cell of these lines, else the first published total."""
    cells = [p for ln in lines for p in ln.inner if p not in hidden and value[p] > 0]
    if cells:
        return min(cells, key=lambda p: (value[p], p))
    totals = [ln.total for ln in lines if ln.total not in hidden]
    return totals[0] if totals else None


def _solved(lines: list[_Line], hidden: set[Pos]) -> list[Pos]:
    """The withheld positions whose value the published equations fix (Gauss-Jordan over
    the withheld unknowns: a pivot whose row has no free unknown is solved)."""
    unknowns = sorted(hidden)
    index = {p: i for i, p in enumerate(unknowns)}
    matrix: list[list[Fraction]] = []
    for line in lines:
        row = [Fraction(0)] * len(unknowns)
        for p in line.inner:
            if p in index:
                row[index[p]] = Fraction(1)
        if line.total in index:
            row[index[line.total]] = Fraction(-1)
        if any(row):
            matrix.append(row)
    pivots: list[int] = []
    r = 0
    for col in range(len(unknowns)):
        pick = next((i for i in range(r, len(matrix)) if matrix[i][col] != 0), None)
        if pick is None:
            continue
        matrix[r], matrix[pick] = matrix[pick], matrix[r]
        lead = matrix[r][col]
        matrix[r] = [x / lead for x in matrix[r]]
        for i in range(len(matrix)):
            if i != r and matrix[i][col] != 0:
                factor = matrix[i][col]
                matrix[i] = [a - factor * b for a, b in zip(matrix[i], matrix[r], strict=True)]
        pivots.append(col)
        r += 1
    return [
        unknowns[col]
        for i, col in enumerate(pivots)
        if all(x == 0 for j, x in enumerate(matrix[i]) if j != col)
    ]


# --- one month as released ----------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Cell:
    """A published figure: a claim type's, or the month's total (claim_type None)."""

    claim_type: str | None
    claim_count: int | None
    paid_total: Decimal | None
    suppressed: bool


@dataclass(frozen=True, slots=True)
class MonthSummary:
    month: Month
    total: Cell
    cells: tuple[Cell, ...]  # one per claim type, always all of them, in a fixed order


def round_paid(amount: Decimal) -> Decimal:
    """A paid total as published: to the nearest $100, half up."""
    return ((amount / PAID_UNIT).quantize(Decimal(1), ROUND_HALF_UP) * PAID_UNIT).quantize(
        Decimal("0.01")
    )


def release_month(
    month: Month,
    figures: Mapping[str, tuple[int, Decimal]],
    claim_types: Sequence[str] = CLAIM_TYPES,
) -> MonthSummary:
    """One month as it may be published: `figures` maps a claim type to its count and paid
    total (absent: none); the month's row is protected on its own, with its total."""
    row = [figures.get(t, (0, Decimal(0))) for t in claim_types]
    hidden = protect([[count for count, _ in row]], row_totals=True)

    def cell(claim_type: str | None, pos: Pos, count: int, paid: Decimal) -> Cell:
        if pos in hidden:
            return Cell(claim_type, None, None, True)
        return Cell(claim_type, count, round_paid(paid), False)

    cells = tuple(
        cell(kind, (0, i), count, paid)
        for i, (kind, (count, paid)) in enumerate(zip(claim_types, row, strict=True))
    )
    total = cell(
        None,
        (0, len(claim_types)),
        sum(count for count, _ in row),
        sum((paid for _, paid in row), Decimal(0)),
    )
    return MonthSummary(month, total, cells)
