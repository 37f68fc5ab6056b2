"""What /graphql shows and accepts: no HTML, no GET unless turned on, JSON or preflighted
multipart only, bodies within their limits, one purpose of use, introspection for the roles
the policy lets in, no field repeated over and over."""

from __future__ import annotations

import contextlib
import json

import pytest

from graph.config import Settings
from tests.graph.conftest import app_with

TYPENAME = "{ __typename }"
SCHEMA = "{ __schema { queryType { name } types { name } } }"
STAFF = ("admin@example.com", "adjudicator@example.com", "auditor@example.com")
OUTSIDE = (
    "member@example.com",
    "adult.child@example.com",
    "provider@example.com",
    "employer@example.com",
    "regulator@example.com",
)


def _auth(token_for, who: str = "member@example.com") -> dict:
    return {"Authorization": f"Bearer {token_for(who)}"}


def _code(response) -> str:
    return response.json()["errors"][0]["extensions"]["code"]


# -- no HTML, no GET ----------------------------------------------------------------------


@pytest.mark.parametrize("accept", ["text/html", "application/json", "*/*"])
async def test_get_is_refused_and_the_endpoint_serves_no_html(client, token_for, accept):
    for params in ({}, {"query": TYPENAME}):
        response = await client.get(
            "/graphql", params=params, headers={"Accept": accept, **_auth(token_for)}
        )
        assert response.status_code == 405, response.text
        assert response.headers["allow"] == "POST"
        assert response.headers["content-type"] == "application/json"
        assert _code(response) == "BAD_USER_INPUT"
        assert "graphiql" not in response.text.lower()


async def test_get_queries_when_a_setting_turns_them_on(db_url, token_for):
    async with app_with(db_url, allow_get_queries=True) as c:
        ok = await c.get("/graphql", params={"query": TYPENAME}, headers=_auth(token_for))
        assert ok.json() == {"data": {"__typename": "Query"}}
        anonymous = await c.get("/graphql", params={"query": TYPENAME})
        assert anonymous.status_code == 401 and _code(anonymous) == "UNAUTHENTICATED"
        mutation = await c.get(
            "/graphql",
            params={"query": "mutation cop { __typename }"},
            headers=_auth(token_for),
        )
        assert mutation.status_code in (400, 405), mutation.text  # mutations never over GET
        assert "__typename" not in mutation.text.replace("mutation cop { __typename }", "")
        page = await c.get("/graphql", headers={"Accept": "text/html", **_auth(token_for)})
        assert "graphiql" not in page.text.lower()


async def test_the_console_is_off_unless_turned_on_and_lives_on_its_own_path(client, db_url):
    assert (await client.get("/console")).status_code == 404
    async with app_with(db_url, console_enabled=True) as c:
        page = await c.get("/console")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "graphiql" in page.text.lower()
        assert "/console/assets/" in page.text  # the built page (tests/graph/test_console.py)
        assert page.headers["cache-control"] == "no-store"
        html = await c.get("/graphql", headers={"Accept": "text/html"})
        assert html.status_code == 405 and "graphiql" not in html.text.lower()


# -- content types and CSRF -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (json.dumps({"query": TYPENAME}), "text/plain"),
        ("query=%7B__typename%7D", "application/x-www-form-urlencoded"),
        (json.dumps({"query": TYPENAME}), None),
    ],
    ids=["text-plain", "form-encoded", "none"],
)
async def test_bodies_a_browser_sends_cross_site_are_refused(
    client, token_for, content, content_type
):
    headers = _auth(token_for) | ({"Content-Type": content_type} if content_type else {})
    response = await client.post("/graphql", content=content, headers=headers)
    assert response.status_code == 415, response.text
    assert _code(response) == "BAD_USER_INPUT"


async def test_a_multipart_request_needs_the_preflight_header(client, token_for):
    form = {"operations": json.dumps({"query": TYPENAME}), "map": "{}"}
    files = {"0": ("a.txt", b"hello", "text/plain")}
    bare = await client.post("/graphql", data=form, files=files, headers=_auth(token_for))
    assert bare.status_code == 400
    assert bare.json()["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "GraphQL-Require-Preflight",
    }
    for header in ("GraphQL-Require-Preflight", "Apollo-Require-Preflight"):
        ok = await client.post(
            "/graphql", data=form, files=files, headers={header: "1", **_auth(token_for)}
        )
        assert ok.json() == {"data": {"__typename": "Query"}}, ok.text


async def test_a_batch_array_is_refused(client, token_for):
    response = await client.post(
        "/graphql", json=[{"query": TYPENAME}] * 10, headers=_auth(token_for)
    )
    assert response.status_code == 400
    with contextlib.suppress(ValueError):
        assert not isinstance(response.json(), list)


# -- body limits -----------------------------------------------------------------------------


async def test_json_bodies_are_capped_announced_or_streamed(db_url, token_for, client):
    padding = " " * 2000
    small = json.dumps({"query": TYPENAME}).encode()
    big = json.dumps({"query": TYPENAME + padding}).encode()

    async def chunks(data: bytes):
        for i in range(0, len(data), 256):
            yield data[i : i + 256]

    async with app_with(db_url, max_json_body_bytes=1024) as c:
        headers = {"Content-Type": "application/json", **_auth(token_for)}
        ok = await c.post("/graphql", content=small, headers=headers)
        assert ok.json() == {"data": {"__typename": "Query"}}
        announced = await c.post("/graphql", content=big, headers=headers)
        streamed = await c.post("/graphql", content=chunks(big), headers=headers)
        for refused in (announced, streamed):
            assert refused.status_code == 413, refused.text
            assert refused.json()["errors"][0]["extensions"] == {
                "code": "BAD_USER_INPUT",
                "field": "body",
            }
        assert "content-length" not in streamed.request.headers  # sent chunked
        # uploads keep their own, larger limit
        form = {"operations": json.dumps({"query": TYPENAME + padding}), "map": "{}"}
        upload = await c.post(
            "/graphql",
            data=form,
            files={"0": ("a.csv", b"x" * 4000, "text/csv")},
            headers={"GraphQL-Require-Preflight": "1", **_auth(token_for)},
        )
        assert upload.json() == {"data": {"__typename": "Query"}}, upload.text
    # the default: 1 MB
    huge = json.dumps({"query": TYPENAME + " " * (1024 * 1024)})
    response = await client.post(
        "/graphql", content=huge, headers={"Content-Type": "application/json", **_auth(token_for)}
    )
    assert response.status_code == 413 and "1 MB" in response.json()["errors"][0]["message"]


async def test_a_streamed_upload_past_its_limit_is_cut_off(db_url, token_for):
    from graph.gate import upload_limit

    settings = {"max_upload_bytes": 4096, "max_document_bytes": 100}
    limit = upload_limit(Settings(**settings))
    boundary = "cgboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n'
        f'{{"query": "{{ __typename }}"}}\r\n--{boundary}\r\n'
        f'Content-Disposition: form-data; name="map"\r\n\r\n{{}}\r\n--{boundary}\r\n'
        f'Content-Disposition: form-data; name="0"; filename="a.csv"\r\n'
        f"Content-Type: text/csv\r\n\r\n"
    ).encode()

    async def body():
        yield head
        sent = 0
        while sent <= limit:
            yield b"x" * 65536
            sent += 65536
        yield f"\r\n--{boundary}--\r\n".encode()

    async with app_with(db_url, **settings) as c:
        response = await c.post(
            "/graphql",
            content=body(),
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "GraphQL-Require-Preflight": "1",
                **_auth(token_for),
            },
        )
    assert response.status_code == 413, response.text
    assert _code(response) == "BAD_USER_INPUT"


# -- purpose of use ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "purposes",
    [[("X-Purpose-Of-Use", "PATIENT_REQUEST"), ("X-Purpose-Of-Use", "PATIENT_REQUEST")],
     [("X-Purpose-Of-Use", "PATIENT_REQUEST"), ("X-Purpose-Of-Use", "TREATMENT")],
     [("X-Purpose-Of-Use", "PATIENT_REQUEST, TREATMENT")]],
    ids=["twice-the-same", "two", "comma-joined"],
)  # fmt: skip
async def test_a_repeated_purpose_of_use_is_bad_input(client, token_for, purposes):
    headers = [*_auth(token_for).items(), *purposes]
    response = await client.post("/graphql", json={"query": TYPENAME}, headers=headers)
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "X-Purpose-Of-Use",
    }
    once = await client.post(
        "/graphql",
        json={"query": TYPENAME},
        headers=[*_auth(token_for).items(), ("X-Purpose-Of-Use", "PATIENT_REQUEST")],
    )
    assert once.json() == {"data": {"__typename": "Query"}}


# -- introspection -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", STAFF)
async def test_staff_may_introspect(gql, who):
    answer = await gql(SCHEMA, as_=who)
    assert answer["data"]["__schema"]["queryType"] == {"name": "Query"}, answer


@pytest.mark.parametrize("who", OUTSIDE)
@pytest.mark.parametrize(
    "query",
    [
        SCHEMA,
        '{ __type(name: "Member") { fields { name } } }',
        "query { ...F } fragment F on Query { __schema { types { name } } }",
        "query { me { email } ... on Query { __schema { types { name } } } }",
    ],
    ids=["schema", "type", "fragment", "inline"],
)
async def test_no_one_else_may_introspect_and_nothing_of_the_schema_leaks(gql, who, query):
    answer = await gql(query, as_=who)
    assert answer["data"] is None
    assert [e["extensions"]["code"] for e in answer["errors"]] == ["FORBIDDEN"]
    text = json.dumps(answer)
    assert "types" not in text and "Query" not in text and "fields" not in text


@pytest.mark.parametrize("who", OUTSIDE)
async def test_typename_is_no_introspection(gql, who):
    assert (await gql(TYPENAME, as_=who)) == {"data": {"__typename": "Query"}}


async def test_the_setting_widens_or_closes_introspection(db_url, token_for):
    query = {"query": SCHEMA}
    async with app_with(db_url, introspection_roles=("*",)) as c:
        member = await c.post("/graphql", json=query, headers=_auth(token_for))
        assert member.json()["data"]["__schema"]["queryType"] == {"name": "Query"}
    async with app_with(db_url, introspection_roles=()) as c:
        admin = await c.post("/graphql", json=query, headers=_auth(token_for, STAFF[0]))
        assert _code(admin) == "FORBIDDEN" and admin.json()["data"] is None


async def test_the_console_s_own_introspection_query_passes_for_staff(gql):
    from graphql import get_introspection_query

    full = get_introspection_query(descriptions=True, directive_is_repeatable=True)
    answer = await gql(full, as_="admin@example.com")
    assert "errors" not in answer and len(answer["data"]["__schema"]["types"]) > 25


# -- denials of service the auditors probe for --------------------------------------------------


@pytest.mark.parametrize(
    ("query", "allowed"),
    [
        ("{ __typename __typename __typename }", True),
        ("{ " + "__typename " * 4 + "}", False),
        ("query cop { " + "__typename \n" * 500 + "}", False),
        ("{ ...F ...F ...F ...F } fragment F on Query { __typename }", False),
        ("{ " + "... on Query { __typename } " * 4 + "}", False),
        ("{ me { email email email email } }", False),
    ],
)
async def test_a_field_repeated_in_one_selection_set_is_refused(gql, query, allowed):
    answer = await gql(query, as_="member@example.com")
    if allowed:
        assert "errors" not in answer, answer
    else:
        assert answer["data"] is None
        assert answer["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"


async def test_circular_introspection_is_refused_even_for_staff(gql):
    circular = (
        "query { __schema { types { fields { type { fields { type { fields { type { fields "
        "{ type { name } } } } } } } } } } }"
    )
    answer = await gql(circular, as_="admin@example.com")
    assert answer["data"] is None, answer
    assert answer["errors"][0]["message"] == "Maximum introspection depth exceeded"
