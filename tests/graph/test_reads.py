"""The read graph as a frontend uses it: lookups, lists, filters, paging, relations."""

from __future__ import annotations

import base64
import uuid

import pytest

ADMIN = "admin@example.com"


def _code(body) -> str:
    return body["errors"][0]["extensions"]["code"]


def _gid(type_name: str, db_id) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{db_id}".encode()).decode().rstrip("=")


async def test_me_names_each_persona_and_the_record_it_is_tied_to(gql):
    query = """{ me { email role member { id firstName } dependent { id firstName }
                 provider { id npi name } employer { id companyName } } }"""
    expected = {
        "member@example.com": ("MEMBER", "member"),
        "adult.child@example.com": ("DEPENDENT", "dependent"),
        "provider@example.com": ("PROVIDER", "provider"),
        "employer@example.com": ("EMPLOYER", "employer"),
        "admin@example.com": ("ADMIN", None),
    }
    for email, (role, tied) in expected.items():
        me = (await gql(query, as_=email))["data"]["me"]
        assert me["email"] == email and me["role"] == role
        for relation in ("member", "dependent", "provider", "employer"):
            assert (me[relation] is not None) == (relation == tied), (email, relation)


async def test_the_member_sees_their_family_policy_and_claims(gql):
    query = """{ me { member { id memberNumber firstName lastName dateOfBirth ssn
        dependents { id relationship dateOfBirth }
        policies { id policyNumber status coverageLevel }
        claims(first: 50) { totalCount edges { node { id claimNumber member { id } } } } } } }"""
    body = await gql(query, as_="member@example.com")
    member = body["data"]["me"]["member"]
    assert member["memberNumber"].startswith("MBR-")
    assert len(member["dependents"]) == 3
    assert member["ssn"] is None or member["ssn"].startswith("***-**-")
    assert any(p["status"] == "ACTIVE" for p in member["policies"])
    claims = member["claims"]
    assert claims["totalCount"] >= 1
    assert all(e["node"]["member"]["id"] == member["id"] for e in claims["edges"])


async def test_a_member_lists_only_their_own_record(gql):
    body = await gql(
        "{ members(first: 100) { totalCount edges { node { memberNumber } } } }",
        as_="member@example.com",
    )
    assert body["data"]["members"]["totalCount"] == 1


async def test_admin_lists_every_member_and_pages_without_overlap(gql):
    query = """query($after: String) { members(first: 100, after: $after) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { cursor node { id memberNumber } } } }"""
    first = (await gql(query))["data"]["members"]
    assert first["totalCount"] >= 500
    assert first["pageInfo"]["hasNextPage"] is True
    second = (await gql(query, {"after": first["pageInfo"]["endCursor"]}))["data"]["members"]
    numbers_1 = [e["node"]["memberNumber"] for e in first["edges"]]
    numbers_2 = [e["node"]["memberNumber"] for e in second["edges"]]
    assert numbers_1 == sorted(numbers_1)
    assert not set(numbers_1) & set(numbers_2)
    assert numbers_2[0] > numbers_1[-1]


@pytest.mark.parametrize("first", [0, -1, 101])
async def test_page_size_outside_1_to_100_is_bad_user_input(gql, first):
    body = await gql("query($n: Int!) { claims(first: $n) { totalCount } }", {"n": first})
    assert _code(body) == "BAD_USER_INPUT"
    assert body["errors"][0]["extensions"]["field"] == "first"


async def test_a_cursor_that_is_not_ours_is_bad_user_input(gql):
    body = await gql('{ claims(first: 5, after: "bm9wZQ") { totalCount } }')
    assert _code(body) == "BAD_USER_INPUT"


async def test_a_cursor_from_another_ordering_is_bad_user_input(gql):
    page = await gql(
        "{ claims(first: 1, orderBy: {field: SERVICE_DATE}) { pageInfo { endCursor } } }"
    )
    cursor = page["data"]["claims"]["pageInfo"]["endCursor"]
    body = await gql(
        "query($c: String) { claims(first: 1, after: $c, orderBy: {field: BILLED_AMOUNT}) "
        "{ totalCount } }",
        {"c": cursor},
    )
    assert _code(body) == "BAD_USER_INPUT"


async def test_claims_follow_every_ordering_across_pages(gql):
    query = """query($after: String, $field: ClaimOrderField!, $dir: OrderDirection!) {
      claims(first: 40, after: $after, orderBy: {field: $field, direction: $dir}) {
        pageInfo { endCursor } edges { node { id serviceDate billedAmount claimNumber } } } }"""
    for field, key, cast in [
        ("SERVICE_DATE", "serviceDate", str),
        ("BILLED_AMOUNT", "billedAmount", float),
        ("CLAIM_NUMBER", "claimNumber", str),
    ]:
        for direction in ("ASC", "DESC"):
            seen, values, after = set(), [], None
            for _ in range(3):
                data = await gql(query, {"after": after, "field": field, "dir": direction})
                page = data["data"]["claims"]
                for edge in page["edges"]:
                    assert edge["node"]["id"] not in seen
                    seen.add(edge["node"]["id"])
                    values.append(cast(edge["node"][key]))
                after = page["pageInfo"]["endCursor"]
            assert values == sorted(values, reverse=direction == "DESC"), (field, direction)


async def test_claim_filters_narrow_the_list(gql):
    query = """query($f: ClaimFilter) { claims(first: 100, filter: $f) {
        totalCount edges { node { status claimType priority serviceDate } } } }"""
    everything = (await gql(query))["data"]["claims"]["totalCount"]
    denied = (await gql(query, {"f": {"status": ["DENIED"]}}))["data"]["claims"]
    assert 0 < denied["totalCount"] < everything
    assert {e["node"]["status"] for e in denied["edges"]} == {"DENIED"}
    urgent = await gql(query, {"f": {"priority": ["URGENT"], "claimType": ["MEDICAL"]}})
    nodes = [e["node"] for e in urgent["data"]["claims"]["edges"]]
    assert nodes and all(n["priority"] == "URGENT" and n["claimType"] == "MEDICAL" for n in nodes)
    dated = await gql(
        query, {"f": {"serviceDateFrom": "2025-01-01", "serviceDateTo": "2025-06-30"}}
    )
    for edge in dated["data"]["claims"]["edges"]:
        assert "2025-01-01" <= edge["node"]["serviceDate"] <= "2025-06-30"


async def test_a_reversed_date_range_is_bad_user_input(gql):
    body = await gql(
        '{ claims(filter: {serviceDateFrom: "2025-06-01", serviceDateTo: "2025-01-01"}) '
        "{ totalCount } }"
    )
    assert _code(body) == "BAD_USER_INPUT"
    assert body["errors"][0]["extensions"]["field"] == "serviceDate"


async def test_an_unknown_enum_value_in_a_filter_is_bad_user_input(gql):
    body = await gql("{ claims(filter: {status: [LOST]}) { totalCount } }")
    assert _code(body) == "BAD_USER_INPUT"


async def test_claims_filtered_by_employer_belong_to_its_employees(gql):
    me = await gql("{ me { employer { id } } }", as_="employer@example.com")
    employer_id = me["data"]["me"]["employer"]["id"]
    body = await gql(
        """query($e: ID!) { claims(first: 50, filter: {employerId: $e}) {
           totalCount edges { node { member { employer { id } } } } } }""",
        {"e": employer_id},
    )
    claims = body["data"]["claims"]
    assert claims["totalCount"] > 0
    assert {e["node"]["member"]["employer"]["id"] for e in claims["edges"]} == {employer_id}


async def test_the_payer_queue_is_urgent_first_then_oldest(gql):
    query = """query($after: String) { claimQueue(first: 50, after: $after) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { node { id status priority createdAt } } } }"""
    rank = {"URGENT": 0, "HIGH": 1, "NORMAL": 2, "LOW": 3}
    keys, after = [], None
    while True:
        page = (await gql(query, {"after": after}))["data"]["claimQueue"]
        for edge in page["edges"]:
            node = edge["node"]
            assert node["status"] in ("SUBMITTED", "UNDER_REVIEW")
            keys.append((rank[node["priority"]], node["createdAt"]))
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(keys) == page["totalCount"]
    assert keys == sorted(keys)
    assert {k[0] for k in keys} == {0, 1, 2, 3}


async def test_lookups_and_node_answer_the_same_object(gql):
    listed = await gql("{ claims(first: 1) { edges { node { id claimNumber } } } }")
    claim = listed["data"]["claims"]["edges"][0]["node"]
    direct = await gql("query($id: ID!) { claim(id: $id) { claimNumber } }", {"id": claim["id"]})
    assert direct["data"]["claim"]["claimNumber"] == claim["claimNumber"]
    node = await gql(
        "query($id: ID!) { node(id: $id) { id ... on Claim { claimNumber } } }", {"id": claim["id"]}
    )
    assert node["data"]["node"] == claim


async def test_malformed_ids_are_bad_user_input(gql):
    for bad in ["nope", "!!!", _gid("Claim", "not-a-uuid")]:
        body = await gql("query($id: ID!) { claim(id: $id) { id } }", {"id": bad})
        assert _code(body) == "BAD_USER_INPUT", bad


async def test_an_id_of_another_type_is_bad_user_input(gql):
    listed = await gql("{ members(first: 1) { edges { node { id } } } }")
    member_id = listed["data"]["members"]["edges"][0]["node"]["id"]
    body = await gql("query($id: ID!) { claim(id: $id) { id } }", {"id": member_id})
    assert _code(body) == "BAD_USER_INPUT"


async def test_unknown_and_invisible_rows_answer_not_found_alike(gql):
    others = await gql("{ members(first: 3) { edges { node { id } } } }")
    mine = await gql("{ me { member { id } } }", as_="member@example.com")
    my_id = mine["data"]["me"]["member"]["id"]
    someone_else = next(
        e["node"]["id"] for e in others["data"]["members"]["edges"] if e["node"]["id"] != my_id
    )
    unknown = _gid("Member", uuid.uuid4())
    answers = []
    for target in (someone_else, unknown):
        for query in (
            "query($id: ID!) { member(id: $id) { id } }",
            "query($id: ID!) { node(id: $id) { id } }",
        ):
            body = await gql(query, {"id": target}, as_="member@example.com")
            assert body["data"] is None
            answers.append((_code(body), body["errors"][0]["message"]))
    assert answers[0] == answers[2] and answers[1] == answers[3]
    assert {a[0] for a in answers} == {"NOT_FOUND"}


async def test_relations_navigate_both_ways(gql):
    query = """{ claims(first: 10, filter: {status: [DENIED]}) { edges { node { id
        member { id claims(first: 100) { edges { node { id } } } }
        provider { id claims(first: 100, filter: {status: [DENIED]}) { edges { node { id } } }
                   credentials { id status provider { id } }
                   contracts { id feeSchedule { procedureCode allowedAmount } } }
        policy { id member { id } }
        lines { lineNumber procedureCode chargeAmount }
        events { action newStatus }
        appeals { id status overdue claim { id } }
        payments { id } } } } }"""
    body = await gql(query)
    assert "errors" not in body, body.get("errors")
    for edge in body["data"]["claims"]["edges"]:
        claim = edge["node"]
        assert claim["lines"], "every claim has lines"
        assert claim["events"], "every claim has a timeline"
        for appeal in claim["appeals"]:
            assert appeal["claim"]["id"] == claim["id"]
        for credential in claim["provider"]["credentials"]:
            assert credential["provider"]["id"] == claim["provider"]["id"]
        if claim["policy"]:
            assert claim["policy"]["member"]["id"] == claim["member"]["id"]


async def test_the_employer_roster_holds_only_its_employees(gql):
    query = """{ me { employer { id members(first: 100) { totalCount edges { node {
        id dependentCount employer { id } policies { planName status } } } } } } }"""
    employer = (await gql(query, as_="employer@example.com"))["data"]["me"]["employer"]
    members = employer["members"]
    assert members["totalCount"] >= 10
    assert {e["node"]["employer"]["id"] for e in members["edges"]} == {employer["id"]}


async def test_a_provider_sees_only_its_organisations_claims(gql):
    me = await gql("{ me { provider { id practitioners { id } } } }", as_="provider@example.com")
    provider = me["data"]["me"]["provider"]
    ours = {provider["id"], *(p["id"] for p in provider["practitioners"])}
    assert len(provider["practitioners"]) == 2
    body = await gql(
        "{ claims(first: 100) { totalCount edges { node { provider { id } } } } }",
        as_="provider@example.com",
    )
    claims = body["data"]["claims"]
    assert claims["totalCount"] > 0
    assert {e["node"]["provider"]["id"] for e in claims["edges"]} <= ours
    admin = await gql("{ claims(first: 1) { totalCount } }")
    assert admin["data"]["claims"]["totalCount"] > claims["totalCount"]


async def test_the_auditor_sees_no_member_data(gql):
    body = await gql("{ members { totalCount } claims { totalCount } }", as_="auditor@example.com")
    assert body["data"] == {"members": {"totalCount": 0}, "claims": {"totalCount": 0}}


async def test_every_list_shows_something_to_an_admin(gql):
    query = """{ members { totalCount } dependents { totalCount } policies { totalCount }
        claims { totalCount } appeals { totalCount } payments { totalCount }
        providers { totalCount } credentials { totalCount } contracts { totalCount }
        employers { totalCount } }"""
    data = (await gql(query))["data"]
    assert all(v["totalCount"] > 0 for v in data.values()), data


async def test_a_query_too_deep_is_refused_before_any_sql(gql, count_statements):
    deep = "{ claims { edges { node { member { claims { edges { node { member { claims { edges {"
    deep += " node { member { id } } } } } } } } } } } } }"
    before = count_statements.count
    body = await gql(deep)
    assert _code(body) == "QUERY_TOO_COMPLEX"
    assert count_statements.count - before <= 1  # only the sign-in check


async def test_too_many_aliases_are_refused(gql):
    body = await gql("{ " + " ".join(f"a{i}: me {{ id }}" for i in range(40)) + " }")
    assert _code(body) == "QUERY_TOO_COMPLEX"


async def test_an_unknown_field_is_bad_user_input_without_suggestions(gql):
    body = await gql("{ claims { edges { node { claimNumbr } } } }")
    assert _code(body) == "BAD_USER_INPUT"
    assert "Did you mean" not in body["errors"][0]["message"]
