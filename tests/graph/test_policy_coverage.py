"""Coverage details, exclusions and network restrictions over HTTP: written by createPolicy,
replaced by updatePolicy, carried over by renewPolicy, read back as typed fields, and bad
values refused with the input at fault named. Each test enrols a member of its own."""

from __future__ import annotations

from datetime import timedelta

from tests.graph.enrolment_support import (
    CREATE_POLICY,
    EMPLOYER,
    TODAY,
    _audit,
    _enrol,
    _policy_input,
    _uuid,
    _years_ago,
)
from tests.graph.test_policy_renewal import RENEW
from tests.graph.test_policy_update import UPDATE

READ = """query($id: ID!) { policy(id: $id) { version
  coverageDetails { category covered priorAuthorizationRequired visitLimit note }
  exclusions { category description }
  networkRestrictions { outOfNetworkCoverage referralRequired primaryCareProviderRequired
    serviceArea } } }"""

BENEFITS = [
    {"category": "MENTAL_HEALTH", "covered": True, "visitLimit": 20,
     "note": "  Therapy visits count toward the limit.  "},
    {"category": "OUTPATIENT_SURGERY", "covered": True, "priorAuthorizationRequired": True},
    {"category": "DENTAL", "covered": False},
]  # fmt: skip
EXCLUSIONS = [
    {"description": "Cosmetic surgery", "category": "OUTPATIENT_SURGERY"},
    {"description": "Experimental or investigational treatment"},
]
NETWORK = {"outOfNetworkCoverage": "EMERGENCY_ONLY", "referralRequired": True,
           "primaryCareProviderRequired": True, "serviceArea": ["ca", "NV", "CA"]}  # fmt: skip


async def _create(gql, member_id: str, as_: str = "admin@example.com", **over) -> dict:
    input = _policy_input(member_id, employerContribution="0.00", **over)
    body = await gql(CREATE_POLICY, {"input": input}, as_=as_)
    assert "errors" not in body, body["errors"]
    return body["data"]["createPolicy"]


async def _read(gql, policy_id: str, as_: str = "admin@example.com") -> dict:
    body = await gql(READ, {"id": policy_id}, as_=as_)
    assert "errors" not in body, body["errors"]
    return body["data"]["policy"]


async def test_coverage_details_round_trip_through_create_update_and_renewal(gql, engine):
    member = await _enrol(gql, None, dateOfBirth=str(_years_ago(44)))
    created = await _create(gql, member["id"], coverageDetails=BENEFITS, exclusions=EXCLUSIONS,
                            networkRestrictions=NETWORK)  # fmt: skip
    assert created["__typename"] == "PolicyCreated", created
    policy_id = created["policy"]["id"]
    read = await _read(gql, policy_id)
    assert read["coverageDetails"] == [
        {"category": "MENTAL_HEALTH", "covered": True, "priorAuthorizationRequired": False,
         "visitLimit": 20, "note": "Therapy visits count toward the limit."},
        {"category": "OUTPATIENT_SURGERY", "covered": True, "priorAuthorizationRequired": True,
         "visitLimit": None, "note": None},
        {"category": "DENTAL", "covered": False, "priorAuthorizationRequired": False,
         "visitLimit": None, "note": None},
    ]  # fmt: skip
    assert read["exclusions"] == [
        {"category": "OUTPATIENT_SURGERY", "description": "Cosmetic surgery"},
        {"category": None, "description": "Experimental or investigational treatment"},
    ]
    assert read["networkRestrictions"] == {
        "outOfNetworkCoverage": "EMERGENCY_ONLY", "referralRequired": True,
        "primaryCareProviderRequired": True, "serviceArea": ["CA", "NV"],
    }  # fmt: skip

    # updatePolicy replaces one list, clears the restrictions, leaves the rest
    body = await gql(UPDATE, {"id": policy_id, "version": 1, "input": {
        "exclusions": [{"description": "Hearing aids"}], "networkRestrictions": None}})  # fmt: skip
    done = body["data"]["updatePolicy"]
    assert sorted(done["changedFields"]) == ["exclusions", "networkRestrictions"]
    read = await _read(gql, policy_id)
    assert read["exclusions"] == [{"category": None, "description": "Hearing aids"}]
    assert read["networkRestrictions"] is None and len(read["coverageDetails"]) == 3
    [row] = await _audit(engine, "update_policy", _uuid(policy_id))
    assert row["old_values"]["exclusions"][0]["description"] == "Cosmetic surgery"

    # a renewal carries them over unless given
    body = await gql(RENEW, {"id": policy_id, "input": {"coverageDetails": BENEFITS[:1]}})
    renewed = body["data"]["renewPolicy"]
    assert renewed["__typename"] == "PolicyRenewed", renewed
    read = await _read(gql, renewed["policy"]["id"])
    assert [b["category"] for b in read["coverageDetails"]] == ["MENTAL_HEALTH"]
    assert read["exclusions"] == [{"category": None, "description": "Hearing aids"}]


async def test_the_employer_reads_its_employees_coverage_details(gql, own_employer):
    member = await _enrol(gql, own_employer, dateOfBirth=str(_years_ago(30)))
    body = await gql(CREATE_POLICY, {"input": _policy_input(
        member["id"], exclusions=EXCLUSIONS[:1])}, as_=EMPLOYER)  # fmt: skip
    policy = body["data"]["createPolicy"]["policy"]
    read = await _read(gql, policy["id"], as_=EMPLOYER)
    assert read["exclusions"] == [EXCLUSIONS[0]]
    assert read["coverageDetails"] is None and read["networkRestrictions"] is None


async def test_bad_coverage_details_are_refused_with_the_input_at_fault(gql):
    member = await _enrol(gql, None, dateOfBirth=str(_years_ago(44)))
    cases = [
        ({"coverageDetails": [BENEFITS[0], {"category": "MENTAL_HEALTH", "covered": False}]},
         "coverageDetails[1].category"),
        ({"coverageDetails": [{"category": "VISION", "covered": True, "visitLimit": 0}]},
         "coverageDetails[0].visitLimit"),
        ({"coverageDetails": [{"category": "VISION", "covered": False, "visitLimit": 2}]},
         "coverageDetails[0].visitLimit"),
        ({"coverageDetails": [{"category": "VISION", "covered": True, "note": "x" * 501}]},
         "coverageDetails[0].note"),
        ({"exclusions": [{"description": "   "}]}, "exclusions[0].description"),
        ({"exclusions": [{"description": "Hearing aids"}] * 51}, "exclusions"),
        ({"networkRestrictions": {"outOfNetworkCoverage": "COVERED", "serviceArea": ["XX"]}},
         "networkRestrictions.serviceArea[0]"),
    ]  # fmt: skip
    for over, field in cases:
        refused = await _create(gql, member["id"], **over)
        assert (refused["__typename"], refused["field"]) == ("InvalidInput", field), over
    # an unknown kind of care is not in the schema's enum: refused before anything runs
    body = await gql(CREATE_POLICY, {"input": _policy_input(
        member["id"], coverageDetails=[{"category": "SPA_DAYS", "covered": True}])})  # fmt: skip
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    # none of the refusals left a policy behind: the member can still get one for the period
    created = await _create(gql, member["id"], effectiveDate=str(TODAY - timedelta(days=10)))
    assert created["__typename"] == "PolicyCreated", created
