"""The provider directory searched over HTTP: by name, ZIP or ZIP3 area, language, new
patients, telehealth, and all together, over providers this module creates (each carries
this run's marker in its name, so other rows never enter an expected answer)."""

from __future__ import annotations

import uuid

import pytest

from tests.graph.admin_support import CREATE_PROVIDER, _doctor_input, _group_input

SEARCH = """query($filter: ProviderFilter, $first: Int, $after: String) {
  providers(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id name } } } }"""

MARKER = f"zq{uuid.uuid4().hex[:8]}"  # letters and digits: one word of a name


async def _create(gql, values: dict) -> str:
    body = await gql(CREATE_PROVIDER, {"input": values})
    result = body["data"]["createProvider"]
    assert result["__typename"] == "ProviderSaved", result
    return result["provider"]["id"]


@pytest.fixture(scope="module")
async def directory(gql) -> dict[str, str]:
    """Four providers: key -> global id."""
    harbor = _group_input(
        organizationName=f"Harbor Clinic {MARKER}", zipCode="95814",
        languagesSpoken=["English", "Spanish"], acceptingNewPatients=True,
        telehealthAvailable=True,
    )  # fmt: skip
    okoro = _doctor_input(
        firstName="Ada", lastName=f"Okoro{MARKER}", zipCode="95816-1234",
        languagesSpoken=["English", "Vietnamese"], acceptingNewPatients=False,
        telehealthAvailable=True,
    )  # fmt: skip
    valley = _group_input(
        providerType="FACILITY", primarySpecialty="Radiology",
        organizationName=f"Valley Imaging {MARKER}", zipCode="90210", state="CA",
        languagesSpoken=["spanish"], acceptingNewPatients=True, telehealthAvailable=False,
    )  # fmt: skip
    adams = _doctor_input(
        firstName="Ben", lastName=f"Adams{MARKER}", zipCode="95814", languagesSpoken=[],
        acceptingNewPatients=True, telehealthAvailable=False,
    )  # fmt: skip
    values = {"harbor": harbor, "okoro": okoro, "valley": valley, "adams": adams}
    return {key: await _create(gql, v) for key, v in values.items()}


async def _found(gql, directory, as_: str = "admin@example.com", **filter_) -> set[str]:
    """Which of this module's providers the search finds (a key per provider)."""
    body = await gql(SEARCH, {"filter": filter_, "first": 100}, as_=as_)
    assert "errors" not in body, body
    ids = {e["node"]["id"] for e in body["data"]["providers"]["edges"]}
    return {key for key, gid in directory.items() if gid in ids}


async def test_by_name(gql, directory):
    assert await _found(gql, directory, name=MARKER) == {"harbor", "okoro", "valley", "adams"}
    # case ignored; every word must be part of the organisation, first or last name
    assert await _found(gql, directory, name=f"HARBOR {MARKER}") == {"harbor"}
    assert await _found(gql, directory, name=f"clinic harbor {MARKER}") == {"harbor"}
    assert await _found(gql, directory, name=f"okoro{MARKER}") == {"okoro"}
    # "ada" is Ada Okoro's first name and part of Ben Adams's last name
    assert await _found(gql, directory, name=f"ada {MARKER}") == {"okoro", "adams"}
    assert await _found(gql, directory, name=f"ben {MARKER}") == {"adams"}
    assert await _found(gql, directory, name=f"harbor valley {MARKER}") == set()
    # the whole list holds only this one for this marker and word
    body = await gql(SEARCH, {"filter": {"name": f"imaging {MARKER}"}})
    assert [e["node"]["name"] for e in body["data"]["providers"]["edges"]] == [
        f"Valley Imaging {MARKER}"
    ]
    assert body["data"]["providers"]["totalCount"] == 1


async def test_punctuation_separates_words(gql, directory):
    # punctuation (LIKE's % and _ among it) only separates words; only punctuation is refused
    body = await gql(SEARCH, {"filter": {"name": "%"}})
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "name"}
    assert await _found(gql, directory, name=f"harbor_{MARKER}") == {"harbor"}  # two words
    assert await _found(gql, directory, name=f"harbor%clinic {MARKER}") == {"harbor"}


async def test_by_zip_and_zip3(gql, directory):
    assert await _found(gql, directory, zipCode="958") == {"harbor", "okoro", "adams"}
    assert await _found(gql, directory, zipCode="902") == {"valley"}
    assert await _found(gql, directory, zipCode="95814") == {"harbor", "adams"}
    assert await _found(gql, directory, zipCode="95816") == {"okoro"}  # ZIP+4 under it
    assert await _found(gql, directory, zipCode="95816-1234") == {"okoro"}
    assert await _found(gql, directory, zipCode="95816-9999") == set()
    assert await _found(gql, directory, zipCode=" 90210 ") == {"valley"}


async def test_by_language(gql, directory):
    assert await _found(gql, directory, name=MARKER, language="Spanish") == {"harbor", "valley"}
    assert await _found(gql, directory, name=MARKER, language="VIETNAMESE") == {"okoro"}
    assert await _found(gql, directory, name=MARKER, language="english") == {"harbor", "okoro"}
    assert await _found(gql, directory, name=MARKER, language="Span") == set()  # whole language


async def test_by_new_patients_and_telehealth(gql, directory):
    found = await _found(gql, directory, name=MARKER, acceptingNewPatients=True)
    assert found == {"harbor", "valley", "adams"}
    assert await _found(gql, directory, name=MARKER, acceptingNewPatients=False) == {"okoro"}
    found = await _found(gql, directory, name=MARKER, telehealthAvailable=True)
    assert found == {"harbor", "okoro"}
    found = await _found(gql, directory, name=MARKER, telehealthAvailable=False)
    assert found == {"valley", "adams"}


async def test_combined(gql, directory):
    # a Spanish-speaking practice near Sacramento, taking new patients, seen by video
    found = await _found(
        gql, directory, name=MARKER, zipCode="958", language="spanish",
        acceptingNewPatients=True, telehealthAvailable=True,
    )  # fmt: skip
    assert found == {"harbor"}
    found = await _found(gql, directory, name=MARKER, zipCode="958", acceptingNewPatients=True)
    assert found == {"harbor", "adams"}
    found = await _found(gql, directory, zipCode="95814", telehealthAvailable=False, name="ben")
    assert found == {"adams"}
    # with the filters that were there before
    found = await _found(gql, directory, name=MARKER, providerType=["INDIVIDUAL"], zipCode="958")
    assert found == {"okoro", "adams"}


async def test_pages_of_a_search(gql, directory):
    seen, after = [], None
    while True:
        body = await gql(SEARCH, {"filter": {"name": MARKER}, "first": 1, "after": after})
        page = body["data"]["providers"]
        seen += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert sorted(seen) == sorted(directory.values()) and len(seen) == 4


async def test_members_search_the_directory_too(gql, directory):
    # directory fields are public: a member looking for a doctor uses the same search
    found = await _found(
        gql, directory, as_="member@example.com", name=MARKER, language="Vietnamese"
    )
    assert found == {"okoro"}


@pytest.mark.parametrize(
    ("filter_", "field"),
    [
        ({"zipCode": "9581"}, "zipCode"),
        ({"zipCode": "95814-12"}, "zipCode"),
        ({"zipCode": "ABCDE"}, "zipCode"),
        ({"name": ""}, "name"),
        ({"name": "  "}, "name"),
        ({"name": "a" * 101}, "name"),
        ({"language": ""}, "language"),
        ({"language": "x" * 101}, "language"),
    ],
)
async def test_bad_searches_are_refused(gql, filter_, field):
    body = await gql(SEARCH, {"filter": filter_})
    assert body["data"] is None or body["data"]["providers"] is None, body
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
