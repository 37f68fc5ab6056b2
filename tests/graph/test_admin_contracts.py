"""The admin mutations over HTTP, a provider's credentials and contracts: addCredential,
updateCredentialStatus, createContract and terminateContract.

Each test makes its own records (the demo personas are shared by the whole suite) and checks
what a user would notice: the saved record, the typed refusal naming the input field, the
outbox event and audit row written with the change. What the admin tests share is in
tests/graph/admin_support.py.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.graph.admin_support import (
    CREATE_CONTRACT,
    CREDENTIAL_STATUS,
    TERMINATE_CONTRACT,
    TODAY,
    _audit,
    _contract_input,
    _create_provider,
    _credential,
    _db_id,
    _outbox,
    _scalar,
)

# --- credentials ------------------------------------------------------------------------------


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
        "message": "A credential that is VERIFIED cannot become PENDING.",
        "currentStatus": "VERIFIED", "requestedStatus": "PENDING",
    }  # fmt: skip
    revoked = await gql(CREDENTIAL_STATUS, {"id": credential_id, "status": "REVOKED"})
    assert revoked["data"]["updateCredentialStatus"]["credential"]["status"] == "REVOKED"
    again = await gql(CREDENTIAL_STATUS, {"id": credential_id, "status": "VERIFIED"})
    assert again["data"]["updateCredentialStatus"]["currentStatus"] == "REVOKED"
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


# --- contracts --------------------------------------------------------------------------------


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
        "__typename": "IllegalStatusChange", "currentStatus": "TERMINATED",
        "requestedStatus": "TERMINATED",
    }  # fmt: skip
    (audit,) = await _audit(engine, "terminate_contract", _db_id(contract_id))
    assert audit["old_values"]["status"] == "active"
    assert audit["new_values"] == {"status": "terminated", "termination_date": "2025-12-31"}
    after = await gql(CREATE_CONTRACT, {"input": _contract_input(
        provider["id"], effectiveDate="2026-01-01")})  # fmt: skip
    assert after["data"]["createContract"]["__typename"] == "ContractSaved"


async def test_a_terminated_contract_still_prices_the_care_given_before_its_end(gql, engine):
    """Terminating a contract ends its pricing from the termination date, not backwards: a
    claim for care before that day, adjudicated later, is still priced in network."""
    from db import workflows

    provider = await _create_provider(gql)
    created = await gql(CREATE_CONTRACT, {"input": _contract_input(provider["id"])})
    contract_id = created["data"]["createContract"]["contract"]["id"]
    done = await gql(TERMINATE_CONTRACT, {"id": contract_id, "day": "2025-07-01"})
    assert done["data"]["terminateContract"]["contract"]["status"] == "TERMINATED"
    provider_id = _db_id(provider["id"])
    async with engine.connect() as conn:
        before = await workflows.pricing(
            conn, provider_id=provider_id, service_date=date(2025, 6, 30)
        )
        after = await workflows.pricing(
            conn, provider_id=provider_id, service_date=date(2025, 7, 1)
        )
    assert before == (True, {"99213": Decimal("92.50"), "36415": Decimal("3.00")})
    assert after == (False, {})
    # a new contract may begin where the old one ended, not before
    overlap = await gql(CREATE_CONTRACT, {"input": _contract_input(
        provider["id"], effectiveDate="2025-06-01")})  # fmt: skip
    assert overlap["data"]["createContract"]["field"] == "effectiveDate"
    again = await gql(CREATE_CONTRACT, {"input": _contract_input(
        provider["id"], effectiveDate="2025-07-01")})  # fmt: skip
    assert again["data"]["createContract"]["__typename"] == "ContractSaved"


async def test_a_draft_terminated_never_prices(gql, engine):
    from db import workflows

    provider = await _create_provider(gql)
    draft = await gql(CREATE_CONTRACT, {"input": _contract_input(provider["id"], draft=True)})
    contract = draft["data"]["createContract"]["contract"]
    done = await gql(TERMINATE_CONTRACT, {"id": contract["id"], "day": "2025-12-31"})
    ended = done["data"]["terminateContract"]["contract"]
    assert (ended["status"], ended["terminationDate"]) == ("TERMINATED", None)
    async with engine.connect() as conn:
        priced = await workflows.pricing(conn, provider_id=_db_id(provider["id"]),
                                         service_date=date(2025, 3, 1))  # fmt: skip
    assert priced == (False, {})
