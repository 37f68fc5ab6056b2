"""The admin mutations over HTTP: providers, credentials, contracts, employers and users.

Each test makes its own records (the demo personas are shared by the whole suite) and checks
what a user would notice: the saved record, the typed refusal naming the input field, the
outbox event and audit row written with the change, and that only admins may do any of it.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text

from domain.identifiers import make_npi
from graph.relay import to_global_id

ADMIN = "admin@example.com"
NON_ADMINS = ("adjudicator@example.com", "provider@example.com", "regulator@example.com")
PASSWORD = "a long enough passphrase"
TODAY = date.today()
_rng = random.Random()

PROVIDER_FIELDS = """id npi name providerType networkStatus primarySpecialty status taxId
  group { id } credentials { id status } contracts { id status }"""
CREATE_PROVIDER = f"""mutation($input: CreateProviderInput!) {{ createProvider(input: $input) {{
  __typename ... on ProviderSaved {{ eventSequence provider {{ {PROVIDER_FIELDS} }} }}
  ... on InvalidInput {{ code message field }} }} }}"""
UPDATE_PROVIDER = f"""mutation($input: UpdateProviderInput!) {{ updateProvider(input: $input) {{
  __typename ... on ProviderSaved {{ eventSequence provider {{ {PROVIDER_FIELDS} }} }}
  ... on InvalidInput {{ code message field }} }} }}"""
ADD_CREDENTIAL = """mutation($input: AddCredentialInput!) { addCredential(input: $input) {
  __typename ... on CredentialSaved { eventSequence credential { id status issueDate
      expirationDate verificationDate provider { id } } }
  ... on InvalidInput { code message field } } }"""
CREDENTIAL_STATUS = """mutation($id: ID!, $status: CredentialStatus!, $expires: Date) {
  updateCredentialStatus(credentialId: $id, status: $status, expirationDate: $expires) {
  __typename ... on CredentialSaved { credential { id status verificationDate expirationDate } }
  ... on InvalidInput { code message field }
  ... on IllegalStatusChange { code message currentStatus requestedStatus } } }"""
CREATE_CONTRACT = """mutation($input: CreateContractInput!) { createContract(input: $input) {
  __typename ... on ContractSaved { eventSequence contract { id contractNumber status
      effectiveDate terminationDate feeSchedule { procedureCode allowedAmount } } }
  ... on InvalidInput { code message field } } }"""
TERMINATE_CONTRACT = """mutation($id: ID!, $day: Date!) {
  terminateContract(contractId: $id, terminationDate: $day, reason: "Provider left") {
  __typename ... on ContractSaved { contract { id status terminationDate } }
  ... on InvalidInput { code message field }
  ... on IllegalStatusChange { currentStatus requestedStatus } } }"""
CREATE_EMPLOYER = """mutation($input: CreateEmployerInput!) { createEmployer(input: $input) {
  __typename ... on EmployerSaved { eventSequence employer { id companyName groupNumber status
      state taxId contractStartDate contractEndDate } }
  ... on InvalidInput { code message field } } }"""
UPDATE_EMPLOYER = """mutation($input: UpdateEmployerInput!) { updateEmployer(input: $input) {
  __typename ... on EmployerSaved { employer { id companyName status contractEndDate } }
  ... on InvalidInput { code message field } } }"""
CREATE_USER = """mutation($input: CreateUserInput!) { createUser(input: $input) {
  __typename ... on UserSaved { eventSequence user { id email role status jurisdiction
      provider { id } member { id } } }
  ... on InvalidInput { code message field } } }"""
DEACTIVATE_USER = """mutation($id: ID!) { deactivateUser(userId: $id, reason: "Left the plan") {
  __typename ... on UserSaved { sessionsRevoked user { id status } }
  ... on NotAllowed { code message }
  ... on IllegalStatusChange { currentStatus requestedStatus } } }"""
CHANGE_ROLE = """mutation($input: ChangeUserRoleInput!) { changeUserRole(input: $input) {
  __typename ... on UserSaved { sessionsRevoked user { id role provider { id } employer { id } } }
  ... on InvalidInput { code message field } ... on NotAllowed { code message } } }"""


def _npi() -> str:
    # bases 2xxxxxxxx: the demo (19xxxxxxx) and bulk loads (10-18xxxxxxx) never draw these
    return make_npi(str(_rng.randint(200_000_000, 299_999_999)))


def _tax_id() -> str:
    return f"{_rng.randint(10, 99)}-{_rng.randint(10**6, 10**7 - 1)}"


def _db_id(global_id: str) -> uuid.UUID:
    import base64

    padded = global_id + "=" * (-len(global_id) % 4)
    return uuid.UUID(base64.urlsafe_b64decode(padded).decode().split(":", 1)[1])


async def _scalar(engine, sql: str, **params):
    async with engine.connect() as conn:
        return (await conn.execute(text(sql), params)).scalar()


async def _audit(engine, action: str, resource_id) -> list[dict]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT user_id, role, fields, old_values, new_values, success FROM audit_log "
                "WHERE action = :a AND resource_id = :r ORDER BY seq"
            ),
            {"a": action, "r": str(resource_id)},
        )
        return [dict(r) for r in rows.mappings()]


async def _outbox(engine, topic: str, key: str, value) -> list[dict]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT seq, payload FROM outbox_events WHERE topic = :t AND payload->>:k = :v "
                "ORDER BY seq"
            ),
            {"t": topic, "k": key, "v": str(value)},
        )
        return [dict(r) for r in rows.mappings()]


def _group_input(**over) -> dict:
    return {"npi": _npi(), "providerType": "GROUP", "primarySpecialty": "Multi-Specialty Group",
            "organizationName": f"Harbor Clinic {uuid.uuid4().hex[:6]}", "taxId": _tax_id(),
            "state": "CA", "zipCode": "95814", "networkStatus": "IN_NETWORK", **over}  # fmt: skip


def _doctor_input(**over) -> dict:
    return {"npi": _npi(), "providerType": "INDIVIDUAL", "primarySpecialty": "Family Medicine",
            "firstName": "Ada", "lastName": "Okoro", "credentialTitles": "MD", "state": "CA",
            **over}  # fmt: skip


async def _create_provider(gql, **over) -> dict:
    body = await gql(CREATE_PROVIDER, {"input": _group_input(**over)})
    result = body["data"]["createProvider"]
    assert result["__typename"] == "ProviderSaved", result
    return result["provider"]


async def _create_employer(gql, **over) -> dict:
    values = {"companyName": f"Acme {uuid.uuid4().hex[:6]}", "taxId": _tax_id(), "state": "TX",
              "contractStartDate": "2025-01-01", **over}  # fmt: skip
    body = await gql(CREATE_EMPLOYER, {"input": values})
    result = body["data"]["createEmployer"]
    assert result["__typename"] == "EmployerSaved", result
    return result["employer"]


def _email() -> str:
    return f"admin-test-{uuid.uuid4().hex[:10]}@example.com"


async def _create_user(gql, **over) -> dict:
    values = {"email": _email(), "password": PASSWORD, "role": "ADJUDICATOR", **over}
    body = await gql(CREATE_USER, {"input": values})
    result = body["data"]["createUser"]
    assert result["__typename"] == "UserSaved", result
    return result["user"]


# --- providers -------------------------------------------------------------------------------


async def test_an_admin_adds_a_group_and_a_practitioner(gql, engine):
    tax_id = _tax_id()
    group = await _create_provider(gql, taxId=tax_id)
    assert group["providerType"] == "GROUP" and group["networkStatus"] == "IN_NETWORK"
    assert group["taxId"] == "**-***" + tax_id[-4:]  # masked on the way out, like every read
    body = await gql(
        CREATE_PROVIDER, {"input": _doctor_input(parentId=group["id"], taxId=tax_id)}
    )  # a practitioner bills under its group's tax id
    doctor = body["data"]["createProvider"]
    assert doctor["__typename"] == "ProviderSaved", doctor
    assert doctor["provider"]["name"] == "Ada Okoro, MD"
    assert doctor["provider"]["group"] == {"id": group["id"]}
    assert doctor["provider"]["status"] == "ACTIVE"
    doctor_id = _db_id(doctor["provider"]["id"])
    stored = await _scalar(engine, "SELECT tax_id FROM providers WHERE id = :i", i=doctor_id)
    assert stored.startswith("enc1:") and tax_id[-4:] not in stored  # encrypted at rest
    events = await _outbox(engine, "provider.changed", "provider_id", doctor_id)
    assert [e["payload"] for e in events] == [{
        "provider_id": str(doctor_id), "change": "created", "status": "active",
        "network_status": "pending",
    }]  # fmt: skip
    assert events[0]["seq"] == doctor["eventSequence"]
    (audit,) = await _audit(engine, "create_provider", doctor_id)
    assert audit["role"] == "admin" and audit["success"] is True
    assert {"npi", "tax_id", "parent_id"} <= set(audit["fields"])
    assert tax_id not in str(audit) and "Okoro" not in str(audit)  # names and tax ids stay out


async def test_an_npi_with_a_wrong_check_digit_is_refused(gql, engine):
    npi = _npi()
    wrong = npi[:9] + str((int(npi[9]) + 1) % 10)
    body = await gql(CREATE_PROVIDER, {"input": _group_input(npi=wrong)})
    result = body["data"]["createProvider"]
    assert result["__typename"] == "InvalidInput" and result["field"] == "npi"
    assert result["code"] == "BAD_USER_INPUT" and "check digit" in result["message"]
    assert await _scalar(engine, "SELECT count(*) FROM providers WHERE npi = :n", n=wrong) == 0


async def test_a_duplicate_npi_or_tax_id_is_refused_by_field(gql, engine):
    first = await _create_provider(gql)
    npi = await _scalar(engine, "SELECT npi FROM providers WHERE id = :i", i=_db_id(first["id"]))
    body = await gql(CREATE_PROVIDER, {"input": _group_input(npi=npi)})
    result = body["data"]["createProvider"]
    assert result == {"__typename": "InvalidInput", "code": "BAD_USER_INPUT",
                      "message": "Another provider already has this NPI.", "field": "npi"}  # fmt: skip
    tax_id = _tax_id()
    await _create_provider(gql, taxId=tax_id)
    audited = await _scalar(engine, "SELECT count(*) FROM audit_log WHERE action = :a",
                            a="create_provider")  # fmt: skip
    body = await gql(CREATE_PROVIDER, {"input": _group_input(taxId=tax_id.replace("-", ""))})
    result = body["data"]["createProvider"]
    assert result["__typename"] == "InvalidInput" and result["field"] == "taxId"
    # a practitioner of another organisation cannot take it either
    body = await gql(CREATE_PROVIDER, {"input": _doctor_input(taxId=tax_id)})
    assert body["data"]["createProvider"]["field"] == "taxId"
    # refused writes leave no audit row claiming they happened
    assert await _scalar(engine, "SELECT count(*) FROM audit_log WHERE action = :a",
                         a="create_provider") == audited  # fmt: skip


async def test_other_typed_refusals_name_their_field(gql):
    doctor = await gql(CREATE_PROVIDER, {"input": _doctor_input(lastName=" ")})
    assert doctor["data"]["createProvider"]["field"] == "lastName"
    practitioner = await _create_provider(gql, providerType="INDIVIDUAL", firstName="Li",
                                          lastName="Wu", organizationName=None)  # fmt: skip
    body = await gql(CREATE_PROVIDER, {"input": _doctor_input(parentId=practitioner["id"])})
    assert body["data"]["createProvider"]["field"] == "parentId"  # a parent must be a group
    body = await gql(CREATE_PROVIDER, {"input": _doctor_input(parentId="bm90LWFuLWlk")})
    assert body["data"]["createProvider"]["field"] == "parentId"
    body = await gql(CREATE_PROVIDER, {"input": _group_input(state="XX", zipCode="9581")})
    assert body["data"]["createProvider"]["field"] == "state"


async def test_an_admin_changes_network_status_and_group(gql, engine):
    group = await _create_provider(gql)
    doctor = (await gql(CREATE_PROVIDER, {"input": _doctor_input()}))["data"]["createProvider"]
    doctor_id = doctor["provider"]["id"]
    body = await gql(UPDATE_PROVIDER, {"input": {
        "providerId": doctor_id, "networkStatus": "IN_NETWORK", "parentId": group["id"],
        "primarySpecialty": "Internal Medicine",
    }})  # fmt: skip
    result = body["data"]["updateProvider"]
    assert result["__typename"] == "ProviderSaved", result
    provider = result["provider"]
    assert provider["networkStatus"] == "IN_NETWORK"
    assert provider["primarySpecialty"] == "Internal Medicine"
    assert provider["group"] == {"id": group["id"]}
    assert provider["npi"] == doctor["provider"]["npi"]  # fields left out stay as they were
    (audit,) = await _audit(engine, "update_provider", _db_id(doctor_id))
    assert audit["fields"] == ["network_status", "parent_id", "primary_specialty"]
    assert audit["old_values"]["network_status"] == "pending"
    assert audit["new_values"]["network_status"] == "in_network"
    events = await _outbox(engine, "provider.changed", "provider_id", _db_id(doctor_id))
    assert [e["payload"]["change"] for e in events] == ["created", "updated"]
    body = await gql(UPDATE_PROVIDER, {"input": {"providerId": group["id"],
                                                 "parentId": group["id"]}})  # fmt: skip
    assert body["data"]["updateProvider"]["field"] == "parentId"
    body = await gql(UPDATE_PROVIDER, {"input": {"providerId": doctor_id, "npi": None}})
    assert body["data"]["updateProvider"]["field"] == "npi"


# --- credentials -------------------------------------------------------------------------------


async def _credential(gql, provider_id: str, **over) -> dict:
    values = {"providerId": provider_id, "credentialType": "MEDICAL_LICENSE",
              "credentialNumber": "CA123456", "issuingState": "ca",
              "issueDate": "2020-05-01", "expirationDate": str(TODAY + timedelta(days=400)),
              **over}  # fmt: skip
    return (await gql(ADD_CREDENTIAL, {"input": values}))["data"]["addCredential"]


async def test_the_credential_lifecycle(gql, engine):
    provider = await _create_provider(gql)
    added = await _credential(gql, provider["id"])
    assert added["__typename"] == "CredentialSaved", added
    credential = added["credential"]
    assert credential["status"] == "PENDING" and credential["provider"] == {"id": provider["id"]}
    credential_id = credential["id"]
    (audit,) = await _audit(engine, "add_credential", _db_id(credential_id))
    assert audit["new_values"] == {"credential_type": "medical_license", "status": "pending"}
    verified = await gql(CREDENTIAL_STATUS, {"id": credential_id, "status": "VERIFIED"})
    result = verified["data"]["updateCredentialStatus"]
    assert result["credential"]["status"] == "VERIFIED"
    assert result["credential"]["verificationDate"] == TODAY.isoformat()
    (audit,) = await _audit(engine, "update_credential_status", _db_id(credential_id))
    assert (audit["old_values"], audit["new_values"]) == (
        {"status": "pending"}, {"status": "verified"},
    )  # fmt: skip
    back = await gql(CREDENTIAL_STATUS, {"id": credential_id, "status": "PENDING"})
    assert back["data"]["updateCredentialStatus"] == {
        "__typename": "IllegalStatusChange", "code": "BAD_USER_INPUT",
        "message": "A credential that is verified cannot become pending.",
        "currentStatus": "verified", "requestedStatus": "pending",
    }  # fmt: skip
    revoked = await gql(CREDENTIAL_STATUS, {"id": credential_id, "status": "REVOKED"})
    assert revoked["data"]["updateCredentialStatus"]["credential"]["status"] == "REVOKED"
    again = await gql(CREDENTIAL_STATUS, {"id": credential_id, "status": "VERIFIED"})
    assert again["data"]["updateCredentialStatus"]["currentStatus"] == "revoked"
    events = await _outbox(engine, "provider.changed", "credential_id", _db_id(credential_id))
    assert [e["payload"]["credential_status"] for e in events] == ["pending", "verified", "revoked"]


async def test_credential_dates_are_checked(gql):
    provider = await _create_provider(gql)
    early = await _credential(gql, provider["id"], issueDate="2024-06-01",
                              expirationDate="2024-05-31")  # fmt: skip
    assert early["__typename"] == "InvalidInput" and early["field"] == "expirationDate"
    future = await _credential(gql, provider["id"], issueDate=str(TODAY + timedelta(days=2)))
    assert future["field"] == "issueDate"
    lapsed = await _credential(gql, provider["id"], issueDate="2019-01-01",
                               expirationDate="2024-01-01")  # fmt: skip
    assert lapsed["credential"]["status"] == "EXPIRED"
    lapsed_id = lapsed["credential"]["id"]
    # an expired credential is verified again only with its renewed expiration date
    body = await gql(CREDENTIAL_STATUS, {"id": lapsed_id, "status": "VERIFIED"})
    assert body["data"]["updateCredentialStatus"]["field"] == "expirationDate"
    renewed = str(TODAY + timedelta(days=700))
    body = await gql(CREDENTIAL_STATUS, {"id": lapsed_id, "status": "VERIFIED", "expires": renewed})
    credential = body["data"]["updateCredentialStatus"]["credential"]
    assert credential["status"] == "VERIFIED" and credential["expirationDate"] == renewed


# --- contracts ---------------------------------------------------------------------------------


def _contract_input(provider_id: str, **over) -> dict:
    return {"providerId": provider_id, "contractType": "GROUP", "effectiveDate": "2025-01-01",
            "feeSchedule": [{"procedureCode": "99213", "allowedAmount": "92.5"},
                            {"procedureCode": "36415", "allowedAmount": "3.00"}],
            **over}  # fmt: skip


async def test_a_contract_with_its_fee_schedule_prices_claims(gql, engine):
    provider = await _create_provider(gql)
    body = await gql(CREATE_CONTRACT, {"input": _contract_input(provider["id"])})
    result = body["data"]["createContract"]
    assert result["__typename"] == "ContractSaved", result
    contract = result["contract"]
    assert contract["contractNumber"].startswith("CTR-") and contract["status"] == "ACTIVE"
    assert contract["feeSchedule"] == [{"procedureCode": "36415", "allowedAmount": "3.00"},
                                       {"procedureCode": "99213", "allowedAmount": "92.50"}]  # fmt: skip
    contract_id = _db_id(contract["id"])
    (event,) = await _outbox(engine, "contract.changed", "contract_id", contract_id)
    assert event["payload"] == {"contract_id": str(contract_id), "status": "active",
                                "provider_id": str(_db_id(provider["id"]))}  # fmt: skip
    (audit,) = await _audit(engine, "create_contract", contract_id)
    assert audit["new_values"]["fee_schedule_items"] == 2
    from db import workflows

    async with engine.connect() as conn:
        in_network, schedule = await workflows.pricing(
            conn, provider_id=_db_id(provider["id"]), service_date=TODAY
        )
    assert in_network is True
    assert {k: str(v) for k, v in schedule.items()} == {"99213": "92.50", "36415": "3.00"}


@pytest.mark.parametrize(
    ("items", "field"),
    [
        ([{"procedureCode": "99213", "allowedAmount": "0"}], "feeSchedule[0].allowedAmount"),
        ([{"procedureCode": "99213", "allowedAmount": "-5.00"}], "feeSchedule[0].allowedAmount"),
        ([{"procedureCode": "99213", "allowedAmount": "10.005"}], "feeSchedule[0].allowedAmount"),
        ([{"procedureCode": "99213", "allowedAmount": "90"},
          {"procedureCode": "99213", "allowedAmount": "95"}], "feeSchedule[1].procedureCode"),
        ([], "feeSchedule"),
    ],
)  # fmt: skip
async def test_fee_schedule_refusals_name_the_item(gql, engine, items, field):
    provider = await _create_provider(gql)
    body = await gql(CREATE_CONTRACT, {"input": _contract_input(provider["id"],
                                                                feeSchedule=items)})  # fmt: skip
    result = body["data"]["createContract"]
    assert result["__typename"] == "InvalidInput" and result["field"] == field, result
    count = await _scalar(engine, "SELECT count(*) FROM contracts WHERE provider_id = :p",
                          p=_db_id(provider["id"]))  # fmt: skip
    assert count == 0


async def test_one_active_contract_at_a_time_and_termination(gql, engine):
    provider = await _create_provider(gql)
    first = (await gql(CREATE_CONTRACT, {"input": _contract_input(provider["id"])}))["data"]
    contract_id = first["createContract"]["contract"]["id"]
    overlap = await gql(CREATE_CONTRACT, {"input": _contract_input(
        provider["id"], effectiveDate="2026-01-01")})  # fmt: skip
    assert overlap["data"]["createContract"]["field"] == "effectiveDate"
    draft = await gql(CREATE_CONTRACT, {"input": _contract_input(
        provider["id"], effectiveDate="2026-01-01", draft=True)})  # fmt: skip
    assert draft["data"]["createContract"]["contract"]["status"] == "DRAFT"
    early = await gql(TERMINATE_CONTRACT, {"id": contract_id, "day": "2024-12-31"})
    assert early["data"]["terminateContract"]["field"] == "terminationDate"
    same_day = await gql(TERMINATE_CONTRACT, {"id": contract_id, "day": "2025-01-01"})
    assert same_day["data"]["terminateContract"]["field"] == "terminationDate"
    done = await gql(TERMINATE_CONTRACT, {"id": contract_id, "day": "2025-12-31"})
    contract = done["data"]["terminateContract"]["contract"]
    assert contract["status"] == "TERMINATED" and contract["terminationDate"] == "2025-12-31"
    twice = await gql(TERMINATE_CONTRACT, {"id": contract_id, "day": "2025-12-31"})
    assert twice["data"]["terminateContract"] == {
        "__typename": "IllegalStatusChange", "currentStatus": "terminated",
        "requestedStatus": "terminated",
    }  # fmt: skip
    (audit,) = await _audit(engine, "terminate_contract", _db_id(contract_id))
    assert audit["old_values"]["status"] == "active"
    assert audit["new_values"] == {"status": "terminated", "termination_date": "2025-12-31"}
    after = await gql(CREATE_CONTRACT, {"input": _contract_input(
        provider["id"], effectiveDate="2026-01-01")})  # fmt: skip
    assert after["data"]["createContract"]["__typename"] == "ContractSaved"


# --- employers ---------------------------------------------------------------------------------


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


async def _sign_in(client, email: str) -> dict:
    response = await client.post(
        "/auth/token", data={"grant_type": "password", "username": email, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return response.json()


async def _me(client, access_token: str):
    return await client.post(
        "/graphql", json={"query": "{ me { email } }"},
        headers={"Authorization": f"Bearer {access_token}"},
    )  # fmt: skip


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
        "currentStatus": "inactive", "requestedStatus": "inactive"}  # fmt: skip


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


# --- who may do it -----------------------------------------------------------------------------


_PROVIDER_DENIALS = (
    "SELECT count(*) FROM audit_log WHERE action = 'create_denied' AND resource_type = "
    "'Provider' AND success = false AND error = 'FORBIDDEN'"
)


async def test_only_admins_may_run_any_admin_mutation(gql, engine, users):
    provider = await _create_provider(gql)
    credential = (await _credential(gql, provider["id"]))["credential"]
    contract = (await gql(CREATE_CONTRACT, {"input": _contract_input(provider["id"])}))["data"]
    employer = await _create_employer(gql, state="CA")  # in the regulator's state: visible
    before = await _scalar(engine, "SELECT count(*) FROM outbox_events")
    denied_before = await _scalar(engine, _PROVIDER_DENIALS)
    attempts = {
        "createProvider": (CREATE_PROVIDER, {"input": _group_input()}),
        "updateProvider": (UPDATE_PROVIDER, {"input": {"providerId": provider["id"],
                                                       "networkStatus": "OUT_OF_NETWORK"}}),
        "addCredential": (ADD_CREDENTIAL, {"input": {"providerId": provider["id"],
                                                     "credentialType": "DEA"}}),
        "updateCredentialStatus": (CREDENTIAL_STATUS, {"id": credential["id"],
                                                       "status": "VERIFIED"}),
        "createContract": (CREATE_CONTRACT, {"input": _contract_input(provider["id"])}),
        "terminateContract": (TERMINATE_CONTRACT, {
            "id": contract["createContract"]["contract"]["id"], "day": "2025-06-01"}),
        "createEmployer": (CREATE_EMPLOYER, {"input": {"companyName": "Nope Inc"}}),
        "updateEmployer": (UPDATE_EMPLOYER, {"input": {"employerId": employer["id"],
                                                       "status": "INACTIVE"}}),
        "createUser": (CREATE_USER, {"input": {"email": _email(), "password": PASSWORD,
                                               "role": "ADMIN"}}),
    }  # fmt: skip
    for persona in NON_ADMINS:
        # every user reads their own account, so trying to change it is refused, not hidden
        me = to_global_id("User", users[persona]["id"])
        attempts |= {
            "deactivateUser": (DEACTIVATE_USER, {"id": me}),
            "changeUserRole": (CHANGE_ROLE, {"input": {"userId": me, "role": "ADMIN"}}),
        }
        for name, (query, variables) in attempts.items():
            body = await gql(query, variables, as_=persona)
            assert body["data"] is None, (persona, name, body)
            code = body["errors"][0]["extensions"]["code"]
            # provider staff cannot even see other organisations' records or accounts: for
            # them those look absent, which is the same refusal without an existence leak
            hidden = persona == "provider@example.com" and name in {
                "updateCredentialStatus", "terminateContract", "updateEmployer"}  # fmt: skip
            assert code == ("NOT_FOUND" if hidden else "FORBIDDEN"), (persona, name, body)
    assert await _scalar(engine, "SELECT count(*) FROM outbox_events") == before
    denied = await _scalar(engine, _PROVIDER_DENIALS)
    # each refusal is audited: adjudicator and provider staff once each for createProvider
    # (regulators are stopped before any lookup, by their role alone)
    assert denied - denied_before == 2


async def test_provider_staff_cannot_change_their_own_organisation(gql, users):
    own = to_global_id("Provider", users["provider@example.com"]["provider_id"])
    body = await gql(UPDATE_PROVIDER, {"input": {"providerId": own, "networkStatus": "PENDING"}},
                     as_="provider@example.com")  # fmt: skip
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = await gql(CREATE_CONTRACT, {"input": _contract_input(own)}, as_="provider@example.com")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    me = to_global_id("User", users["provider@example.com"]["id"])
    body = await gql(DEACTIVATE_USER, {"id": me}, as_="provider@example.com")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


# --- one transaction ---------------------------------------------------------------------------


async def test_a_failure_midway_leaves_nothing_behind(gql, client, engine, monkeypatch):
    from db import workflows

    real = workflows.publish

    async def broken_publish(*args, **kwargs):
        raise RuntimeError("the process dies after the rows were written")

    npi, email = _npi(), _email()
    user = await _create_user(gql)
    signed_in = await _sign_in(client, user["email"])
    writes = ("create_provider", "create_user", "deactivate_user")
    count_writes = "SELECT count(*) FROM audit_log WHERE action = ANY(:a)"
    audited = await _scalar(engine, count_writes, a=list(writes))
    outbox = await _scalar(engine, "SELECT count(*) FROM outbox_events")
    monkeypatch.setattr(workflows, "publish", broken_publish)
    body = await gql(CREATE_PROVIDER, {"input": _group_input(npi=npi)})
    assert body["errors"][0]["extensions"]["code"] == "INTERNAL"
    body = await gql(CREATE_USER, {"input": {"email": email, "password": PASSWORD,
                                             "role": "AUDITOR"}})  # fmt: skip
    assert body["errors"][0]["extensions"]["code"] == "INTERNAL"
    body = await gql(DEACTIVATE_USER, {"id": user["id"]})
    assert body["errors"][0]["extensions"]["code"] == "INTERNAL"
    monkeypatch.setattr(workflows, "publish", real)
    assert await _scalar(engine, "SELECT count(*) FROM providers WHERE npi = :n", n=npi) == 0
    assert await _scalar(engine, "SELECT count(*) FROM users WHERE email = :e", e=email) == 0
    user_id = _db_id(user["id"])
    assert await _scalar(engine, "SELECT status FROM users WHERE id = :i", i=user_id) == "active"
    assert (await _me(client, signed_in["access_token"])).status_code == 200  # not revoked
    assert await _scalar(engine, count_writes, a=list(writes)) == audited  # no half audit
    assert await _scalar(engine, "SELECT count(*) FROM outbox_events") == outbox


async def test_concurrent_duplicates_one_wins_the_other_is_told_which_field(gql):
    """Two admins saving the same NPI, tax id, email or contract period at the same moment:
    the constraint (or the lock) lets exactly one through; the other gets a typed refusal."""
    import asyncio

    for _ in range(5):
        npi, tax_id = _npi(), _tax_id()
        same_npi = await asyncio.gather(
            *(gql(CREATE_PROVIDER, {"input": _group_input(npi=npi)}) for _ in range(2))
        )
        results = sorted(b["data"]["createProvider"]["__typename"] for b in same_npi)
        assert results == ["InvalidInput", "ProviderSaved"], same_npi
        assert {b["data"]["createProvider"].get("field") for b in same_npi} == {None, "npi"}
        same_tax = await asyncio.gather(
            *(gql(CREATE_PROVIDER, {"input": _group_input(taxId=tax_id)}) for _ in range(2))
        )
        assert {b["data"]["createProvider"].get("field") for b in same_tax} == {None, "taxId"}
        email = _email()
        same_email = await asyncio.gather(
            *(
                gql(
                    CREATE_USER,
                    {"input": {"email": email, "password": PASSWORD, "role": "AUDITOR"}},
                )  # fmt: skip
                for _ in range(2)
            )
        )
        assert {b["data"]["createUser"].get("field") for b in same_email} == {None, "email"}
        provider = await _create_provider(gql)
        same_period = await asyncio.gather(
            *(gql(CREATE_CONTRACT, {"input": _contract_input(provider["id"])}) for _ in range(2))
        )
        fields = {b["data"]["createContract"].get("field") for b in same_period}
        assert fields == {None, "effectiveDate"}, same_period
