"""No N+1: a nested page costs the same number of SQL statements at 5 rows as at 50."""

from __future__ import annotations

NESTED = """query($n: Int!) { claims(first: $n) { totalCount edges { node {
    id claimNumber billedAmount
    member { id firstName dependents { id } policies { id } }
    provider { id name }
    policy { id planName }
    lines { lineNumber procedureCode }
    appeals { id status }
    events { action }
    payments { id amount } } } } }"""

DASHBOARD = """{ me { member { id policies { id } dependents { id }
    claims(first: 20) { edges { node { id provider { id name } appeals { id } } } } } } }"""

ROSTER = """query($n: Int!) { me { employer { members(first: $n) { totalCount edges { node {
    id policies { planName status } dependentCount claims(first: 5) { totalCount } } } } } } }"""


async def _statements(gql, count_statements, query, variables, as_="admin@example.com") -> int:
    before = count_statements.count
    body = await gql(query, variables, as_=as_)
    assert "errors" not in body, body.get("errors")
    return count_statements.count - before


async def test_nested_claims_cost_the_same_statements_at_5_and_50(gql, count_statements):
    small = await _statements(gql, count_statements, NESTED, {"n": 5})
    large = await _statements(gql, count_statements, NESTED, {"n": 50})
    assert small == large
    # one for the principal, one per relation level, one for the page, one for the total
    assert large <= 14, large


async def test_the_roster_with_nested_pages_is_batched(gql, count_statements):
    small = await _statements(gql, count_statements, ROSTER, {"n": 5}, as_="employer@example.com")
    large = await _statements(gql, count_statements, ROSTER, {"n": 50}, as_="employer@example.com")
    assert small == large


async def test_the_member_dashboard_statement_count_is_pinned(gql, count_statements):
    used = await _statements(gql, count_statements, DASHBOARD, {}, as_="member@example.com")
    # principal (also serves `me`), member, policies + dependents + claim page, providers, appeals
    assert used == 7, used


def test_every_loader_batches_with_a_coroutine():
    """_Loader skips DataLoader's per-instance check that batch_load_fn is a coroutine
    function; this is that check, once, for every loader class."""
    import inspect

    from graph import loaders

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    found = [c for c in subclasses(loaders._Loader) if not c.__name__.startswith("_")]
    assert len(found) >= 15
    for cls in found:
        assert inspect.iscoroutinefunction(cls.batch_load_fn), cls
