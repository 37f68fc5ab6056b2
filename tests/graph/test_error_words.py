"""Errors in the API's own words (issue 14, item 6), each rule driven from the schema so that
a type, field, enum, mutation or filter added later is held to it too:

- statuses and roles in messages are the schema's enum names (`UNDER_REVIEW`), never the
  stored values; domain/ gives them as terms and graph/errors.py names them;
- a refused field is named as the schema names it (`dateOfBirth`), on the schema's type;
- the README's paragraph on mutation results says what the schema holds (`NotAllowed`);
- a record number given where an id belongs says which filter finds the record, without
  repeating the number;
- every refusal of the HTTP layer, on every route, is JSON with `extensions.code`.
"""

from __future__ import annotations

import ast
import json
import re
from enum import Enum
from functools import cache
from pathlib import Path

import pytest
from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLUnionType, get_named_type
from starlette.routing import Route

from domain import enums as domain_enums
from domain.enums import ClaimStatus
from domain.errors import DomainError, IllegalTransition
from graph.errors import domain_message, schema_name
from graph.fields import Classified, forbidden_read, specs
from graph.relay import RECORD_NUMBERS, number_hint
from graph.results import illegal

ROOT = Path(__file__).resolve().parents[2]


@cache
def schema():
    from graph.schema import build_schema

    return build_schema()


def _graphql():
    return schema()._schema


# --- enum values: the schema's names ---------------------------------------------------------
def _domain_enums() -> list[type[Enum]]:
    return [v for v in vars(domain_enums).values()
            if isinstance(v, type) and issubclass(v, Enum)
            and v.__module__.startswith(f"{domain_enums.__name__}.")]  # fmt: skip


def test_every_domain_enum_in_the_schema_is_named_as_schema_name_names_it():
    by_origin = {}
    for type_ in _graphql().type_map.values():
        if isinstance(type_, GraphQLEnumType) and not type_.name.startswith("__"):
            definition = schema().get_type_by_name(type_.name)
            origin = getattr(definition, "wrapped_cls", None)
            if origin is not None:
                by_origin[origin] = type_
    checked = 0
    for enum in _domain_enums():
        if enum not in by_origin:
            continue  # not exposed: no message can name it to a client as an enum
        assert set(by_origin[enum].values) == {schema_name(m) for m in enum}, enum
        checked += 1
    assert checked >= 20  # ClaimStatus, AppealStatus, Role, ... all reached


def test_a_transition_refusal_speaks_in_the_schemas_names():
    error = IllegalTransition("claim", ClaimStatus.UNDER_REVIEW, ClaimStatus.SUBMITTED)
    assert str(error) == "A claim that is under_review cannot become submitted."  # domain's
    assert domain_message(error) == "A claim that is UNDER_REVIEW cannot become SUBMITTED."
    answer = illegal(error)
    assert (answer.message, answer.current_status, answer.requested_status) == (
        "A claim that is UNDER_REVIEW cannot become SUBMITTED.", "UNDER_REVIEW", "SUBMITTED")  # fmt: skip


def test_a_domain_error_without_terms_is_its_message():
    assert domain_message(DomainError("Fifty {braces} stay.")) == "Fifty {braces} stay."


_REFUSALS = {"DomainError", "IllegalTransition"}


def _enum_like(node: ast.expr) -> bool:
    """`x.value`, or a name that reads like a status or a role: an enum in a message."""
    text = ast.unparse(node)
    return text.endswith(".value") or bool(re.search(r"status|role", text, re.IGNORECASE))


def test_domain_messages_give_enum_values_as_terms_not_spelled_out():
    """The rule for messages written later: a status or role formatted straight into a
    domain error's message would reach the client as the stored value."""
    offenders = []
    for path in sorted((ROOT / "domain").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) in _REFUSALS):
                continue
            for arg in node.args:
                for part in ast.walk(arg):
                    if isinstance(part, ast.FormattedValue) and _enum_like(part.value):
                        offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, offenders


# --- refused fields: the schema's names ------------------------------------------------------
def _classified_types():
    for name in _graphql().type_map:
        definition = schema().get_type_by_name(name)
        origin = getattr(definition, "origin", None)
        if isinstance(origin, type) and issubclass(origin, Classified) and specs(origin):
            yield name, origin


def test_every_refused_field_is_named_as_the_schema_names_it():
    checked = 0
    for type_name, cls in _classified_types():
        fields = _graphql().type_map[type_name].fields
        for python_name in specs(cls):
            message = forbidden_read(cls.__new__(cls), python_name).message
            quoted = re.search(r"'([^']+)' of this (\w+)\.$", message)
            assert quoted, message
            assert quoted[1] in fields and quoted[2] == type_name, message
            checked += 1
    assert checked > 50
    from graph.member.types import Member

    message = forbidden_read(Member.__new__(Member), "date_of_birth").message
    assert message == "You may not read 'dateOfBirth' of this Member."


# --- NotAllowed: the README says what the schema holds ----------------------------------------
def _mutations() -> dict[str, list[str] | None]:
    """Each mutation's result union members (None: it returns a record, not a union)."""
    out = {}
    for name, field in _graphql().mutation_type.fields.items():
        type_ = get_named_type(field.type)
        out[name] = [t.name for t in type_.types] if isinstance(type_, GraphQLUnionType) else None
    return out


def _results_paragraph() -> str:
    readme = (ROOT / "README.md").read_text()
    workflows = readme.split("## Workflows", 1)[1]
    return " ".join(workflows.strip().split("\n\n", 1)[0].split())


def test_the_readme_names_the_mutations_that_can_answer_not_allowed():
    paragraph = _results_paragraph()
    assert "Every mutation returns a union" not in paragraph
    named = re.search(r"`NotAllowed` where [^:]*:([^)]*)\)", paragraph)
    assert named, paragraph
    mutations = _mutations()
    with_not_allowed = {
        m for m, members in mutations.items() if members and "NotAllowed" in members
    }
    assert set(re.findall(r"`(\w+)`", named[1])) == with_not_allowed
    records = re.search(r"([^.]*) return their record", paragraph)
    assert records, paragraph
    assert set(re.findall(r"`(\w+)`", records[1])) == {m for m, u in mutations.items() if u is None}


def test_every_result_union_is_a_result_and_typed_refusals():
    from graph import results

    refusals = {name for name, value in vars(results).items()
                if hasattr(value, "__strawberry_definition__")} | {"ClaimRefused"}  # fmt: skip
    for name, members in _mutations().items():
        if members is not None:
            assert members[0] not in refusals and set(members[1:]) <= refusals, (name, members)


# --- a record number where an id belongs -----------------------------------------------------
def _number_filters() -> set[tuple[str, str]]:
    """(root list, filter field) for every filter field of a root list that takes a number."""
    found = set()
    for name, field in _graphql().query_type.fields.items():
        argument = field.args.get("filter")
        if argument is None:
            continue
        type_ = get_named_type(argument.type)
        assert isinstance(type_, GraphQLInputObjectType)
        found |= {(name, f) for f in type_.fields if f.endswith("Number")}
    return found


def test_every_number_filter_is_the_hint_for_its_numbers():
    finders = {finder for _, finder in RECORD_NUMBERS.values() if finder}
    assert finders == _number_filters()


@pytest.mark.parametrize("prefix", sorted(RECORD_NUMBERS))
def test_a_record_number_as_an_id_says_what_it_is_without_repeating_it(prefix):
    value = f"{prefix}-20260101-000042" if prefix == "CLM" else f"{prefix}-00000042"
    hint = number_hint(value, "claimId")
    what, finder = RECORD_NUMBERS[prefix]
    assert hint and f"looks like a {what} number" in hint and "'claimId'" in hint
    assert "00000042" not in hint and "000042" not in hint
    if finder:
        assert f"{finder[0]}(filter: {{{finder[1]}: ...}})" in hint


def test_a_global_id_is_no_record_number():
    from graph.relay import to_global_id

    assert number_hint(to_global_id("Claim", __import__("uuid").uuid4()), "id") is None
    assert number_hint("XYZ-123", "id") is None


@pytest.mark.parametrize(
    ("query", "number", "finds"),
    [
        ('{ claim(id: "CLM-20260101-000042") { id } }', "000042", "claims(filter: {claimNumber"),
        ('{ node(id: "MBR-00000001") { id } }', "00000001", "members(filter: {memberNumber"),
        ('{ member(id: " mbr-00000001 ") { id } }', "00000001", "members(filter: {memberNumber"),
    ],
)
async def test_a_lookup_by_record_number_points_at_the_filter(gql, query, number, finds):
    body = await gql(query)
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert finds in error["message"], error
    assert number not in json.dumps(body), body


async def test_a_refused_transition_answers_in_the_schemas_names(gql):
    query = "{ claims(first: 1, filter: {status: [PAID]}) { edges { node { id version } } } }"
    body = await gql(query)
    claim = body["data"]["claims"]["edges"][0]["node"]
    answer = await gql(
        "mutation($c: ID!, $v: Int!) { assignClaim(claimId: $c, version: $v) { __typename "
        "... on IllegalStatusChange { message currentStatus requestedStatus } } }",
        {"c": claim["id"], "v": claim["version"]},
        as_="adjudicator@example.com",
    )
    result = answer["data"]["assignClaim"]
    assert result["__typename"] == "IllegalStatusChange", answer
    assert result["currentStatus"] == "PAID", result
    assert "PAID" in result["message"] and "paid" not in result["message"], result


# --- the HTTP layer: coded JSON on every route -----------------------------------------------
def _assert_coded(response, code: str) -> None:
    assert response.headers["content-type"].startswith("application/json"), response.text
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == code, body


async def test_an_unknown_path_is_coded_json(client):
    _assert_coded(await client.get("/no/such/path"), "NOT_FOUND")


async def test_every_route_refuses_a_method_it_does_not_take_with_coded_json(app, client):
    routes = [r for r in app.routes if isinstance(r, Route) and r.methods]
    assert any(r.path == "/graphql" for r in routes)
    for route in routes:
        path = route.path.replace("{path}", "x")
        response = await client.request("DELETE", path)
        assert response.status_code == 405, (route.path, response.text)
        _assert_coded(response, "BAD_USER_INPUT")


async def test_a_bad_sign_in_body_is_coded_json(client):
    response = await client.post("/auth/token", content=b"grant_type=nonsense")
    assert 400 <= response.status_code < 500, response.text
    body = response.json()
    assert body["error"]  # RFC 6749's field stays
    assert body["errors"][0]["extensions"]["code"] in ("BAD_USER_INPUT", "UNAUTHENTICATED"), body
