"""Enrolment over HTTP, contact details: updateMyContact, by members and adult dependents.

Each test enrols people of its own (the demo personas are shared by the whole suite); the one
demo record changed, the adult dependent's contact details, is put back. Checked: what a user
would notice (the saved record, the typed refusal naming the input field), who may do what,
and that the row, its audit row and its outbox event commit together or not at all. What the
enrolment tests share is in tests/graph/enrolment_support.py.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

from graph.relay import to_global_id
from tests.graph.enrolment_support import (
    ADMIN,
    ADULT,
    EMPLOYER,
    MEMBER,
    PROVIDER,
    REGULATOR,
    UPDATE_CONTACT,
    _audit,
    _enrol,
    _error,
    _event,
    _no_phi,
    _one,
    _uuid,
)


@pytest.fixture
async def member_login(gql, engine, client, own_employer):
    """A freshly enrolled member with a login of their own; returns (member, post)."""
    from graph.auth import issue_access_token
    from graph.config import Settings

    member = await _enrol(gql, own_employer)
    async with engine.begin() as conn:
        user_id = (
            await conn.execute(
                text(
                    "INSERT INTO users (email, role, member_id, status) "
                    "VALUES (:e, 'member', :m, 'active') RETURNING id"
                ),
                {"e": f"member-{uuid.uuid4().hex[:8]}@example.com", "m": _uuid(member["id"])},
            )
        ).scalar_one()
    token = issue_access_token(user_id=user_id, role="member", settings=Settings())

    async def post(query: str, variables: dict) -> dict:
        response = await client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
        )
        return response.json()

    return member, post


async def test_a_member_updates_their_own_contact(member_login, engine, own_employer):
    member, post = member_login
    body = await post(UPDATE_CONTACT, {"input": {
        "phone": "+1 (415) 555 0199", "email": " ada.new@example.com", "city": "Oakland",
        "zipCode": "94607", "addressLine2": None, "state": "CA"}})  # fmt: skip
    result = body["data"]["updateMyContact"]
    assert result["__typename"] == "ContactUpdated", result
    assert result["person"] == {
        "__typename": "Member", "id": member["id"], "email": "ada.new@example.com",
        "phone": "(415) 555-0199", "city": "Oakland", "state": "CA", "zipCode": "94607",
    }  # fmt: skip
    # state stays CA and addressLine2 was empty already: only what changed is named
    assert result["changedFields"] == ["city", "email", "phone", "zipCode"]
    member_id = _uuid(member["id"])
    stored = await _one(engine, "SELECT phone, city FROM members WHERE id = :m", m=member_id)
    assert stored.phone.startswith("enc1:") and stored.city.startswith("enc1:")
    assert await _event(engine, result["eventSequence"]) == {
        "change": "contact_updated", "member_id": str(member_id),
        "employer_id": str(_uuid(own_employer)),
    }  # fmt: skip
    [audit] = await _audit(engine, "update_contact", member_id)
    assert audit["role"] == "member" and audit["fields"] == ["city", "email", "phone", "zip_code"]
    _no_phi(audit, "Oakland", "0199", "ada.new", "94607")


@pytest.mark.parametrize(
    ("change", "field"),
    [({"phone": "555-0199"}, "phone"), ({"email": "nope"}, "email"), ({"state": "C"}, "state"),
     ({"zipCode": "ABCDE"}, "zipCode"), ({}, "input")],
)  # fmt: skip
async def test_contact_refusals_name_the_field(member_login, change, field):
    _, post = member_login
    body = await post(UPDATE_CONTACT, {"input": change})
    result = body["data"]["updateMyContact"]
    assert (result["__typename"], result["field"]) == ("InvalidInput", field), result


async def test_an_adult_dependent_updates_their_own_email_and_phone(gql, users, engine):
    lucas = to_global_id("Dependent", users[ADULT]["dependent_id"])
    before = await gql("query($id: ID!) { dependent(id: $id) { email phone } }", {"id": lucas},
                       as_=ADULT)  # fmt: skip
    original = before["data"]["dependent"]
    try:
        body = await gql(UPDATE_CONTACT, {"input": {"phone": "916.555.0188"}}, as_=ADULT)
        result = body["data"]["updateMyContact"]
        assert result["__typename"] == "ContactUpdated", result
        assert result["person"]["__typename"] == "Dependent" and result["person"]["id"] == lucas
        assert result["person"]["phone"] == "(916) 555-0188"
        assert result["changedFields"] == ["phone"]
        payload = await _event(engine, result["eventSequence"])
        assert payload["change"] == "contact_updated"
        assert payload["dependent_id"] == str(users[ADULT]["dependent_id"])
        assert payload["member_id"] == str(users[MEMBER]["member_id"])
        assert payload["employer_id"] == str(users[EMPLOYER]["employer_id"])
        address = await gql(UPDATE_CONTACT, {"input": {"addressLine1": "9 Oak Ave"}}, as_=ADULT)
        assert address["data"]["updateMyContact"]["field"] == "addressLine1"
    finally:
        restored = await gql(UPDATE_CONTACT, {"input": original}, as_=ADULT)
        assert restored["data"]["updateMyContact"]["__typename"] == "ContactUpdated"


async def test_no_one_updates_another_persons_contact(gql, users, member_login):
    member, post = member_login
    maria = to_global_id("Member", users[MEMBER]["member_id"])
    lucas = to_global_id("Dependent", users[ADULT]["dependent_id"])
    change = {"input": {"phone": "916-555-0111"}}
    # another member's record does not exist for a member
    assert _error(await post(UPDATE_CONTACT, change | {"person": maria})) == "NOT_FOUND"
    assert _error(await gql(UPDATE_CONTACT, change | {"person": member["id"]}, as_=MEMBER)) == (
        "NOT_FOUND"
    )
    # Maria sees her adult son's record, but his contact details are his own
    assert _error(await gql(UPDATE_CONTACT, change | {"person": lucas}, as_=MEMBER)) == "FORBIDDEN"
    assert _error(await gql(UPDATE_CONTACT, change | {"person": maria}, as_=ADULT)) == "NOT_FOUND"
    # staff and employers have no contact record of their own, and may not change others'
    for persona in (ADMIN, EMPLOYER, PROVIDER, REGULATOR):
        assert _error(await gql(UPDATE_CONTACT, change, as_=persona)) == "FORBIDDEN", persona
    for persona in (ADMIN, EMPLOYER):
        body = await gql(UPDATE_CONTACT, change | {"person": member["id"]}, as_=persona)
        assert _error(body) == "FORBIDDEN", persona
    claim = to_global_id("Claim", uuid.uuid4())
    wrong = await gql(UPDATE_CONTACT, change | {"person": claim}, as_=MEMBER)
    assert wrong["data"]["updateMyContact"]["field"] == "personId"
