"""The admin mutations over HTTP: providers, and what holds of every admin mutation (only
admins may run any of them, each in one transaction, and concurrent duplicates are refused by
field).

The other admin mutations have files of their own: credentials and contracts
(test_admin_contracts.py), employers and users (test_admin_accounts.py).

Each test makes its own records (the demo personas are shared by the whole suite) and checks
what a user would notice: the saved record, the typed refusal naming the input field, the
outbox event and audit row written with the change. What the admin tests share is in
tests/graph/admin_support.py.
"""

from __future__ import annotations

from graph.relay import to_global_id
from tests.graph.admin_support import (
    ADD_CREDENTIAL,
    CHANGE_ROLE,
    CREATE_CONTRACT,
    CREATE_EMPLOYER,
    CREATE_PROVIDER,
    CREATE_USER,
    CREDENTIAL_STATUS,
    DEACTIVATE_USER,
    NON_ADMINS,
    PASSWORD,
    TERMINATE_CONTRACT,
    UPDATE_EMPLOYER,
    UPDATE_PROVIDER,
    _audit,
    _contract_input,
    _create_employer,
    _create_provider,
    _create_user,
    _credential,
    _db_id,
    _doctor_input,
    _email,
    _group_input,
    _me,
    _npi,
    _outbox,
    _scalar,
    _sign_in,
    _tax_id,
)

# --- providers --------------------------------------------------------------------------------


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


# --- who may do it ----------------------------------------------------------------------------


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


# --- one transaction --------------------------------------------------------------------------


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
