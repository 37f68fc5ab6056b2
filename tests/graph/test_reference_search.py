"""The code sets people pick from, over HTTP: diagnoses and procedures searched by words or
by the start of the code, paged in code order, places of service; bad arguments refused;
every role may read them and no read is audited; the text search runs on its GIN index.

Expected codes are read off the ICD-10-CM April 2026 release and the HCPCS subset shipped by
migrations 0007 and 0014 (reference tables nobody's test changes)."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.dialects import postgresql

from db.seed_demo import PERSONAS

DIAGNOSES = """query($search: String, $billable: Boolean, $first: Int, $after: String) {
  diagnosisCodes(search: $search, billable: $billable, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { code description billable } } } }"""

PROCEDURES = """query($search: String, $first: Int, $after: String) {
  procedureCodes(search: $search, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { code codeSystem description } } } }"""


def _codes(body: dict, field: str = "diagnosisCodes") -> list[str]:
    assert "errors" not in body, body
    return [e["node"]["code"] for e in body["data"][field]["edges"]]


async def test_a_diabetes_search_finds_type_2_without_complications(gql):
    body = await gql(DIAGNOSES, {"search": "type 2 diabetes without complications"})
    assert "errors" not in body, body
    nodes = [e["node"] for e in body["data"]["diagnosisCodes"]["edges"]]
    # every word, in any order: only these two say all of them
    assert nodes == [
        {"code": "E11.9", "description": "Type 2 diabetes mellitus without complications",
         "billable": True},
        {"code": "E11.A", "description": "Type 2 diabetes mellitus without complications in "
         "remission", "billable": True},
    ]  # fmt: skip
    assert body["data"]["diagnosisCodes"]["totalCount"] == 2


async def test_words_are_prefixes_and_case_is_ignored(gql):
    # "DIAB" is the start of diabetes/diabetic; 27 type 2 codes say "without" (hand-counted
    # from the release: E11.00, E11.10, the retinopathies "without macular edema", ...)
    body = await gql(DIAGNOSES, {"search": "DIAB Type 2 without", "first": 100})
    codes = _codes(body)
    assert len(codes) == 27 and body["data"]["diagnosisCodes"]["totalCount"] == 27
    assert codes[:3] == ["E11.00", "E11.10", "E11.319"]
    assert codes[-3:] == ["E11.649", "E11.9", "E11.A"]
    assert codes == sorted(codes)  # code order


async def test_a_code_prefix_finds_the_codes_under_it(gql):
    for search in ("E11.2", "e112", " E11.2 "):
        body = await gql(DIAGNOSES, {"search": search})
        assert [(e["node"]["code"], e["node"]["billable"])
                for e in body["data"]["diagnosisCodes"]["edges"]] == [
            ("E11.2", False), ("E11.21", True), ("E11.22", True), ("E11.29", True),
        ], search  # fmt: skip
    # only the codes a claim may carry
    body = await gql(DIAGNOSES, {"search": "E11.2", "billable": True})
    assert _codes(body) == ["E11.21", "E11.22", "E11.29"]
    # "E11" finds every E11 code before any other
    body = await gql(DIAGNOSES, {"search": "E11", "first": 5})
    assert _codes(body) == ["E11", "E11.0", "E11.00", "E11.01", "E11.1"]


async def test_knee_finds_the_knee_procedures(gql):
    body = await gql(PROCEDURES, {"search": "knee"})
    assert "errors" not in body, body
    nodes = [e["node"] for e in body["data"]["procedureCodes"]["edges"]]
    assert [n["code"] for n in nodes] == ["E0935", "J7321", "L1810", "L1830", "L1832"]
    assert {n["codeSystem"] for n in nodes} == {"HCPCS"}
    assert nodes[2]["description"] == "Knee orthosis, elastic with joints, prefabricated"
    # two words: a knee orthosis, not the immobilizer
    assert _codes(await gql(PROCEDURES, {"search": "knee orth"}), "procedureCodes") == [
        "L1810",
        "L1832",
    ]
    # and by code
    assert _codes(await gql(PROCEDURES, {"search": "l18"}), "procedureCodes") == [
        "L1810",
        "L1830",
        "L1832",
    ]


async def test_places_of_service(gql):
    body = await gql("{ placesOfService { code name } }")
    assert "errors" not in body, body
    places = body["data"]["placesOfService"]
    codes = [p["code"] for p in places]
    assert codes == sorted(codes) and codes[0] == "01"
    assert {"code": "11", "name": "Office"} in places
    assert {"code": "23", "name": "Emergency room, hospital"} in places
    assert {"code": "10", "name": "Telehealth in the patient's home"} in places


async def _walk(gql, variables: dict, size: int) -> tuple[list[str], list[dict]]:
    codes, pages, after = [], [], None
    while True:
        body = await gql(DIAGNOSES, {**variables, "first": size, "after": after})
        assert "errors" not in body, body
        page = body["data"]["diagnosisCodes"]
        pages.append(page["pageInfo"])
        codes += [e["node"]["code"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return codes, pages
        after = page["pageInfo"]["endCursor"]
        assert after == page["edges"][-1]["cursor"]


@pytest.mark.parametrize("search", ["E11.3", "retinopathy right"])
async def test_pages_neither_repeat_nor_skip(gql, search):
    whole = await gql(DIAGNOSES, {"search": search, "first": 100})
    expected = _codes(whole)
    assert 40 < len(expected) < 100  # enough for several pages, all on one for comparison
    codes, pages = await _walk(gql, {"search": search}, 7)
    assert codes == expected and len(set(codes)) == len(codes)
    assert len(pages) == -(-len(expected) // 7)
    assert [p["hasPreviousPage"] for p in pages] == [False] + [True] * (len(pages) - 1)
    assert whole["data"]["diagnosisCodes"]["totalCount"] == len(expected)


async def test_every_code_without_a_search_pages_from_the_start(gql):
    body = await gql(DIAGNOSES, {"first": 3})
    assert _codes(body) == ["A00", "A00.0", "A00.1"]
    nxt = await gql(DIAGNOSES, {"first": 3, "after": body["data"]["diagnosisCodes"]["pageInfo"]
                                ["endCursor"]})  # fmt: skip
    assert _codes(nxt) == ["A00.9", "A01", "A01.0"]


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"first": 0}, "first"),
        ({"first": 101}, "first"),
        ({"first": -5}, "first"),
        ({"search": ""}, "search"),
        ({"search": "   "}, "search"),
        ({"search": "x" * 101}, "search"),
        ({"search": "%%!"}, "search"),
        ({"search": "E11\x00"}, "search"),
        ({"after": "not-a-cursor"}, "after"),
    ],
)
async def test_bad_arguments_are_refused(gql, variables, field):
    for query, name in ((DIAGNOSES, "diagnosisCodes"), (PROCEDURES, "procedureCodes")):
        body = await gql(query, variables)
        assert body["data"] is None or body["data"][name] is None, body
        error = body["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", body
        assert error["extensions"].get("field") == field, body


async def test_a_cursor_of_one_code_set_is_no_position_in_the_other(gql):
    body = await gql(PROCEDURES, {"first": 1})
    cursor = body["data"]["procedureCodes"]["pageInfo"]["endCursor"]
    refused = await gql(DIAGNOSES, {"after": cursor})
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_every_role_reads_the_code_sets_and_no_read_is_audited(gql, engine):
    operation = f"RefRead{uuid.uuid4().hex[:10]}"
    query = f"""query {operation} {{ diagnosisCodes(search: "E11.9") {{ edges {{ node {{ code }} }} }}
      procedureCodes(search: "knee", first: 1) {{ totalCount }} placesOfService {{ code }} }}"""
    for email, _role, _ in PERSONAS:
        body = await gql(query, as_=email)
        assert "errors" not in body, (email, body)
        assert _codes(body) == ["E11.9"]
        assert body["data"]["procedureCodes"]["totalCount"] == 5
        assert len(body["data"]["placesOfService"]) > 40
    async with engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT count(*) FROM audit_log WHERE operation_name = :o"), {"o": operation}
        )
        assert rows.scalar_one() == 0


async def test_without_a_token_nothing_is_read(client):
    response = await client.post("/graphql", json={"query": "{ placesOfService { code } }"})
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


# --- the query plans: the words are searched through the GIN index --------------------------


async def _plan(engine, statement) -> str:
    sql = statement.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
    async with engine.connect() as conn:
        result = await conn.execute(text(f"EXPLAIN (FORMAT JSON) {sql}"))
        return json.dumps(result.scalar_one())


async def test_the_text_search_uses_its_gin_index(engine):
    from db import reference_search as ref
    from domain.directory import code_search

    gin = "ix_ref_icd10_codes_search_vector"
    # a rare word: the page itself is found through the index (9 codes of 98,000)
    rare = code_search("pneumoconiosis")
    page = ref.page_statement("diagnosis", search=rare, billable=None, first=20, after=None)
    assert gin in await _plan(engine, page)
    # a common one: counting its matches goes through the index too (the page may walk
    # the primary key in code order instead and stop after 21 rows, which is cheaper)
    common = code_search("diabetes")
    assert gin in await _plan(engine, ref.count_statement("diagnosis", search=common,
                                                          billable=None))  # fmt: skip
    # a code prefix alone: the pattern index
    prefix = code_search("E11.2")
    plan = await _plan(engine, ref.count_statement("diagnosis", search=prefix, billable=None))
    assert "ix_ref_icd10_codes_code_pattern" in plan
    # and no sequential scan of the whole code set for any of them
    for search in (rare, prefix):
        statement = ref.count_statement("diagnosis", search=search, billable=None)
        assert "Seq Scan" not in await _plan(engine, statement)
