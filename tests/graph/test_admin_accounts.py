"""The admin mutations over HTTP, employers and users: createEmployer, updateEmployer,
createUser, deactivateUser and changeUserRole.

Each test makes its own records (the demo personas are shared by the whole suite) and checks
what a user would notice: the saved record, the typed refusal naming the input field, the
outbox event and audit row written with the change. What the admin tests share is in
tests/graph/admin_support.py.
"""

from __future__ import annotations

import uuid

from argon2 import PasswordHasher

from graph.relay import to_global_id
from tests.graph.admin_support import (
    ADMIN,
    CHANGE_ROLE,
    CREATE_EMPLOYER,
    CREATE_USER,
    DEACTIVATE_USER,
    PASSWORD,
    UPDATE_EMPLOYER,
    _audit,
    _create_employer,
    _create_provider,
    _create_user,
    _db_id,
    _email,
    _me,
    _outbox,
    _scalar,
    _sign_in,
    _tax_id,
)

# --- employers --------------------------------------------------------------------------------


async def test_an_admin_signs_up_and_changes_an_employer(gql, engine):
    tax_id = _tax_id()
    employer = await _create_employer(gql, taxId=tax_id.replace("-", ""))
    assert employer["groupNumber"].startswith("GRP-") and employer["status"] == "ACTIVE"
    assert employer["taxId"] == "**-***" + tax_id[-4:]
    employer_id = _db_id(employer["id"])
    (event,) = await _outbox(engine, "employer.changed", "employer_id", employer_id)
    assert event["payload"] == {"employer_id": str(employer_id), "status": "active"}
    duplicate = await gql(CREATE_EMPLOYER, {"input": {"companyName": "Twin", "taxId": tax_id}})
    assert duplicate["data"]["createEmployer"]["field"] == "taxId"
    body = await gql(UPDATE_EMPLOYER, {"input": {"employerId": employer["id"],
                                                 "contractEndDate": "2024-12-31"}})  # fmt: skip
    assert body["data"]["updateEmployer"]["field"] == "contractEndDate"
    body = await gql(UPDATE_EMPLOYER, {"input": {"employerId": employer["id"],
                                                 "status": "SUSPENDED"}})  # fmt: skip
    assert body["data"]["updateEmployer"]["employer"]["status"] == "SUSPENDED"
    (audit,) = await _audit(engine, "update_employer", employer_id)
    assert audit["fields"] == ["status"]
    assert (audit["old_values"], audit["new_values"]) == (
        {"status": "active"}, {"status": "suspended"},
    )  # fmt: skip
    body = await gql(UPDATE_EMPLOYER, {"input": {"employerId": employer["id"],
                                                 "companyName": None}})  # fmt: skip
    assert body["data"]["updateEmployer"]["field"] == "companyName"


# --- users ------------------------------------------------------------------------------------


async def test_an_admin_opens_accounts_tied_to_their_records(gql, engine):
    provider = await _create_provider(gql)
    staff = await _create_user(gql, role="PROVIDER", providerId=provider["id"],
                               displayName="Front Desk")  # fmt: skip
    assert staff["role"] == "PROVIDER" and staff["status"] == "ACTIVE"
    assert staff["provider"] == {"id": provider["id"]}
    regulator = await _create_user(gql, role="REGULATOR", jurisdiction="tx")
    assert regulator["jurisdiction"] == "TX"
    user_id = _db_id(staff["id"])
    stored = await _scalar(engine, "SELECT password_hash FROM users WHERE id = :i", i=user_id)
    assert stored.startswith("$argon2") and PasswordHasher().verify(stored, PASSWORD)
    (event,) = await _outbox(engine, "user.changed", "user_id", user_id)
    assert event["payload"] == {"user_id": str(user_id), "change": "created",
                                "role": "provider", "status": "active"}  # fmt: skip
    (audit,) = await _audit(engine, "create_user", user_id)
    assert "password" in audit["fields"] and "password_hash" not in audit["fields"]
    for leaked in (PASSWORD, stored):
        assert leaked not in str(audit) and leaked not in str(event)


async def test_account_refusals_name_their_field(gql, engine):
    cases = [
        ({"role": "MEMBER"}, "memberId"),
        ({"role": "ADJUDICATOR", "jurisdiction": "CA"}, "jurisdiction"),
        ({"role": "REGULATOR", "jurisdiction": "Atlantis"}, "jurisdiction"),
        ({"role": "ADJUDICATOR", "password": "too short"}, "password"),
        ({"role": "ADJUDICATOR", "email": "not an email"}, "email"),
        ({"role": "EMPLOYER", "employerId": to_global_id("Employer", uuid.uuid4())}, "employerId"),
    ]
    for values, field in cases:
        body = await gql(CREATE_USER, {"input": {"email": _email(), "password": PASSWORD,
                                                 **values}})  # fmt: skip
        result = body["data"]["createUser"]
        assert result["__typename"] == "InvalidInput" and result["field"] == field, (values, result)
    email = _email()
    await _create_user(gql, email=email)
    body = await gql(CREATE_USER, {"input": {"email": email.upper(), "password": PASSWORD,
                                             "role": "AUDITOR"}})  # fmt: skip
    assert body["data"]["createUser"] == {
        "__typename": "InvalidInput", "code": "BAD_USER_INPUT",
        "message": "Another account already signs in with this email.", "field": "email",
    }  # fmt: skip
    assert await _scalar(engine, "SELECT count(*) FROM users WHERE lower(email) = :e", e=email) == 1


async def test_a_minor_dependent_gets_no_account(gql, users):
    minor = uuid.uuid5(uuid.UUID("5f0c3a52-7d1e-4b8e-9a57-c1a1e0d3b2f4"), "minor")
    body = await gql(CREATE_USER, {"input": {
        "email": _email(), "password": PASSWORD, "role": "DEPENDENT",
        "dependentId": to_global_id("Dependent", minor),
    }})  # fmt: skip
    assert body["data"]["createUser"]["field"] == "dependentId"


async def test_a_deactivated_users_tokens_stop_working(gql, client, engine):
    user = await _create_user(gql)
    email = user["email"]
    laptop, phone = await _sign_in(client, email), await _sign_in(client, email)
    assert (await _me(client, laptop["access_token"])).json()["data"]["me"]["email"] == email
    body = await gql(DEACTIVATE_USER, {"id": user["id"]})
    result = body["data"]["deactivateUser"]
    assert result == {"__typename": "UserSaved", "sessionsRevoked": 2,
                      "user": {"id": user["id"], "status": "INACTIVE"}}  # fmt: skip
    for signed_in in (laptop, phone):
        refused = await _me(client, signed_in["access_token"])
        assert refused.status_code == 401
        assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        refresh = await client.post("/auth/token", data={
            "grant_type": "refresh_token", "refresh_token": signed_in["refresh_token"]})  # fmt: skip
        assert refresh.status_code == 400 and refresh.json()["error"] == "invalid_grant"
    again = await client.post(
        "/auth/token", data={"grant_type": "password", "username": email, "password": PASSWORD}
    )
    assert again.status_code == 400
    user_id = _db_id(user["id"])
    open_sessions = await _scalar(engine, "SELECT count(*) FROM sessions WHERE user_id = :u AND "
                                  "revoked_at IS NULL", u=user_id)  # fmt: skip
    assert open_sessions == 0
    (audit,) = await _audit(engine, "deactivate_user", user_id)
    assert audit["new_values"] == {"status": "inactive", "sessions_revoked": 2,
                                   "reason": "Left the plan"}  # fmt: skip
    events = await _outbox(engine, "user.changed", "user_id", user_id)
    assert [e["payload"]["change"] for e in events] == ["created", "deactivated"]
    twice = await gql(DEACTIVATE_USER, {"id": user["id"]})
    assert twice["data"]["deactivateUser"] == {"__typename": "IllegalStatusChange",
        "currentStatus": "INACTIVE", "requestedStatus": "INACTIVE"}  # fmt: skip


async def test_an_admin_cannot_deactivate_or_re_role_themselves(gql, users):
    me = to_global_id("User", users[ADMIN]["id"])
    body = await gql(DEACTIVATE_USER, {"id": me})
    assert body["data"]["deactivateUser"]["__typename"] == "NotAllowed"
    assert body["data"]["deactivateUser"]["code"] == "FORBIDDEN"
    body = await gql(CHANGE_ROLE, {"input": {"userId": me, "role": "AUDITOR"}})
    assert body["data"]["changeUserRole"]["__typename"] == "NotAllowed"


async def test_a_role_change_moves_the_ties_and_ends_sign_ins(gql, client):
    provider = await _create_provider(gql)
    user = await _create_user(gql, role="PROVIDER", providerId=provider["id"])
    signed_in = await _sign_in(client, user["email"])
    employer = await _create_employer(gql)
    missing = await gql(CHANGE_ROLE, {"input": {"userId": user["id"], "role": "EMPLOYER"}})
    assert missing["data"]["changeUserRole"]["field"] == "employerId"
    body = await gql(CHANGE_ROLE, {"input": {"userId": user["id"], "role": "EMPLOYER",
                                             "employerId": employer["id"]}})  # fmt: skip
    result = body["data"]["changeUserRole"]
    assert result["sessionsRevoked"] == 1
    assert result["user"] == {"id": user["id"], "role": "EMPLOYER", "provider": None,
                              "employer": {"id": employer["id"]}}  # fmt: skip
    assert (await _me(client, signed_in["access_token"])).status_code == 401
