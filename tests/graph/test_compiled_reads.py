"""The compiled read path answers exactly as graphql-core's own executor does.

Every read is sent twice, as the same persona, to two apps over the same database: one
with the compiled path (the default) and one with COMPILED_READS off, which runs every
field through graphql-core's resolvers. The JSON bodies, the errors (message, path, code)
and the audit rows each request wrote must be the same. The reads are generated from the
schema (every root list, every field to depth 5, through unions and interfaces) and sent
as every persona, plus the bench's operations and hand-written documents with aliases,
fragments, directives and variables; a hypothesis test picks random sub-selections.
"""

from __future__ import annotations

import re
from uuid import uuid4

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from bench.operations import OPERATIONS
from tests.graph.schema_reads import introspection, root_reads

PERSONAS = (
    "admin@example.com",
    "adjudicator@example.com",
    "auditor@example.com",
    "member@example.com",
    "adult.child@example.com",
    "provider@example.com",
    "employer@example.com",
    "regulator@example.com",
)
CURSOR_FIELDS = {"cursor", "endCursor", "startCursor"}

HAND_WRITTEN = [
    # aliases, a fragment, @skip / @include, the same field twice under two names
    """query Q($n: Int!, $yes: Boolean!) { claims(first: $n) { totalCount edges { node {
        ...C  number: claimNumber  again: claimNumber  status @include(if: $yes)
        priority @skip(if: $yes)  __typename } } } }
       fragment C on Claim { id serviceDate billedAmount member { firstName dateOfBirth } }""",
    # an interface selection with inline fragments on each type
    """{ dependents(first: 5) { edges { node { id firstName birthYear relationship
        member { memberNumber ssn zipCode } } } } }""",
    # the same object reached twice with different selections (merged by graphql-core)
    """{ members(first: 5) { edges { node { firstName } } edges { node { lastName ssn } } } }""",
]
VARIABLES = {"n": 7, "yes": True}


@pytest.fixture(scope="module")
async def plain_client(db_url):
    """The same server with the compiled path off: graphql-core's executor for every field."""
    import httpx

    from graph.app import create_app
    from graph.config import Settings

    app = create_app(db_url, Settings(compiled_reads=False))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client
    await app.state.engine.dispose()


async def _ask(client, token: str, query: str, variables: dict | None = None):
    request_id = uuid4().hex
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {token}", "x-request-id": request_id},
    )
    return response.status_code, response.json(), request_id


def _normal(value):
    """The body with what differs by design blanked: cursors are sealed with a fresh nonce
    each time (their presence is kept), and error request ids name the request."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in CURSOR_FIELDS and isinstance(item, str):
                out[key] = "<cursor>"
            elif key == "requestId":
                out[key] = "<request>"
            else:
                out[key] = _normal(item)
        return out
    if isinstance(value, list):
        return [_normal(v) for v in value]
    return value


def _first_difference(a, b, path="") -> str:
    """Where two answers first differ (a path and the two values, cut short)."""
    a, b = _normal(a), _normal(b)
    if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys():
        for key in a:
            if a[key] != b[key]:
                return _first_difference(a[key], b[key], f"{path}.{key}")
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return _first_difference(x, y, f"{path}[{i}]")
    return f"{path}: {str(a)[:300]} != {str(b)[:300]}"


async def _audit(engine, request_id: str) -> list[tuple]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT action, resource_type, resource_id, subject_member_id, "
                "subject_dependent_id, fields, policy_rule, purpose_of_use, break_glass, "
                "operation_name, success, error FROM audit_log WHERE request_id = :r"
            ),
            {"r": request_id},
        )
        return sorted((tuple(map(str, r)) for r in rows), key=repr)


async def _same(client, plain_client, engine, token, query, variables=None) -> dict:
    status, compiled, compiled_id = await _ask(client, token, query, variables)
    plain_status, plain, plain_id = await _ask(plain_client, token, query, variables)
    assert status == plain_status
    assert _normal(compiled) == _normal(plain), (_first_difference(compiled, plain), query)
    assert await _audit(engine, compiled_id) == await _audit(engine, plain_id), query
    return compiled


def _small(query: str) -> str:
    return query.replace("(first: 100)", "(first: 4)")


def _repeatable(query: str) -> str:
    # an incremental chain check reads only the rows written since the one before it, so
    # the second of two answers differs by design: compare full checks
    return query.replace("{ verifyAuditChain {", "{ verifyAuditChain(full: true) {")


# deep enough to reach the relations of a list's items (claims > edges > node > provider)
GENERATED = [(root, _small(_repeatable(q))) for root, q in root_reads(introspection(), max_depth=5)]


@pytest.mark.parametrize("persona", PERSONAS)
async def test_every_generated_read_answers_the_same_both_ways(
    persona, client, plain_client, engine, token_for
):
    token = token_for(persona)
    answered = 0
    for _root, query in GENERATED:
        body = await _same(client, plain_client, engine, token, query)
        answered += bool(body.get("data"))
    assert answered  # every persona reads something, so the comparison is not of nothing


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
async def test_the_bench_operations_answer_the_same_both_ways(
    operation, client, plain_client, engine, token_for
):
    query, persona = OPERATIONS[operation]
    body = await _same(client, plain_client, engine, token_for(persona), query)
    assert "errors" not in body and body["data"]


@pytest.mark.parametrize("persona", ["admin@example.com", "regulator@example.com"])
@pytest.mark.parametrize("query", HAND_WRITTEN)
async def test_aliases_fragments_directives_and_variables_answer_the_same(
    persona, query, client, plain_client, engine, token_for
):
    await _same(client, plain_client, engine, token_for(persona), query, VARIABLES)


def test_the_reads_include_masked_refused_and_audited_fields():
    """What the comparison covers: the generated reads select PHI that some personas see
    masked, some are refused (null with FORBIDDEN) and some read (audited)."""
    selected = " ".join(q for _, q in GENERATED)
    for field in ("ssn", "dateOfBirth", "birthYear", "zipCode", "memberNumber", "notes"):
        assert re.search(rf"\b{field}\b", selected), field


# --- random sub-selections -------------------------------------------------------------------
_TOKENS = re.compile(r"[A-Za-z_]\w*|\.\.\.|[{}():!$@,]|[^\s\w]+|\d+")


def _prune(query: str, keep: list[bool]) -> str:
    """The query with some leaf fields left out: a field name followed by another field or
    the end of its selection (never __typename, which keeps every selection non-empty)."""
    tokens = _TOKENS.findall(query)
    out, n = [], 0
    for i, token in enumerate(tokens):
        after = tokens[i + 1] if i + 1 < len(tokens) else "}"
        before = tokens[i - 1] if i else "{"
        leaf = (
            token.isidentifier()
            and token not in ("__typename", "on", "fragment", "query")
            and token[0].islower()
            and before not in (":", "on", "...", "$", "@")
            and (after == "}" or after.isidentifier())
        )
        if leaf:
            n += 1
            if not keep[n % len(keep)]:
                continue
        out.append(token)
    return " ".join(out)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    read=st.sampled_from(GENERATED),
    persona=st.sampled_from(PERSONAS),
    keep=st.lists(st.booleans(), min_size=3, max_size=12),
)
async def test_random_sub_selections_answer_the_same(
    read, persona, keep, client, plain_client, engine, token_for
):
    _root, query = read
    await _same(client, plain_client, engine, token_for(persona), _prune(query, keep))


def test_every_declared_relation_and_plain_leaf_is_planned():
    """A resolver declared as a relation that the planner cannot use (a wrong shape, an
    argument) would silently take the slow path: every one of them must plan, and so must
    every leaf strawberry reads from an attribute."""
    from graphql import GraphQLObjectType, is_leaf_type

    from graph.plans import LeafPlan, RelationPlan, plan_of
    from graph.schema import build_schema

    schema = build_schema()._schema
    relations = leaves = 0
    for object_type in schema.type_map.values():
        if not isinstance(object_type, GraphQLObjectType) or object_type.name.startswith("__"):
            continue
        for name, field in object_type.fields.items():
            definition = (field.extensions or {}).get("strawberry-definition")
            resolver = getattr(definition, "base_resolver", None)
            declared = getattr(
                getattr(resolver, "wrapped_func", None), "__claimgraph_relation__", None
            )
            if declared is not None:
                assert isinstance(plan_of(object_type, name), RelationPlan), f"{object_type}.{name}"
                relations += 1
            named = getattr(field.type, "of_type", field.type)
            if (
                getattr(field.resolve, "_is_default", False)
                and is_leaf_type(named)
                and not field.args
            ):
                assert isinstance(plan_of(object_type, name), LeafPlan), f"{object_type}.{name}"
                leaves += 1
    assert relations >= 20 and leaves >= 200
