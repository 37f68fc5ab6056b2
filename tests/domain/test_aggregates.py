"""The employer's claims summary as released: fixed calendar months, small cells withheld,
complements so that no withheld cell follows from the totals, paid amounts rounded. No
database: hand-worked tables, and a property test over random ones."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.aggregates import (
    CLAIM_TYPES,
    SMALL_CELL,
    Month,
    _Line,
    _lines,
    _solved,
    latest_released,
    protect,
    release_month,
    requested_months,
    round_paid,
)
from domain.errors import DomainError

TODAY = date(2026, 11, 30)


# --- months ---------------------------------------------------------------------------------
def test_a_month_is_written_yyyy_mm():
    assert Month.parse("2026-03", field="fromMonth") == Month(2026, 3)
    assert str(Month(2026, 3)) == "2026-03"
    assert Month(2026, 12).shift(1) == Month(2027, 1)
    assert Month(2026, 1).shift(-13) == Month(2024, 12)
    assert Month(2027, 2).minus(Month(2026, 11)) == 3


@pytest.mark.parametrize("text", ["2026-3", "2026-13", "2026-00", "26-03", "2026-03-01",
                                  "March", "", "1899-12", "２０２６-03"])  # fmt: skip
def test_anything_else_is_refused_naming_the_argument(text):
    with pytest.raises(DomainError) as refused:
        Month.parse(text, field="toMonth")
    assert refused.value.field == "toMonth"


def test_the_month_in_progress_and_the_run_out_are_never_published():
    assert latest_released(TODAY, runout=0) == Month(2026, 10)
    assert latest_released(TODAY, runout=1) == Month(2026, 9)
    assert latest_released(date(2026, 12, 1), runout=1) == Month(2026, 10)


def test_the_published_window_moves_once_per_month_boundary():
    """Day by day through a year the newest released month changes exactly 12 times, each
    time on the 1st: a snapshot keyed on it is sent at most once per boundary."""
    day, seen, changes = date(2026, 1, 1), latest_released(date(2025, 12, 31), runout=1), []
    while day.year == 2026:
        newest = latest_released(day, runout=1)
        if newest != seen:
            changes.append(day)
            seen = newest
        day += timedelta(days=1)
    assert changes == [date(2026, m, 1) for m in range(1, 13)]


def test_a_request_covers_released_months_only():
    newest = Month(2026, 9)
    default = requested_months(None, None, today=TODAY, runout=1)
    assert default == [newest.shift(-i) for i in range(11, -1, -1)]
    assert requested_months("2026-01", "2026-03", today=TODAY, runout=1) == [
        Month(2026, 1), Month(2026, 2), Month(2026, 3)]  # fmt: skip
    # months not yet released are left out, never computed over part of a month
    assert requested_months("2026-08", "2026-12", today=TODAY, runout=1) == [
        Month(2026, 8), Month(2026, 9)]  # fmt: skip
    assert requested_months("2026-10", "2026-11", today=TODAY, runout=1) == []
    assert requested_months("2026-10", None, today=TODAY, runout=1) == []
    assert requested_months(None, "2026-05", today=TODAY, runout=1)[0] == Month(2025, 6)


@pytest.mark.parametrize(
    ("first", "last", "field"),
    [("2026-05", "2026-04", "fromMonth"), ("2020-01", None, "fromMonth"),
     ("nope", None, "fromMonth"), (None, "2026-1", "toMonth")],
)  # fmt: skip
def test_a_bad_request_names_the_argument_at_fault(first, last, field):
    with pytest.raises(DomainError) as refused:
        requested_months(first, last, today=TODAY, runout=1)
    assert refused.value.field == field


# --- hand-worked rows (one month, its total) ------------------------------------------------
@pytest.mark.parametrize(
    ("row", "withheld"),
    [
        # nothing small: nothing withheld
        ([12, 13, 0, 0, 0], set()),
        # one small cell: its complement is the smallest other non-zero cell (20, not 40)
        ([50, 3, 0, 20, 40], {1, 3}),
        # two small cells summing to 5: total minus the published would be 5, so one more
        ([30, 2, 3, 0, 0], {0, 1, 2}),
        # two small cells summing to 12: enough on their own
        ([6, 6, 40, 0, 0], {0, 1}),
        # a small month: its total is withheld too
        ([4, 3, 0, 0, 0], {0, 1, 5}),
        ([5, 0, 0, 0, 0], {0, 5}),
        ([15, 0, 0, 0, 0], set()),
        # demo-like month: four small types (18 together) against medical
        ([31, 1, 4, 4, 9], {1, 2, 3, 4}),
    ],
)
def test_a_month_row(row, withheld):
    hidden = protect([row], row_totals=True)
    assert {c for _, c in hidden} == withheld
    assert all(r == 0 for r, _ in hidden)


def test_a_table_with_both_margins_withholds_a_rectangle():
    """3 is withheld; its row and its column each need a second cell (20, 40), and that
    leaves column 0 with one (so 25 too): a 2 x 2 rectangle no equation can split."""
    table = [[20, 3, 30], [25, 40, 35], [30, 45, 50]]
    assert protect(table, row_totals=True, column_totals=True) == {(0, 0), (0, 1), (1, 0), (1, 1)}


def test_elimination_finds_a_cell_that_no_single_line_gives_away():
    """Two withheld rectangles joined by one cell: every line has two withheld cells or
    none, yet rows 0 and 1 minus columns 0 and 1 leave that cell alone."""
    lines = _lines(4, 4, row_totals=True, column_totals=True)
    first = {(0, 0), (0, 1), (1, 0), (1, 1)}
    second = {(2, 2), (2, 3), (3, 2), (3, 3)}
    assert _solved(lines, first | second | {(1, 2)}) == [(1, 2)]
    assert _solved(lines, first | second) == []


# --- paid amounts -------------------------------------------------------------------------
def test_paid_is_rounded_to_the_nearest_hundred_half_up():
    assert round_paid(Decimal("754.83")) == Decimal("800.00")
    assert round_paid(Decimal("749.99")) == Decimal("700.00")
    assert round_paid(Decimal("750.00")) == Decimal("800.00")
    assert round_paid(Decimal("49.99")) == Decimal("0.00")
    assert round_paid(Decimal("0")) == Decimal("0.00")


def test_a_released_month_has_every_claim_type_and_withholds_paid_with_counts():
    figures = {"medical": (31, Decimal("754.83")), "dental": (1, Decimal("175.61")),
               "mental_health": (9, Decimal("110.82")), "pharmacy": (4, Decimal("0.00")),
               "vision": (4, Decimal("270.83"))}  # fmt: skip
    month = release_month(Month(2025, 11), figures)
    assert [c.claim_type for c in month.cells] == list(CLAIM_TYPES)
    by_type = {c.claim_type: c for c in month.cells}
    assert (by_type["medical"].claim_count, by_type["medical"].paid_total) == (31, Decimal("800"))
    for kind in ("dental", "mental_health", "pharmacy", "vision"):
        cell = by_type[kind]
        assert cell.suppressed and cell.claim_count is None and cell.paid_total is None
    assert (month.total.claim_count, month.total.paid_total) == (49, Decimal("1300.00"))
    empty = release_month(Month(2025, 12), {"medical": (57, Decimal("1263.24"))})
    assert [(c.claim_count, c.paid_total) for c in empty.cells[1:]] == [(0, Decimal("0"))] * 4


# --- any table ------------------------------------------------------------------------------
def _rank(rows: list[list[Fraction]]) -> int:
    """Rank by plain elimination (written apart from the module's own solver)."""
    rows = [r[:] for r in rows]
    rank, width = 0, len(rows[0]) if rows else 0
    for col in range(width):
        pivot = next((i for i in range(rank, len(rows)) if rows[i][col] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for i in range(rank + 1, len(rows)):
            factor = rows[i][col] / rows[rank][col]
            rows[i] = [a - factor * b for a, b in zip(rows[i], rows[rank], strict=True)]
        rank += 1
    return rank


def _equations(lines: list[_Line], hidden: list) -> list[list[Fraction]]:
    """The published equations over the withheld unknowns (published values move right)."""
    out = []
    for line in lines:
        row = [Fraction(1 if p in line.inner else -1 if p == line.total else 0) for p in hidden]
        if any(row):
            out.append(row)
    return out


counts = st.sampled_from([0, 0, 1, 2, 3, 5, 7, 9, 10, 11, 12, 15, 25, 40, 90, 300])


@settings(max_examples=300, deadline=None)
@given(
    table=st.integers(1, 5).flatmap(
        lambda rows: st.integers(1, 6).flatmap(
            lambda cols: st.lists(
                st.lists(counts, min_size=cols, max_size=cols), min_size=rows, max_size=rows
            )
        )
    ),  # fmt: skip
    row_totals=st.booleans(),
    column_totals=st.booleans(),
)
def test_no_withheld_value_can_be_solved(table, row_totals, column_totals):
    rows, cols = len(table), len(table[0])
    hidden = protect(table, row_totals=row_totals, column_totals=column_totals)
    lines = _lines(rows, cols, row_totals=row_totals, column_totals=column_totals)
    value = {(r, c): table[r][c] for r in range(rows) for c in range(cols)}
    value |= {(r, cols): sum(table[r]) for r in range(rows)}
    value |= {(rows, c): sum(t[c] for t in table) for c in range(cols)}
    value[(rows, cols)] = sum(map(sum, table))
    published = set(value) if row_totals and column_totals else (
        {(r, c) for r in range(rows) for c in range(cols)}
        | {ln.total for ln in lines})  # fmt: skip
    assert hidden <= published
    # every small published figure is withheld, and nothing withheld is a zero
    assert {p for p in published if 1 <= value[p] < SMALL_CELL} <= hidden
    assert all(value[p] >= 1 for p in hidden)
    for line in lines:
        withheld = [p for p in (*line.inner, line.total) if p in hidden]
        # a line has no withheld member, or at least two
        assert len(withheld) != 1
        # a published total minus the published cells is 0 or at least 11
        if line.total not in hidden and withheld:
            assert sum(value[p] for p in withheld) >= SMALL_CELL
    # no withheld value follows from all the published equations together
    unknowns = sorted(hidden)
    system = _equations(lines, unknowns)
    base = _rank(system) if system else 0
    for i, p in enumerate(unknowns):
        probe = [Fraction(1 if j == i else 0) for j in range(len(unknowns))]
        assert _rank([*system, probe]) == base + 1, f"{p} can be solved"


@settings(max_examples=200, deadline=None)
@given(row=st.lists(counts, min_size=len(CLAIM_TYPES), max_size=len(CLAIM_TYPES)))
def test_a_month_depends_on_its_own_row_only(row):
    """The same figures give the same release, whatever else is asked with them."""
    figures = {t: (n, Decimal(n) * 37) for t, n in zip(CLAIM_TYPES, row, strict=True)}
    first = release_month(Month(2026, 1), figures)
    assert release_month(Month(2026, 1), dict(reversed(figures.items()))) == first
    published = [c.claim_count for c in first.cells if not c.suppressed]
    assert all(n == 0 or n >= SMALL_CELL for n in published)


def test_a_cell_solved_through_withheld_lines_gets_a_complement_elsewhere():
    """Every non-zero cell of this table is small and withheld, and so are the totals of
    the lines it lies in; elimination over the other lines still solved one of them until a
    complement is taken from anywhere in the table (found by the property test above)."""
    table = [[0, 1, 1], [0, 10, 0], [9, 0, 2]]
    hidden = protect(table, row_totals=True, column_totals=True)
    assert not _solved(_lines(3, 3, row_totals=True, column_totals=True), set(hidden))
    assert {(0, 1), (0, 2), (1, 1), (2, 0), (2, 2)} <= hidden
