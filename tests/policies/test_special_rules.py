"""The special rules of ACCESS.md, each with its allow and its deny."""

from __future__ import annotations

import base64
import uuid

FAMILY = "member@example.com"
LUCAS = "adult.child@example.com"
CLAIMS = "{ claims(first: 100) { totalCount edges { node { id isSensitive diagnosisCodes } } } }"


def _code(body) -> str:
    return body["errors"][0]["extensions"]["code"]


def _gid(type_name: str, db_id) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{db_id}".encode()).decode().rstrip("=")


async def _lucas_claims(gql) -> list[dict]:
    body = await gql(CLAIMS, as_=LUCAS)
    return [e["node"] for e in body["data"]["claims"]["edges"]]


async def _ids(gql, persona: str) -> set[str]:
    body = await gql(CLAIMS, as_=persona)
    return {e["node"]["id"] for e in body["data"]["claims"]["edges"]}


# --- adult dependent confidentiality and sensitive claims ----------------------------------


async def test_consent_opens_an_adult_dependents_claims_on_the_next_request_and_revocation_closes(
    gql,
):
    lucas = await _lucas_claims(gql)
    ordinary = {c["id"] for c in lucas if not c["isSensitive"]}
    sensitive = {c["id"] for c in lucas if c["isSensitive"]}
    assert ordinary and sensitive, "the demo gives Lucas both kinds of claims"

    await gql("mutation { revokeConsent { revoked } }", as_=LUCAS)
    assert not (await _ids(gql, FAMILY)) & (ordinary | sensitive)

    await gql("mutation { grantConsent { revoked } }", as_=LUCAS)
    seen = await _ids(gql, FAMILY)
    assert ordinary <= seen
    assert not seen & sensitive, "consent never lifts a sensitive claim's confidentiality"

    await gql("mutation { revokeConsent { revoked } }", as_=LUCAS)
    assert not (await _ids(gql, FAMILY)) & ordinary


async def test_only_the_dependent_grants_consent(gql):
    lucas = await gql("{ me { dependent { id } } }", as_=LUCAS)
    dependent_id = lucas["data"]["me"]["dependent"]["id"]
    body = await gql(
        "mutation($d: ID) { grantConsent(dependentId: $d) { revoked } }",
        {"d": dependent_id},
        as_=FAMILY,
    )
    assert _code(body) == "FORBIDDEN"
    body = await gql("mutation { grantConsent { revoked } }", as_=FAMILY)
    assert _code(body) == "BAD_USER_INPUT"


async def test_sensitive_claims_reach_the_patient_provider_and_staff_only(gql):
    sensitive = {c["id"] for c in await _lucas_claims(gql) if c["isSensitive"]}
    assert sensitive <= await _ids(gql, LUCAS)
    for staff in ("provider@example.com", "adjudicator@example.com", "admin@example.com"):
        for claim_id in sensitive:
            body = await gql(
                "query($id: ID!) { claim(id: $id) { id } }", {"id": claim_id}, as_=staff
            )
            assert body["data"]["claim"]["id"] == claim_id
    for outsider in (FAMILY, "employer@example.com", "auditor@example.com"):
        for claim_id in sensitive:
            body = await gql(
                "query($id: ID!) { claim(id: $id) { id } }", {"id": claim_id}, as_=outsider
            )
            assert _code(body) == "NOT_FOUND"


async def test_a_minors_claims_reach_the_subscriber(gql):
    body = await gql(
        "{ me { member { dependents { firstName claims { totalCount } } } } }", as_=FAMILY
    )
    sofia = next(d for d in body["data"]["me"]["member"]["dependents"] if d["firstName"] == "Sofia")
    assert sofia["claims"]["totalCount"] >= 1


# --- no existence leak ---------------------------------------------------------------------


async def test_invisible_rows_are_not_found_everywhere_and_absent_from_nested_lists(gql):
    others = await gql(
        "{ claims(first: 50, filter: {status: [PAID]}) { edges { node { id provider { id } } } } }"
    )
    mine = await _ids(gql, FAMILY)
    outsider_claim = next(
        e["node"] for e in others["data"]["claims"]["edges"] if e["node"]["id"] not in mine
    )
    missing = _gid("Claim", uuid.uuid4())
    for claim_id in (outsider_claim["id"], missing):
        for query in (
            "query($id: ID!) { claim(id: $id) { id } }",
            "query($id: ID!) { node(id: $id) { id } }",
        ):
            body = await gql(query, {"id": claim_id}, as_=FAMILY)
            assert _code(body) == "NOT_FOUND"
            assert body["errors"][0]["message"].startswith("No ")
    nested = await gql(
        "query($id: ID!) { provider(id: $id) { claims(first: 100) { totalCount edges { node { id } } } } }",
        {"id": outsider_claim["provider"]["id"]},
        as_=FAMILY,
    )
    listed = {e["node"]["id"] for e in nested["data"]["provider"]["claims"]["edges"]}
    assert outsider_claim["id"] not in listed and listed <= mine


# --- employers: aggregates only --------------------------------------------------------------


async def test_employers_get_suppressed_aggregates_and_no_claim(gql):
    me = await gql("{ me { employer { id } } }", as_="employer@example.com")
    employer_id = me["data"]["me"]["employer"]["id"]
    assert (await gql("{ claims { totalCount } }", as_="employer@example.com"))["data"] == {
        "claims": {"totalCount": 0}
    }
    body = await gql(
        "query($e: ID!) { claimsSummary(employerId: $e) { month claimCount paidTotal suppressed "
        "cells { claimType claimCount paidTotal suppressed } } }",
        {"e": employer_id},
        as_="employer@example.com",
    )
    months = body["data"]["claimsSummary"]
    assert len(months) == 12, "the last 12 released months by default"
    cells = [c for m in months for c in m["cells"]] + months  # a month's total is a cell too
    assert any(c["claimCount"] for c in cells), "the demo employer's employees have claims"
    for cell in cells:
        if cell["suppressed"]:
            assert cell["claimCount"] is None and cell["paidTotal"] is None
        else:
            assert cell["claimCount"] == 0 or cell["claimCount"] >= 11
    assert any(c["suppressed"] for c in cells)


async def test_claims_summary_is_refused_to_others(gql):
    me = await gql("{ me { employer { id } } }", as_="employer@example.com")
    employer_id = me["data"]["me"]["employer"]["id"]
    query = "query($e: ID!) { claimsSummary(employerId: $e) { month } }"
    assert _code(await gql(query, {"e": employer_id}, as_=FAMILY)) == "FORBIDDEN"
    assert _code(await gql(query, {"e": employer_id}, as_="provider@example.com")) == "NOT_FOUND"
    other = await gql("{ employers(first: 2) { edges { node { id } } } }")
    foreign = next(
        e["node"]["id"]
        for e in other["data"]["employers"]["edges"]
        if e["node"]["id"] != employer_id
    )
    assert _code(await gql(query, {"e": foreign}, as_="employer@example.com")) == "NOT_FOUND"


# --- regulators ------------------------------------------------------------------------------


async def test_regulators_may_attempt_no_mutation(gql):
    member = await gql(
        "{ members(first: 1) { edges { node { id } } } }", as_="regulator@example.com"
    )
    member_id = member["data"]["members"]["edges"][0]["node"]["id"]
    for mutation, variables in [
        (
            'mutation($m: ID!) { openBreakGlass(memberId: $m, reason: "oversight review") { id } }',
            {"m": member_id},
        ),
        ("mutation { grantConsent { revoked } }", {}),
        ("mutation { revokeConsent { revoked } }", {}),
        ('mutation($m: ID!) { closeBreakGlassReview(id: $m, note: "x") { id } }', {"m": member_id}),
    ]:
        body = await gql(mutation, variables, as_="regulator@example.com")
        assert _code(body) == "FORBIDDEN", mutation


async def test_regulators_see_only_their_state(gql, users):
    state = users["regulator@example.com"]["jurisdiction"]
    body = await gql(
        "{ providers(first: 100) { edges { node { state } } } }", as_="regulator@example.com"
    )
    assert {e["node"]["state"] for e in body["data"]["providers"]["edges"]} == {state}


# --- break-glass -----------------------------------------------------------------------------


async def _family_member_id(gql) -> str:
    body = await gql("{ me { member { id } } }", as_=FAMILY)
    return body["data"]["me"]["member"]["id"]


async def test_break_glass_lifts_restrictions_for_one_user_and_one_member_then_is_reviewed(gql):
    member_id = await _family_member_id(gql)
    read = "query($m: ID!) { member(id: $m) { allergies } }"
    before = await gql(read, {"m": member_id}, as_="adjudicator@example.com")
    assert _code(before) == "FORBIDDEN"

    short = await gql(
        'mutation($m: ID!) { openBreakGlass(memberId: $m, reason: "  ") { id } }',
        {"m": member_id},
        as_="adjudicator@example.com",
    )
    assert _code(short) == "BAD_USER_INPUT"
    assert short["errors"][0]["extensions"]["field"] == "reason"

    opened = await gql(
        'mutation($m: ID!) { openBreakGlass(memberId: $m, reason: "Unconscious in the ER, need allergies") '
        "{ id active expiresAt openedAt } }",
        {"m": member_id},
        as_="adjudicator@example.com",
    )
    grant = opened["data"]["openBreakGlass"]
    assert grant["active"] is True

    after = await gql(read, {"m": member_id}, as_="adjudicator@example.com")
    assert "errors" not in after
    other = await gql(read, {"m": member_id}, as_="adjudicator2@example.com")
    assert _code(other) == "FORBIDDEN", "the grant is for that user only"

    queue = await gql(
        "{ breakGlassReviews(first: 100) { edges { node { id reason openedBy } } } }",
        as_="auditor@example.com",
    )
    queued = {e["node"]["id"]: e["node"] for e in queue["data"]["breakGlassReviews"]["edges"]}
    assert grant["id"] in queued
    assert queued[grant["id"]]["openedBy"] == "adjudicator@example.com"

    close = "mutation($g: ID!, $n: String!) { closeBreakGlassReview(id: $g, note: $n) { reviewedAt reviewNote } }"
    refused = await gql(close, {"g": grant["id"], "n": "fine"}, as_="adjudicator@example.com")
    assert _code(refused) in {"FORBIDDEN", "NOT_FOUND"}
    closed = await gql(
        close, {"g": grant["id"], "n": "Justified: ER visit"}, as_="auditor@example.com"
    )
    assert closed["data"]["closeBreakGlassReview"]["reviewNote"] == "Justified: ER visit"
    queue = await gql(
        "{ breakGlassReviews(first: 100) { edges { node { id } } } }", as_="auditor@example.com"
    )
    assert grant["id"] not in {e["node"]["id"] for e in queue["data"]["breakGlassReviews"]["edges"]}


async def test_members_and_providers_cannot_open_break_glass(gql):
    member_id = await _family_member_id(gql)
    for persona in (FAMILY, "provider@example.com"):
        body = await gql(
            'mutation($m: ID!) { openBreakGlass(memberId: $m, reason: "I would like to see it") { id } }',
            {"m": member_id},
            as_=persona,
        )
        assert _code(body) in {"FORBIDDEN", "NOT_FOUND"}
        if persona == FAMILY:
            assert _code(body) == "FORBIDDEN"


# --- purpose of use --------------------------------------------------------------------------


async def test_purpose_of_use_is_checked_against_the_role(client, token_for):
    async def post(persona: str, purpose: str):
        return await client.post(
            "/graphql",
            json={"query": "{ me { email } }"},
            headers={"Authorization": f"Bearer {token_for(persona)}", "X-Purpose-Of-Use": purpose},
        )

    assert (await post(FAMILY, "PATIENT_REQUEST")).status_code == 200
    refused = await post(FAMILY, "TREATMENT")
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await post("provider@example.com", "TREATMENT")).status_code == 200
    unknown = await post(FAMILY, "CURIOSITY")
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


# --- restricted values: the explicit, audited reveal ----------------------------------------


async def test_an_admin_reveals_a_whole_ssn_with_a_reason_and_it_is_audited(gql, engine, users):
    from sqlalchemy import select, text

    from db.tables import members

    member_id = await _family_member_id(gql)
    masked = await gql("query($m: ID!) { member(id: $m) { ssn } }", {"m": member_id})
    assert masked["data"]["member"]["ssn"].startswith("***-**-")
    reveal = "mutation($m: ID!, $r: String!) { revealSsn(personId: $m, reason: $r) }"
    no_reason = await gql(reveal, {"m": member_id, "r": " "})
    assert _code(no_reason) == "BAD_USER_INPUT"
    for persona in ("adjudicator@example.com", FAMILY, "regulator@example.com"):
        refused = await gql(
            reveal, {"m": member_id, "r": "Identity verification call"}, as_=persona
        )
        assert _code(refused) == "FORBIDDEN", persona
    body = await gql(reveal, {"m": member_id, "r": "Identity verification for IRS form 1095"})
    async with engine.connect() as conn:
        stored = (
            await conn.execute(
                select(members.c.ssn).where(
                    members.c.id == users["member@example.com"]["member_id"]
                )
            )
        ).scalar_one()
        audited = (
            (
                await conn.execute(
                    text(
                        "SELECT fields, new_values FROM audit_log WHERE action = 'reveal_ssn' "
                        "ORDER BY chain_pos DESC LIMIT 1"
                    )
                )
            )
            .mappings()
            .one()
        )
    assert body["data"]["revealSsn"] == stored
    assert audited["fields"] == ["ssn"]
    assert audited["new_values"]["reason"] == "Identity verification for IRS form 1095"
