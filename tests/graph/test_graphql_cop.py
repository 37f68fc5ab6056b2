"""An outside GraphQL audit, as graphql-cop (github.com/dolevf/graphql-cop) runs it, against a
server process in production mode (`serve` without `--demo`, no settings opened up).

graphql-cop is not installable from PyPI (the name there is an empty placeholder), so its
checks are made here: the same requests and the same verdicts, one function per check. It
must find nothing, anonymously or as any persona outside the plan's staff; staff personas
may find introspection and nothing else.
"""

from __future__ import annotations

import httpx
import pytest

from tests.graph.conftest import start_server
from tests.graph.test_exposure import OUTSIDE, STAFF

HEADERS = {"User-Agent": "graphql-cop/1.14"}
_OPENED_BY_SETTINGS = ("INTROSPECTION_ROLES", "CONSOLE_ENABLED", "ALLOW_GET_QUERIES")


@pytest.fixture(scope="module")
def production(db_url):
    """One server process as `claimgraph serve` starts it without --demo."""
    with pytest.MonkeyPatch.context() as env:
        for name in _OPENED_BY_SETTINGS:
            env.delenv(name, raising=False)
        process, base = start_server(db_url)
    yield base
    process.terminate()
    process.wait(timeout=10)


def _json(response):
    try:
        return response.json()
    except ValueError:
        return None


def _dig(body, *keys):
    for key in keys:
        try:
            body = body[key]
        except (KeyError, IndexError, TypeError):
            return None
    return body


def audit(base: str, headers: dict) -> list[str]:
    """graphql-cop's findings for the endpoint `base`/graphql."""
    url = f"{base}/graphql"
    findings = []
    with httpx.Client(headers={**HEADERS, **headers}, timeout=60) as http:

        def query(payload: str, operation: str = "query"):
            return _json(http.post(url, json={operation: payload, "operationName": "cop"}))

        suggestion = _dig(query("query cop { __schema { directive } }"), "errors", 0, "message")
        if suggestion and "Did you mean" in suggestion:
            findings.append("Field Suggestions")
        if _dig(query("query cop { __schema { types { name fields { name } } } }"),
                "data", "__schema", "types"):  # fmt: skip
            findings.append("Introspection")
        words = ("graphiql.min.css", "GraphQL Playground", "GraphiQL", "graphql-playground")
        for path in ("/graphiql", "/playground", "/console", "/graphql"):
            if any(w in http.get(f"{base}{path}").text for w in words):
                findings.append(f"GraphQL IDE at {path}")
        if _dig(_json(http.get(url, params={"query": "{__typename}"})), "data", "__typename"):
            findings.append("GET Method Query Support")
        aliases = "".join(f"alias{i}:__typename \n" for i in range(101))
        if _dig(query("query cop { " + aliases + " }"), "data", "alias100"):
            findings.append("Alias Overloading")
        batch = _json(http.post(url, json=[{"query": "query cop { __typename }"}] * 10))
        if batch is not None and len(batch) >= 10:
            findings.append("Array-based Query Batching")
        if _dig(query("query cop { " + "__typename \n" * 500 + "} "), "data", "__typename"):
            findings.append("Field Duplication")
        traced = query("query cop { __typename }")
        if _dig(traced, "extensions", "tracing") or "stacktrace" in str(traced).lower():
            findings.append("Tracing Mode")
        overloaded = query("query cop { __typename @aa@aa@aa@aa@aa@aa@aa@aa@aa@aa }")
        if len(_dig(overloaded, "errors") or ()) == 10:
            findings.append("Directive Overloading")
        circular = query(
            "query cop { __schema { types { fields { type { fields { type { fields { type "
            "{ fields { type { name } } } } } } } } } } }"
        )
        if len(_dig(circular, "data", "__schema", "types") or ()) > 25:
            findings.append("Introspection-based Circular Query")
        fragment = query(
            "query cop { __schema { ...A } } fragment A on __Schema { __typename ...B } "
            "fragment B on __Schema { ...A }"
        )
        if fragment is not None and "errors" not in fragment:
            findings.append("Circular Fragment")
        get = _json(http.get(url, params={"query": "mutation cop {__typename}"}))
        if _dig(get, "data", "__typename"):
            findings.append("Mutation is allowed over GET (possible CSRF)")
        posted = _json(http.post(url, params={"query": "query cop {__typename}"}))
        if _dig(posted, "data", "__typename"):
            findings.append("POST based url-encoded query (possible CSRF)")
        unhandled = query("qwerty cop { abc }")
        if _dig(unhandled, "errors", 0, "extensions", "exception") or (
            "'extensions': {'exception':" in str(unhandled).lower()
        ):
            findings.append("Unhandled Errors Detection")
    return findings


def test_anonymous_finds_nothing(production):
    assert audit(production, {}) == []


@pytest.mark.parametrize("who", OUTSIDE)
def test_personas_outside_the_plan_s_staff_find_nothing(production, token_for, who):
    assert audit(production, {"Authorization": f"Bearer {token_for(who)}"}) == []


@pytest.mark.parametrize("who", STAFF)
def test_staff_find_introspection_and_nothing_else(production, token_for, who):
    assert audit(production, {"Authorization": f"Bearer {token_for(who)}"}) == ["Introspection"]


def test_the_audit_finds_what_the_settings_open(db_url, token_for):
    """The same audit against a server opened up as `serve --demo` opens it, with GET on."""
    opened = {"INTROSPECTION_ROLES": "*", "CONSOLE_ENABLED": "1", "ALLOW_GET_QUERIES": "1"}
    process, base = start_server(db_url, **opened)
    try:
        found = audit(base, {"Authorization": f"Bearer {token_for('member@example.com')}"})
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert found == ["Introspection", "GraphQL IDE at /console", "GET Method Query Support"]
