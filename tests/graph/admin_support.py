"""What the admin tests (tests/graph/test_admin*.py) share: the personas, the mutations,
inputs that pass, helpers that make records, sign in, and read back audit rows and outbox
events."""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta

from sqlalchemy import text

from domain.identifiers import make_npi

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


async def _credential(gql, provider_id: str, **over) -> dict:
    values = {"providerId": provider_id, "credentialType": "MEDICAL_LICENSE",
              "credentialNumber": "CA123456", "issuingState": "ca",
              "issueDate": "2020-05-01", "expirationDate": str(TODAY + timedelta(days=400)),
              **over}  # fmt: skip
    return (await gql(ADD_CREDENTIAL, {"input": values}))["data"]["addCredential"]


def _contract_input(provider_id: str, **over) -> dict:
    return {"providerId": provider_id, "contractType": "GROUP", "effectiveDate": "2025-01-01",
            "feeSchedule": [{"procedureCode": "99213", "allowedAmount": "92.5"},
                            {"procedureCode": "36415", "allowedAmount": "3.00"}],
            **over}  # fmt: skip


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
