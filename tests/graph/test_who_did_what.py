"""Who did what, over HTTP, on fresh claims: the provider's staff submit, an adjudicator takes
the claim and denies it with notes of their own, the member appeals with more information
and adds some, a second adjudicator decides. Each persona then reads the claim: everyone
who reads it learns the role of whoever acted; the person (email, display name) only those
tests/policies/matrix.py ACTORS names; the adjudicator's notes only plan staff. A page of
claims with its users costs the same statements at 5 rows as at 50."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import text

from graph.keys import pseudonym
from graph.relay import from_global_id, to_global_id
from tests.graph.test_adjudication import ADJUDICATE
from tests.graph.test_submission import SUBMIT, claim_input, maria  # noqa: F401
from tests.policies import matrix

PROVIDER, MEMBER, ADMIN = "provider@example.com", "member@example.com", "admin@example.com"
ADJUDICATOR, ADJUDICATOR2 = "adjudicator@example.com", "adjudicator2@example.com"
REGULATOR = "regulator@example.com"
PROVIDER_NOTE = "Sore throat for a week; rapid strep negative."
ADJUDICATOR_NOTE = "Records reviewed with the medical director: no follow-up was needed."

ASSIGN = """mutation($c: ID!, $v: Int!) { assignClaim(claimId: $c, version: $v) { __typename
  ... on ClaimAssigned { claim { version assignedTo { email } } } } }"""
FILE = """mutation($c: ID!, $more: String) { fileAppeal(claimId: $c, reason: "Please look again",
  additionalInformation: $more) { __typename
  ... on AppealFiled { appeal { id additionalInformation } }
  ... on InvalidInput { field message } } }"""
ADD = """mutation($a: ID!, $text: String!) { addAppealInformation(appealId: $a, information: $text)
  { __typename ... on AppealInformationAdded { appeal { status additionalInformation } }
  ... on InvalidInput { code field message }
  ... on IllegalStatusChange { code currentStatus requestedStatus message } } }"""
DECIDE = """mutation($a: ID!) { decideAppeal(appealId: $a, outcome: UPHOLD, reason: "Reviewed") {
  __typename ... on AppealDecided { appeal { status reviewedBy { email } } } } }"""
WHO = """query($id: ID!) { node(id: $id) { ... on Claim { notes adjudicatorNotes
  submittedBy { id role roleTitle email displayName }
  assignedTo { role roleTitle displayName }
  processedBy { id role roleTitle email displayName }
  appeals { reviewedBy { id role roleTitle email } }
  events { action actor { role roleTitle email } } } } }"""


def _forbidden(body: dict) -> set[tuple]:
    """The paths answered null with FORBIDDEN."""
    return {
        tuple(e["path"]) for e in body.get("errors", []) if e["extensions"]["code"] == "FORBIDDEN"
    }


async def _submitted(gql, maria, days_ago: int, **changes) -> dict:  # noqa: F811
    body = await gql(SUBMIT, {"input": claim_input(maria, days_ago=days_ago, **changes)},
                     as_=PROVIDER)  # fmt: skip
    result = body["data"]["submitClaim"]
    assert result["__typename"] == "ClaimSubmitted", result
    return result["claim"]


async def _denied(gql, maria, days_ago: int, notes: str | None = None) -> str:  # noqa: F811
    """A fresh claim of Maria's: submitted with the provider's note, taken by the adjudicator
    and denied, with the adjudicator's note when given. Its global id."""
    claim = await _submitted(gql, maria, days_ago, notes=PROVIDER_NOTE)
    taken = (await gql(ASSIGN, {"c": claim["id"], "v": 1}, as_=ADJUDICATOR))["data"]
    assert taken["assignClaim"]["claim"]["version"] == 2, taken
    decision = {"claimId": claim["id"], "version": 2, "decision": "DENY", "denialCode": "50",
                "denialReason": "Not medically necessary", "notes": notes}  # fmt: skip
    decided = (await gql(ADJUDICATE, {"input": decision}, as_=ADJUDICATOR))["data"]
    assert decided["adjudicateClaim"]["claim"]["status"] == "DENIED", decided
    return claim["id"]


@pytest.fixture(scope="module")
async def story(gql, maria):  # noqa: F811
    """Submitted, taken, denied with a note, appealed by the member with information added
    twice, upheld by the second adjudicator."""
    claim = await _denied(gql, maria, days_ago=61, notes=ADJUDICATOR_NOTE)
    filed = (await gql(FILE, {"c": claim, "more": "My doctor will send her notes."},
                       as_=MEMBER))["data"]["fileAppeal"]  # fmt: skip
    assert filed["__typename"] == "AppealFiled", filed
    appeal = filed["appeal"]["id"]
    added = (await gql(ADD, {"a": appeal, "text": "Dr. Okafor's letter is in the mail."},
                       as_=MEMBER))["data"]["addAppealInformation"]  # fmt: skip
    assert added["__typename"] == "AppealInformationAdded", added
    decided = (await gql(DECIDE, {"a": appeal}, as_=ADJUDICATOR2))["data"]["decideAppeal"]
    assert decided["appeal"] == {"status": "UPHELD", "reviewedBy": {"email": ADJUDICATOR2}}
    return {"claim": claim, "appeal": appeal}


def _as_seen_by(persona: str, claim_id: str) -> str:
    """The claim's id as the persona names it (regulators: its pseudonym)."""
    if persona != REGULATOR:
        return claim_id
    return to_global_id("Claim", pseudonym(from_global_id(claim_id)[1]))


async def test_plan_staff_see_who_did_each_step(gql, story, users):
    body = await gql(WHO, {"id": story["claim"]}, as_=ADJUDICATOR2)
    # the member's own login is hers: plan staff get its role, not her address
    assert _forbidden(body) == {("node", "events", 3, "actor", "email")}
    assert len(body["errors"]) == 1
    claim = body["data"]["node"]
    assert claim["notes"] == PROVIDER_NOTE  # the decision did not overwrite it
    assert claim["adjudicatorNotes"] == ADJUDICATOR_NOTE
    assert claim["submittedBy"] == {
        "id": to_global_id("User", users[PROVIDER]["id"]), "role": "PROVIDER",
        "roleTitle": "Provider staff", "email": PROVIDER, "displayName": "Riverside Front Desk",
    }  # fmt: skip
    jordan = {"role": "ADJUDICATOR", "roleTitle": "Claims adjudicator",
              "displayName": "Jordan Adjudicator"}  # fmt: skip
    assert claim["assignedTo"] == jordan
    assert claim["processedBy"] == jordan | {
        "id": to_global_id("User", users[ADJUDICATOR]["id"]), "email": ADJUDICATOR}  # fmt: skip
    assert claim["appeals"] == [{"reviewedBy": {
        "id": to_global_id("User", users[ADJUDICATOR2]["id"]), "role": "ADJUDICATOR",
        "roleTitle": "Claims adjudicator", "email": ADJUDICATOR2}}]  # fmt: skip
    steps = [(e["action"], e["actor"] and e["actor"]["role"]) for e in claim["events"]]
    assert steps == [("submitted", "PROVIDER"), ("review_started", "ADJUDICATOR"),
                     ("adjudicated", "ADJUDICATOR"), ("appeal_filed", "MEMBER"),
                     ("appeal_decided", "ADJUDICATOR")]  # fmt: skip
    assert claim["events"][3]["actor"] == {"role": "MEMBER", "roleTitle": "Member", "email": None}


@pytest.mark.parametrize("persona", sorted(matrix.ACTORS))
async def test_who_sees_which_user(gql, story, persona, users):
    body = await gql(WHO, {"id": _as_seen_by(persona, story["claim"])}, as_=persona)
    claim = body["data"]["node"]
    hidden = _forbidden(body)
    expected = matrix.ACTORS[persona]
    # everyone who reads the claim learns the role of whoever acted
    assert (claim["submittedBy"]["role"], claim["submittedBy"]["roleTitle"]) == (
        "PROVIDER", "Provider staff")  # fmt: skip
    assert (claim["processedBy"]["role"], claim["processedBy"]["roleTitle"]) == (
        "ADJUDICATOR", "Claims adjudicator")  # fmt: skip
    assert claim["appeals"][0]["reviewedBy"]["roleTitle"] == "Claims adjudicator"
    # without a name, the ids still show the appeal was decided by someone else ((h)(3)(ii))
    assert claim["appeals"][0]["reviewedBy"]["id"] != claim["processedBy"]["id"]
    for field, email, name in [("submittedBy", PROVIDER, "Riverside Front Desk"),
                               ("processedBy", ADJUDICATOR, "Jordan Adjudicator")]:  # fmt: skip
        paths = {("node", field, "email"), ("node", field, "displayName")}
        if expected[field] == "value":
            assert (claim[field]["email"], claim[field]["displayName"]) == (email, name)
            assert not paths & hidden
        else:
            assert claim[field]["email"] is None and claim[field]["displayName"] is None
            assert paths <= hidden, body.get("errors")
    staff = expected["processedBy"] == "value"
    assert (("node", "appeals", 0, "reviewedBy", "email") in hidden) is not staff
    assert (("node", "adjudicatorNotes") in hidden) is (persona in (MEMBER, PROVIDER, REGULATOR))
    if persona == REGULATOR:  # de-identified: free text removed, users under pseudonyms
        assert claim["notes"] is None and claim["adjudicatorNotes"] is None
        provider_staff = users[PROVIDER]["id"]
        assert claim["submittedBy"]["id"] == to_global_id("User", pseudonym(provider_staff))
    elif persona in (MEMBER, PROVIDER):
        assert claim["notes"] == PROVIDER_NOTE and claim["adjudicatorNotes"] is None
    # the appeal was hers: her own step of the timeline is hers to read whole; plan staff
    # get her login by role; to a provider or a regulator her login is no account they read
    actor = claim["events"][3]["actor"]
    if persona == MEMBER:
        assert actor == {"role": "MEMBER", "roleTitle": "Member", "email": MEMBER}
    elif persona in (PROVIDER, REGULATOR):
        assert actor is None
    else:
        assert actor["role"] == "MEMBER"


async def test_a_later_decision_names_its_adjudicator_and_keeps_the_notes(gql, maria):  # noqa: F811
    """Overturned on appeal and approved by the second adjudicator without notes: processedBy
    is now the second adjudicator; the first one's notes stay, the provider's too."""
    claim = await _denied(gql, maria, days_ago=63, notes="First look: no records attached.")
    filed = (await gql(FILE, {"c": claim}, as_=MEMBER))["data"]["fileAppeal"]
    overturn = DECIDE.replace("UPHOLD", "OVERTURN")
    decided = await gql(overturn, {"a": filed["appeal"]["id"]}, as_=ADJUDICATOR2)
    assert decided["data"]["decideAppeal"]["appeal"]["status"] == "OVERTURNED", decided
    version = (await gql("query($id: ID!) { node(id: $id) { ... on Claim { version } } }",
                         {"id": claim}, as_=ADJUDICATOR2))["data"]["node"]["version"]  # fmt: skip
    again = {"claimId": claim, "version": version, "decision": "APPROVE", "notes": "  "}
    approved = (await gql(ADJUDICATE, {"input": again}, as_=ADJUDICATOR2))["data"]
    assert approved["adjudicateClaim"]["claim"]["status"] == "APPROVED", approved
    read = (await gql(WHO, {"id": claim}, as_=ADMIN))["data"]["node"]
    assert read["processedBy"]["email"] == ADJUDICATOR2
    assert read["assignedTo"]["displayName"] == "Jordan Adjudicator"
    assert read["notes"] == PROVIDER_NOTE
    assert read["adjudicatorNotes"] == "First look: no records attached."
    assert [e["actor"]["email"] for e in read["events"]][-2:] == [ADJUDICATOR2, ADJUDICATOR2]


ENTRY = re.compile(r"\[\d{4}-\d\d-\d\d \d\d:\d\d UTC\] ")


def _entries(information: str) -> list[str]:
    """The additions, oldest first, each checked for its time stamp and stripped of it."""
    parts = information.split("\n\n")
    assert all(ENTRY.match(p) for p in parts), information
    return [ENTRY.sub("", p, count=1) for p in parts]


async def test_the_filer_adds_information_while_the_appeal_is_open(gql, engine, maria):  # noqa: F811
    claim = await _denied(gql, maria, days_ago=64)
    too_long = await gql(FILE, {"c": claim, "more": "x" * 4001}, as_=MEMBER)
    assert too_long["data"]["fileAppeal"]["field"] == "additionalInformation", too_long
    filed = (await gql(FILE, {"c": claim, "more": " Records from the clinic follow. "},
                       as_=MEMBER))["data"]["fileAppeal"]  # fmt: skip
    appeal = filed["appeal"]["id"]
    assert _entries(filed["appeal"]["additionalInformation"]) == [
        "Records from the clinic follow."]  # fmt: skip

    # not the filer: the provider (whose claim it is) and the regulator are refused
    for persona in (PROVIDER, REGULATOR):
        refused = await gql(ADD, {"a": appeal, "text": "More"}, as_=persona)
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN", refused
        assert refused["data"] is None
    blank = (await gql(ADD, {"a": appeal, "text": "   "}, as_=MEMBER))["data"]
    assert blank["addAppealInformation"]["field"] == "information", blank

    first = (await gql(ADD, {"a": appeal, "text": "The clinic faxed its notes today."},
                       as_=MEMBER))["data"]["addAppealInformation"]  # fmt: skip
    staff = (await gql(ADD, {"a": appeal, "text": "Clinic fax received, 4 pages."},
                       as_=ADJUDICATOR2))["data"]["addAppealInformation"]  # fmt: skip
    assert first["appeal"]["status"] == staff["appeal"]["status"] == "SUBMITTED"
    assert _entries(staff["appeal"]["additionalInformation"]) == [
        "Records from the clinic follow.", "The clinic faxed its notes today.",
        "Clinic fax received, 4 pages.",
    ]  # fmt: skip

    withdraw = """mutation($a: ID!) { withdrawAppeal(appealId: $a) { __typename } }"""
    assert (await gql(withdraw, {"a": appeal}, as_=MEMBER))["data"]["withdrawAppeal"] == {
        "__typename": "AppealWithdrawn"}  # fmt: skip
    closed = (await gql(ADD, {"a": appeal, "text": "One more thing"}, as_=MEMBER))["data"]
    assert closed["addAppealInformation"] | {"message": None} == {
        "__typename": "IllegalStatusChange", "code": "BAD_USER_INPUT",
        "currentStatus": "WITHDRAWN", "requestedStatus": "WITHDRAWN", "message": None,
    }  # fmt: skip
    assert "WITHDRAWN" in closed["addAppealInformation"]["message"]

    appeal_id = from_global_id(appeal)[1]
    async with engine.connect() as conn:
        audited = (await conn.execute(text(
            "SELECT role, fields, new_values::text FROM audit_log "
            "WHERE action = 'add_appeal_information' AND resource_id = :id ORDER BY seq"
        ), {"id": appeal_id})).all()  # fmt: skip
        published = (await conn.execute(text(
            "SELECT payload::text FROM outbox_events WHERE topic = 'appeal.information_added'"
        ))).scalars().all()  # fmt: skip
        stored = (await conn.execute(text(
            "SELECT additional_information FROM appeals WHERE id = :id"), {"id": appeal_id}
        )).scalar_one()  # fmt: skip
    assert [(r.role, list(r.fields)) for r in audited] == [
        ("member", ["additional_information"]),
        ("adjudicator", ["additional_information"]),
    ]
    assert not any("fax" in (r.new_values or "") for r in audited)  # no text in the trail
    assert sum(json.loads(p)["appeal_id"] == str(appeal_id) for p in published) == 2
    assert stored == staff["appeal"]["additionalInformation"]  # refusals changed nothing


PAGE = """query($n: Int!) { claims(first: $n) { edges { node { id
  submittedBy { id roleTitle displayName } processedBy { id roleTitle displayName }
  assignedTo { id roleTitle displayName } } } } }"""


async def _statements(gql, count_statements, n: int, persona: str) -> tuple[int, dict]:
    before = count_statements.count
    body = await gql(PAGE, {"n": n}, as_=persona)
    return count_statements.count - before, body


@pytest.mark.parametrize("persona", [ADJUDICATOR, MEMBER])
async def test_a_page_of_claims_loads_its_users_in_one_statement(
    gql, count_statements, story, persona
):
    small, _ = await _statements(gql, count_statements, 5, persona)
    large, body = await _statements(gql, count_statements, 50, persona)
    nodes = [e["node"] for e in body["data"]["claims"]["edges"]]
    assert len(nodes) > 5 and any(n["processedBy"] for n in nodes)
    assert small == large
    # the principal, the page, its users (three relations, one loader, one statement)
    assert large == 3, large
