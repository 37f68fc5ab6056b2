"""A differencing attack on the employer's claims summary, against a real server process and
the real database. An employer of its own (with employees and claims made here, some months
and claim types under 11) asks for every range of months it can, follows the snapshots, and
asks again after claims changed; nothing it can put together recovers a figure under 11."""

from __future__ import annotations

import base64
import itertools
import uuid
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from gql import gql as parse
from sqlalchemy import text

from domain.aggregates import CLAIM_TYPES, SMALL_CELL, Month, latest_released, round_paid
from graph.config import Settings
from graph.relay import to_global_id
from tests.domain.test_aggregates import _rank
from tests.graph.conftest import start_server
from tests.graph.test_subscriptions import _next, _post, _with, session

MONTH_FIELDS = (
    "month claimCount paidTotal suppressed cells { claimType claimCount paidTotal suppressed }"
)
SUMMARY = "query($e: ID!, $f: String, $t: String) { claimsSummary(employerId: $e, " \
    "fromMonth: $f, toMonth: $t) { " + MONTH_FIELDS + " } }"  # fmt: skip
SNAPSHOTS = parse(
    "subscription($e: ID!, $a: String) { claimsSummaryChanged(employerId: $e, after: $a) "
    "{ cursor months { " + MONTH_FIELDS + " } } }"
)
PAID_EACH = Decimal("37.45")  # every claim made here was paid this much

NEWEST = latest_released(date.today(), runout=Settings().claims_summary_runout_months)
# true counts per month and claim type (medical, dental, vision, pharmacy, mental_health)
TRUE = {
    NEWEST.shift(-3): (40, 3, 0, 12, 0),  # one small cell: pharmacy (12) protects dental (3)
    NEWEST.shift(-2): (25, 2, 4, 0, 1),  # three small cells, 7 together: medical joins them
    NEWEST.shift(-1): (6, 0, 0, 0, 0),  # a small month: its total is withheld too
    NEWEST: (15, 11, 14, 0, 0),  # nothing small
    NEWEST.shift(1): (0, 1, 0, 0, 0),  # closed, but within its run-out: not published
    NEWEST.shift(2): (0, 0, 2, 0, 0),  # the month in progress (runout 1): not published
}


@pytest.fixture(scope="module")
def snapshot_server(db_url):
    """A server that looks at claims-summary snapshots every second."""
    process, base = start_server(db_url, CLAIMS_SUMMARY_SNAPSHOT_SECONDS="1")
    yield base
    process.terminate()
    process.wait(timeout=10)


def _db_id(global_id: str) -> str:
    return base64.urlsafe_b64decode(global_id + "==").decode().split(":")[1]


async def _claims(engine, members: list[str], month: Month, kind: str, n: int) -> None:
    """`n` claims of one claim type, on the first and the last day of the month (whole
    months are counted, to the day), paid PAID_EACH each."""
    async with engine.begin() as conn:
        await conn.execute(text(
            "INSERT INTO claims (claim_number, member_id, provider_id, claim_type, service_date, "
            "billed_amount, paid_amount) SELECT :prefix || g, (CAST(:members AS uuid[]))[1 + g % 3], "
            "(SELECT id FROM providers ORDER BY npi LIMIT 1), :kind, "
            "CASE WHEN g % 2 = 0 THEN CAST(:first AS date) ELSE CAST(:last AS date) END, 100, :paid "
            "FROM generate_series(1, :n) g"),
            {"prefix": f"DC{uuid.uuid4().hex[:12]}-", "members": members, "kind": kind,
             "first": month.start, "last": month.shift(1).start - timedelta(days=1),
             "paid": PAID_EACH, "n": n})  # fmt: skip


@pytest.fixture(scope="module")
async def employer(gql, engine):
    """An employer of its own with three employees, their claims (TRUE), and a portal user
    (global id, token). Its claims and employees are removed afterwards."""
    from graph.auth import issue_access_token

    async with engine.begin() as conn:
        employer_id = (await conn.execute(text(
            "INSERT INTO employers (company_name, group_number, state) "
            "VALUES ('Fabrikam Disclosure', :g, 'OR') RETURNING id"),
            {"g": f"GRP-D{uuid.uuid4().hex[:10]}"})).scalar_one()  # fmt: skip
    gid = to_global_id("Employer", employer_id)
    members = []
    for name in ("Ames", "Birch", "Cole"):
        body = await gql(
            "mutation($input: EnrollMemberInput!) { enrollMember(input: $input) { __typename "
            "... on MemberEnrolled { member { id } } } }",
            {"input": {"firstName": "Kim", "lastName": name, "dateOfBirth": "1985-06-01",
                       "employerId": gid, "employeeId": f"E-{name}",
                       "enrollmentDate": str(NEWEST.shift(-6).start)}},
        )  # fmt: skip
        member = body["data"]["enrollMember"]
        assert member["__typename"] == "MemberEnrolled", body
        members.append(_db_id(member["member"]["id"]))
    created = (await gql(
        "mutation($input: CreateUserInput!) { createUser(input: $input) { __typename "
        "... on UserSaved { user { id } } } }",
        {"input": {"email": f"portal-{uuid.uuid4().hex[:8]}@example.com", "role": "EMPLOYER",
                   "password": "a long enough password 42", "employerId": gid}},
    ))["data"]["createUser"]  # fmt: skip
    assert created["__typename"] == "UserSaved", created
    user_id = uuid.UUID(_db_id(created["user"]["id"]))
    token = issue_access_token(user_id=user_id, role="employer", settings=Settings())
    for month, counts in TRUE.items():
        for kind, n in zip(CLAIM_TYPES, counts, strict=True):
            if n:
                await _claims(engine, members, month, kind, n)
    yield {"id": gid, "token": token, "members": members}
    async with engine.begin() as conn:
        await conn.execute(text("DELETE FROM claims WHERE member_id = ANY(CAST(:m AS uuid[]))"),
                           {"m": members})  # fmt: skip
        await conn.execute(text("DELETE FROM members WHERE id = ANY(CAST(:m AS uuid[]))"),
                           {"m": members})  # fmt: skip


# --- what the employer can obtain -----------------------------------------------------------
def _table(months: list[dict]) -> dict[str, dict]:
    return {m["month"]: m for m in months}


async def _every_range(base: str, employer: dict) -> list[dict[str, dict]]:
    """The answers to every range the employer can ask for around its months: every pair of
    months, each end alone, and neither."""
    window = [str(NEWEST.shift(i)) for i in range(-5, 3)]
    asks = [(a, b) for a, b in itertools.product(window, repeat=2) if a <= b]
    asks += [(a, None) for a in window] + [(None, b) for b in window] + [(None, None)]
    answers = []
    for first, last in asks:
        body = await _post(base, employer["token"], SUMMARY,
                           {"e": employer["id"], "f": first, "t": last})  # fmt: skip
        assert "errors" not in body, (first, last, body)
        answers.append(_table(body["data"]["claimsSummary"]))
    return answers


def _true_count(month: str, kind: str | None) -> int:
    counts = TRUE.get(Month.parse(month, field="month"), (0,) * len(CLAIM_TYPES))
    return sum(counts) if kind is None else counts[CLAIM_TYPES.index(kind)]


def _small(month: str, kind: str | None) -> bool:
    return 1 <= _true_count(month, kind) < SMALL_CELL


def _shown(answer: dict[str, dict], kind: str) -> int:
    """What an answer shows of one claim type over all its months (withheld counts as 0)."""
    return sum(c["claimCount"] or 0 for r in answer.values() for c in r["cells"]
               if c["claimType"] == kind)  # fmt: skip


def _recoverable(answers: list[dict[str, dict]]) -> set[tuple[str, str | None]]:
    """The withheld figures (month, claim type or None for the month's total) that the
    published equations of all these answers solve, by elimination."""
    unknowns: list[tuple[str, str | None]] = []
    equations: list[dict[tuple[str, str | None], int]] = []
    seen: set[str] = set()
    for answer in answers:
        for month, row in answer.items():
            if month in seen:
                continue
            seen.add(month)
            members = [((month, c["claimType"]), c) for c in row["cells"]]
            members.append(((month, None), row))
            unknowns += [key for key, c in members if c["suppressed"]]
            equations.append({key: (-1 if key[1] is None else 1) for key, c in members
                              if c["suppressed"]})  # fmt: skip
    if not unknowns:
        return set()
    system = [[Fraction(eq.get(u, 0)) for u in unknowns] for eq in equations if eq]
    base = _rank(system) if system else 0
    solved = set()
    for i, u in enumerate(unknowns):
        probe = [Fraction(int(j == i)) for j in range(len(unknowns))]
        if _rank([*system, probe]) == base:
            solved.add(u)
    return solved


def _assert_nothing_small_recovered(answers: list[dict[str, dict]]) -> None:
    released = {str(m) for m in TRUE if m <= NEWEST}
    # a month is the same in every answer that has it, so no two answers differ in part
    rows: dict[str, dict] = {}
    for answer in answers:
        assert set(answer) <= {str(NEWEST.shift(i)) for i in range(-40, 1)}, "unreleased month"
        for month, row in answer.items():
            assert rows.setdefault(month, row) == row, month
    assert released <= set(rows)
    for month, row in rows.items():
        figures = [(c["claimType"], c) for c in row["cells"]] + [(None, row)]
        assert [c["claimType"] for c in row["cells"]] == list(CLAIM_TYPES)
        for kind, cell in figures:
            true = _true_count(month, kind)
            if cell["suppressed"]:
                assert cell["claimCount"] is None and cell["paidTotal"] is None
            else:  # published: exact count, paid rounded to the nearest 100
                assert not _small(month, kind), (month, kind)
                assert cell["claimCount"] == true
                assert Decimal(cell["paidTotal"]) == round_paid(true * PAID_EACH)
        withheld = [c for _, c in figures[:-1] if c["suppressed"]]
        # the month's total minus its published cells is 0, or over two or more cells >= 11
        if not row["suppressed"] and withheld:
            assert len(withheld) >= 2, month
            shown = sum(c["claimCount"] for c in row["cells"] if not c["suppressed"])
            assert row["claimCount"] - shown >= SMALL_CELL, month
    # the difference of two answers one month apart, claim type by claim type
    for a, b in itertools.permutations(answers, 2):
        extra = set(a) - set(b)
        if len(extra) != 1 or not set(b) <= set(a):
            continue
        [month] = extra
        for kind in CLAIM_TYPES:
            if _small(month, kind):
                assert _shown(a, kind) - _shown(b, kind) != _true_count(month, kind), month
    # and nothing withheld follows from everything published, taken together
    small = {(m, k) for m in rows for k in (*CLAIM_TYPES, None) if _small(m, k)}
    assert small, "the test's own employer has small cells"
    assert not (_recoverable(answers) & small)


async def test_no_range_or_snapshot_recovers_a_cell_under_11(snapshot_server, employer, engine):
    answers = await _every_range(snapshot_server, employer)
    # what the months look like, as worked out by hand (domain/aggregates.py)
    rows = answers[-1]
    hidden = {m: [c["claimType"] for c in r["cells"] if c["suppressed"]] for m, r in rows.items()}
    assert hidden[str(NEWEST.shift(-3))] == ["dental", "pharmacy"]
    assert hidden[str(NEWEST.shift(-2))] == ["medical", "dental", "vision", "mental_health"]
    small_month = rows[str(NEWEST.shift(-1))]
    assert hidden[str(NEWEST.shift(-1))] == ["medical"] and small_month["suppressed"]
    assert hidden[str(NEWEST)] == []
    async with session(snapshot_server, employer["token"]) as s:
        events = s.subscribe(_with(SNAPSHOTS, e=employer["id"], a=None)).__aiter__()
        first = (await _next(events))["claimsSummaryChanged"]
        assert first["cursor"] == str(NEWEST)
        snapshot = _table(first["months"])
        assert snapshot == answers[-1]  # the snapshot is the default answer
        # claims come in late for a released month and for the months not yet released,
        # and change status: the published months stay as released and nothing is pushed
        await _claims(engine, employer["members"], NEWEST.shift(-2), "pharmacy", 1)
        await _claims(engine, employer["members"], NEWEST.shift(-3), "dental", 9)
        await _claims(engine, employer["members"], NEWEST.shift(2), "medical", 30)
        async with engine.begin() as conn:
            await conn.execute(text(
                "INSERT INTO outbox_events (topic, payload) SELECT 'claim.status_changed', "
                "jsonb_build_object('claim_id', c.id, 'old_status', 'submitted', "
                "'new_status', 'approved', 'version', 1) FROM claims c "
                "WHERE c.member_id = ANY(CAST(:m AS uuid[])) LIMIT 20"),
                {"m": employer["members"]})  # fmt: skip
        with pytest.raises(TimeoutError):
            await _next(events, wait=3.5)  # three snapshot looks, nothing new to send
        await events.aclose()
    again = await _every_range(snapshot_server, employer)
    assert again == answers
    _assert_nothing_small_recovered([*answers, snapshot, *again])


async def test_a_snapshot_cursor_resumes_without_a_repeat(snapshot_server, employer):
    async with session(snapshot_server, employer["token"]) as s:
        current = s.subscribe(_with(SNAPSHOTS, e=employer["id"], a=str(NEWEST))).__aiter__()
        with pytest.raises(TimeoutError):
            await _next(current, wait=2.5)  # it has the newest snapshot already
        await current.aclose()
        behind = s.subscribe(_with(SNAPSHOTS, e=employer["id"], a=str(NEWEST.shift(-1))))
        event = (await _next(behind.__aiter__()))["claimsSummaryChanged"]
        assert event["cursor"] == str(NEWEST)
        await behind.aclose()


@pytest.mark.parametrize(
    ("first", "last", "field"),
    [("2026-13", None, "fromMonth"), ("2026-1", None, "fromMonth"),
     (None, "2026-03-01", "toMonth"), ("2026-05", "2026-04", "fromMonth"),
     ("2001-01", "2026-01", "fromMonth")],
)  # fmt: skip
async def test_only_whole_months_can_be_asked_for(snapshot_server, employer, first, last, field):
    body = await _post(snapshot_server, employer["token"], SUMMARY,
                       {"e": employer["id"], "f": first, "t": last})  # fmt: skip
    [error] = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}


async def test_day_ranges_are_gone(snapshot_server, employer):
    body = await _post(snapshot_server, employer["token"],
                       'query($e: ID!) { claimsSummary(employerId: $e, serviceDateFrom: '
                       '"2026-01-01", serviceDateTo: "2026-01-02") { month } }',
                       {"e": employer["id"]})  # fmt: skip
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert body.get("data") is None


async def test_a_snapshot_cursor_that_is_not_a_month_is_refused(snapshot_server, employer):
    from gql.transport.exceptions import TransportQueryError

    async with session(snapshot_server, employer["token"]) as s:
        with pytest.raises(TransportQueryError) as refused:
            async for _ in s.subscribe(_with(SNAPSHOTS, e=employer["id"], a="1234")):
                pass
    assert refused.value.errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}
