"""Corrections of names and birth dates (admins, with a reason, the old value kept sealed in
the audit row) and the details people keep themselves (medical fields, language,
communication preferences), over HTTP. Each test enrols people of its own; the members and
dependents who sign in get logins of their own."""

from __future__ import annotations

from datetime import timedelta

from db.audit import unseal
from db.crypto import name_dob_index
from graph.auth import issue_access_token
from graph.config import Settings
from tests.graph.admin_support import _create_user
from tests.graph.enrolment_support import (
    EMPLOYER,
    MEMBER,
    TODAY,
    _add_dependent,
    _audit,
    _enrol,
    _error,
    _event,
    _one,
    _uuid,
    _years_ago,
)

CORRECT = """mutation($id: ID!, $input: PersonCorrectionInput!, $reason: String!) {
  correctPersonDetails(personId: $id, input: $input, reason: $reason) { __typename
  ... on PersonCorrected { eventSequence changedFields
      person { id firstName middleName lastName dateOfBirth } }
  ... on InvalidInput { code message field } } }"""

PROFILE = """mutation($input: PersonProfileInput!, $id: ID) {
  updatePersonProfile(input: $input, personId: $id) { __typename
  ... on ProfileUpdated { changedFields person { __typename id bloodType allergies
      medicalConditions preferredLanguage contactChannels preferredContactChannel } }
  ... on InvalidInput { code message field } } }"""

REASON = "Birth certificate seen at the service desk"


async def _as_login(client, gql, role: str, **ids):
    """A login of its own for a person enrolled by the test; returns a `gql` bound to it."""
    user = await _create_user(gql, role=role, **ids)
    token = issue_access_token(user_id=_uuid(user["id"]), role=role.lower(), settings=Settings())

    async def run(query, variables=None):
        response = await client.post(
            "/graphql", json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {token}"},
        )  # fmt: skip
        return response.json()

    return run


# --- corrections ---------------------------------------------------------------------------


async def test_an_admin_corrects_a_name_and_birth_date_and_the_old_values_are_kept(gql, engine):
    born = _years_ago(40, 3)
    member = await _enrol(gql, None, dateOfBirth=str(born), lastName="Smiht")
    right = born - timedelta(days=365)
    body = await gql(CORRECT, {"id": member["id"], "reason": REASON,
                               "input": {"lastName": " Smith ", "dateOfBirth": str(right),
                                         "firstName": "Ada"}})  # fmt: skip
    result = body["data"]["correctPersonDetails"]
    assert result["__typename"] == "PersonCorrected", result
    # the first name was already Ada: only what differs is a correction
    assert result["changedFields"] == ["dateOfBirth", "lastName"]
    assert (result["person"]["lastName"], result["person"]["dateOfBirth"]) == ("Smith", str(right))
    member_id = _uuid(member["id"])
    [audit] = await _audit(engine, "correct_details", member_id)
    assert audit["fields"] == ["date_of_birth", "last_name"]
    # sealed in the row, readable with the keys
    assert all(v.startswith("enc1:") for v in audit["old_values"].values())
    assert "Smiht" not in str(audit["old_values"])
    assert unseal(audit["old_values"]) == {"date_of_birth": str(born), "last_name": "Smiht"}
    assert unseal(audit["new_values"]) == {
        "date_of_birth": str(right), "last_name": "Smith", "reason": REASON,
    }  # fmt: skip
    # people are still found by their (corrected) name and birth date
    stored = await _one(engine, "SELECT name_dob_index FROM members WHERE id = :m", m=member_id)
    assert stored.name_dob_index == name_dob_index("Smith", right)
    assert (await _event(engine, result["eventSequence"]))["change"] == "details_corrected"


async def test_a_correction_needs_a_reason_and_a_difference(gql, engine):
    member = await _enrol(gql, None)
    body = await gql(CORRECT, {"id": member["id"], "reason": "typo",
                               "input": {"firstName": "Adah"}})  # fmt: skip
    assert body["data"]["correctPersonDetails"]["field"] == "reason"
    body = await gql(CORRECT, {"id": member["id"], "reason": REASON,
                               "input": {"firstName": "Ada"}})  # fmt: skip
    assert body["data"]["correctPersonDetails"]["__typename"] == "InvalidInput"
    body = await gql(CORRECT, {"id": member["id"], "reason": REASON,
                               "input": {"lastName": "  "}})  # fmt: skip
    assert body["data"]["correctPersonDetails"]["field"] == "lastName"
    # born after coverage began
    body = await gql(CORRECT, {"id": member["id"], "reason": REASON,
                               "input": {"dateOfBirth": str(TODAY - timedelta(days=10))}})  # fmt: skip
    assert body["data"]["correctPersonDetails"]["field"] == "dateOfBirth"
    assert await _audit(engine, "correct_details", _uuid(member["id"])) == []


async def test_a_child_s_birth_date_must_still_allow_the_coverage_it_had(gql):
    member = await _enrol(gql, None)
    child = await _add_dependent(gql, member["id"])
    too_old = _years_ago(30)
    body = await gql(CORRECT, {"id": child["id"], "reason": REASON,
                               "input": {"dateOfBirth": str(too_old)}})  # fmt: skip
    assert body["data"]["correctPersonDetails"]["field"] == "dateOfBirth"
    body = await gql(CORRECT, {"id": child["id"], "reason": REASON,
                               "input": {"firstName": "Benjamin", "middleName": "J"}})  # fmt: skip
    person = body["data"]["correctPersonDetails"]["person"]
    assert (person["firstName"], person["middleName"]) == ("Benjamin", "J")


async def test_only_admins_correct(gql, own_employer):
    member = await _enrol(gql, own_employer)
    body = await gql(CORRECT, {"id": member["id"], "reason": REASON,
                               "input": {"firstName": "Eve"}}, as_=EMPLOYER)  # fmt: skip
    assert _error(body) == "FORBIDDEN"
    body = await gql(CORRECT, {"id": member["id"], "reason": REASON,
                               "input": {"firstName": "Eve"}}, as_=MEMBER)  # fmt: skip
    assert _error(body) == "NOT_FOUND"


# --- medical fields, language, communication preferences ------------------------------------


async def test_a_member_writes_their_own_medical_fields_and_preferences(gql, client, engine):
    member = await _enrol(gql, None)
    as_member = await _as_login(client, gql, "MEMBER", memberId=member["id"])
    body = await as_member(PROFILE, {"input": {
        "bloodType": "o-", "allergies": " Penicillin ", "medicalConditions": "Asthma",
        "preferredLanguage": "es", "communicationPreferences": {
            "email": True, "mail": True, "preferred": "EMAIL"}}})  # fmt: skip
    result = body["data"]["updatePersonProfile"]
    assert result["__typename"] == "ProfileUpdated", result
    assert result["person"] == {
        "__typename": "Member", "id": member["id"], "bloodType": "O-",
        "allergies": "Penicillin", "medicalConditions": "Asthma", "preferredLanguage": "es",
        "contactChannels": ["EMAIL", "MAIL"], "preferredContactChannel": "EMAIL",
    }  # fmt: skip
    assert sorted(result["changedFields"]) == [
        "allergies", "bloodType", "communicationPreferences", "medicalConditions",
        "preferredLanguage"]  # fmt: skip
    member_id = _uuid(member["id"])
    stored = await _one(engine, "SELECT allergies FROM members WHERE id = :m", m=member_id)
    assert stored.allergies.startswith("enc1:")  # PHI at rest, encrypted
    [audit] = await _audit(engine, "update_profile", member_id)
    assert "allergies" in audit["fields"] and "Penicillin" not in str(audit["new_values"])
    # null clears one field; the rest stay
    body = await as_member(PROFILE, {"input": {"allergies": None}})
    person = body["data"]["updatePersonProfile"]["person"]
    assert (person["allergies"], person["bloodType"]) == (None, "O-")


async def test_bad_details_are_refused_naming_the_field(gql):
    member = await _enrol(gql, None)
    cases = [
        ({"bloodType": "Z+"}, "bloodType"),
        ({"preferredLanguage": "english"}, "preferredLanguage"),
        ({"allergies": "x" * 2001}, "allergies"),
        ({"communicationPreferences": {}}, "communicationPreferences"),
        ({"communicationPreferences": {"sms": True, "preferred": "MAIL"}},
         "communicationPreferences.preferred"),
    ]  # fmt: skip
    for given, field in cases:
        body = await gql(PROFILE, {"input": given, "id": member["id"]})
        assert body["data"]["updatePersonProfile"]["field"] == field, given


async def test_a_dependent_writes_their_own_and_others_may_not(gql, client, own_employer):
    member = await _enrol(gql, own_employer)
    adult = await _add_dependent(gql, member["id"], firstName="Liv",
                                 dateOfBirth=str(_years_ago(21)))  # fmt: skip
    as_adult = await _as_login(client, gql, "DEPENDENT", dependentId=adult["id"])
    body = await as_adult(PROFILE, {"input": {"bloodType": "AB+", "preferredLanguage": "zh-tw"}})
    person = body["data"]["updatePersonProfile"]["person"]
    assert (person["__typename"], person["bloodType"], person["preferredLanguage"]) == (
        "Dependent", "AB+", "zh-TW")  # fmt: skip
    # the subscriber may not write an adult dependent's medical fields, nor the employer
    as_member = await _as_login(client, gql, "MEMBER", memberId=member["id"])
    body = await as_member(PROFILE, {"input": {"bloodType": "A+"}, "id": adult["id"]})
    assert _error(body) == "FORBIDDEN"
    body = await gql(PROFILE, {"input": {"bloodType": "A+"}, "id": member["id"]}, as_=EMPLOYER)
    assert _error(body) == "FORBIDDEN"
    # an admin writes anyone's (what the member says on the phone)
    body = await gql(PROFILE, {"input": {"medicalConditions": "Type 2 diabetes"},
                               "id": adult["id"]})  # fmt: skip
    assert body["data"]["updatePersonProfile"]["changedFields"] == ["medicalConditions"]
