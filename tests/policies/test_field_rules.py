"""Field-level access: value, masked, removed (de-identified) or hidden with FORBIDDEN."""

from __future__ import annotations

import pytest

from tests.policies.matrix import (
    ADULT_DEPENDENT_FIELDS_WITH_CONSENT,
    ADULT_DEPENDENT_FIELDS_WITHOUT_CONSENT,
    MEMBER_FIELDS,
    PROVIDER_TAX_ID,
)

FAMILY = "member@example.com"


def _outcome(body: dict, path: list, value) -> str:
    """How one field came back: value, masked, removed or hidden."""
    errors = [e for e in body.get("errors", []) if e.get("path") == path]
    if errors:
        assert value is None
        assert errors[0]["extensions"]["code"] == "FORBIDDEN"
        return "hidden"
    if value is None:
        return "removed"
    if isinstance(value, str) and "*" in value:
        return "masked"
    return "value"


async def _subscriber_global_id(gql) -> str:
    body = await gql("{ me { member { id } } }", as_=FAMILY)
    return body["data"]["me"]["member"]["id"]


async def _member_as(gql, persona: str, fields: list[str]) -> tuple[dict, dict, list]:
    """The subscriber as `persona` sees her, found through a list the persona may read."""
    selection = " ".join(fields)
    body = await gql(
        f'{{ members(first: 100, filter: {{memberNumber: "{await _number(gql)}"}}) '
        f"{{ edges {{ node {{ {selection} }} }} }} }}",
        as_=persona,
    )
    edges = body["data"]["members"]["edges"]
    assert len(edges) == 1, (persona, body)
    return body, edges[0]["node"], ["members", "edges", 0, "node"]


async def _number(gql) -> str:
    body = await gql("{ me { member { memberNumber } } }", as_=FAMILY)
    return body["data"]["me"]["member"]["memberNumber"]


@pytest.mark.parametrize("persona", sorted(MEMBER_FIELDS))
async def test_member_fields_per_persona(gql, persona):
    expected = MEMBER_FIELDS[persona]
    if persona == "provider@example.com":
        # the provider finds the subscriber through its own claims
        body = await gql(
            "{ claims(first: 100) { edges { node { member { memberNumber "
            + " ".join(expected)
            + " } } } } }",
            as_=persona,
        )
        number = await _number(gql)
        index, node = next(
            (i, e["node"]["member"])
            for i, e in enumerate(body["data"]["claims"]["edges"])
            if e["node"]["member"] and e["node"]["member"]["memberNumber"] == number
        )
        path = ["claims", "edges", index, "node", "member"]
    elif persona == "regulator@example.com":
        # no member number for a regulator: the family's subscriber is found by the pseudonym
        # the server's key makes of her id
        import base64
        from uuid import UUID

        from graph.keys import pseudonym
        from graph.relay import to_global_id

        own = (await gql("{ me { member { id } } }", as_=FAMILY))["data"]["me"]["member"]["id"]
        real = UUID(base64.urlsafe_b64decode(own + "==").decode().split(":", 1)[1])
        handle = to_global_id("Member", pseudonym(real))
        body = await gql(
            "{ members(first: 100) { edges { node { id " + " ".join(expected) + " } } } }",
            as_=persona,
        )
        index, node = next(
            (i, e["node"])
            for i, e in enumerate(body["data"]["members"]["edges"])
            if e["node"]["id"] == handle
        )
        path = ["members", "edges", index, "node"]
    else:
        body, node, path = await _member_as(gql, persona, list(expected))
    got = {f: _outcome(body, [*path, f], node[f]) for f in expected}
    assert got == expected


async def test_regulator_de_identification_values(gql):
    admin = await gql(
        '{ members(first: 1, filter: {memberNumber: "%s"}) { edges { node { zipCode dateOfBirth } } } }'
        % await _number(gql)
    )
    real = admin["data"]["members"]["edges"][0]["node"]
    body = await gql(
        "{ members(first: 100) { edges { node { id zipCode birthYear "
        "employer { companyName } } } } }",
        as_="regulator@example.com",
    )
    zips = {e["node"]["zipCode"] for e in body["data"]["members"]["edges"]}
    assert all(z is None or len(z) == 3 for z in zips)
    assert real["zipCode"][:3] in zips or "000" in zips
    again = await gql(
        "{ members(first: 100) { edges { node { id } } } }", as_="regulator@example.com"
    )
    first_ids = [e["node"]["id"] for e in body["data"]["members"]["edges"]]
    assert first_ids == [e["node"]["id"] for e in again["data"]["members"]["edges"]]
    # pseudonyms, not the member's real global id
    admin_ids = await gql("{ members(first: 100) { edges { node { id } } } }")
    assert not set(first_ids) & {e["node"]["id"] for e in admin_ids["data"]["members"]["edges"]}


@pytest.mark.parametrize("persona", sorted(PROVIDER_TAX_ID))
async def test_provider_tax_id_per_persona(gql, persona):
    group = await gql("{ me { provider { npi } } }", as_="provider@example.com")
    npi = group["data"]["me"]["provider"]["npi"]
    body = await gql(
        '{ providers(filter: {npi: "%s"}) { edges { node { npi taxId } } } }' % npi, as_=persona
    )
    edges = body["data"]["providers"]["edges"]
    assert len(edges) == 1
    path = ["providers", "edges", 0, "node", "taxId"]
    assert _outcome(body, path, edges[0]["node"]["taxId"]) == PROVIDER_TAX_ID[persona]


async def test_a_member_sees_only_the_name_of_their_employer(gql):
    body = await gql("{ me { member { employer { companyName groupNumber taxId } } } }", as_=FAMILY)
    employer = body["data"]["me"]["member"]["employer"]
    assert employer["companyName"] == "Northwind Logistics"
    assert employer["groupNumber"] is None and employer["taxId"] is None
    codes = {e["extensions"]["code"] for e in body["errors"]}
    assert codes == {"FORBIDDEN"}


async def test_hidden_field_errors_reveal_nothing_of_the_value(gql):
    body = await gql(
        "{ claims(first: 5) { edges { node { member { allergies medicalConditions } } } } }",
        as_="adjudicator@example.com",
    )
    for error in body["errors"]:
        assert error["extensions"]["code"] == "FORBIDDEN"
        assert "allerg" not in error["message"].lower() or "allergies" in error["message"]


ADULT_FIELDS = " ".join(ADULT_DEPENDENT_FIELDS_WITH_CONSENT)


async def _adult_dependent_as_subscriber(gql) -> tuple[dict, dict, list]:
    body = await gql(
        "{ me { member { dependents { relationship dateOfBirth birthYear %s } } } }" % ADULT_FIELDS,
        as_=FAMILY,
    )
    dependents = body["data"]["me"]["member"]["dependents"]
    index = next(i for i, d in enumerate(dependents) if d["firstName"] == "Lucas")
    return body, dependents[index], ["me", "member", "dependents", index]


async def test_adult_dependent_fields_follow_consent(gql):
    await gql("mutation { revokeConsent { revoked } }", as_="adult.child@example.com")
    body, node, path = await _adult_dependent_as_subscriber(gql)
    got = {f: _outcome(body, [*path, f], node[f]) for f in ADULT_DEPENDENT_FIELDS_WITHOUT_CONSENT}
    assert got == ADULT_DEPENDENT_FIELDS_WITHOUT_CONSENT

    granted = await gql(
        "mutation { grantConsent { revoked grantedAt } }", as_="adult.child@example.com"
    )
    assert granted["data"]["grantConsent"]["revoked"] is False
    try:
        body, node, path = await _adult_dependent_as_subscriber(gql)
        got = {f: _outcome(body, [*path, f], node[f]) for f in ADULT_DEPENDENT_FIELDS_WITH_CONSENT}
        assert got == ADULT_DEPENDENT_FIELDS_WITH_CONSENT
    finally:
        await gql("mutation { revokeConsent { revoked } }", as_="adult.child@example.com")
