"""PHI at rest is ciphertext; people are found through blind indexes; keys rotate."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from db.tables import members

RAW = {
    "members": ["first_name", "last_name", "date_of_birth", "ssn", "phone", "email",
                "address_line1", "zip_code", "allergies", "medical_conditions"],
    "dependents": ["first_name", "last_name", "date_of_birth", "ssn", "allergies"],
    "providers": ["tax_id"],
    "employers": ["tax_id"],
}  # fmt: skip


@pytest.mark.parametrize("table", sorted(RAW))
async def test_psql_sees_only_ciphertext(engine, table):
    async with engine.connect() as conn:
        for column in RAW[table]:
            values = (
                (
                    await conn.execute(
                        text(
                            f"SELECT {column}::text FROM {table} WHERE {column} IS NOT NULL LIMIT 200"
                        )
                    )
                )
                .scalars()
                .all()
            )
            assert values, (table, column)
            assert all(v.startswith("enc1:") for v in values), (table, column)


async def _maria(engine):
    async with engine.connect() as conn:
        return (
            (await conn.execute(select(members).where(members.c.member_number == "MBR-00000001")))
            .mappings()
            .one()
        )


async def test_people_are_found_by_last_name_and_birth_date_or_by_ssn(gql, engine):
    maria = await _maria(engine)
    query = "query($f: MemberFilter) { members(filter: $f) { totalCount edges { node { memberNumber } } } }"
    by_name = await gql(
        query, {"f": {"lastName": "alvarez ", "dateOfBirth": str(maria["date_of_birth"])}}
    )
    assert [e["node"]["memberNumber"] for e in by_name["data"]["members"]["edges"]] == [
        "MBR-00000001"
    ]
    by_ssn = await gql(query, {"f": {"ssn": maria["ssn"].replace("-", "")}})
    assert by_ssn["data"]["members"]["totalCount"] == 1
    wrong_day = await gql(query, {"f": {"lastName": "Alvarez", "dateOfBirth": "1900-01-01"}})
    assert wrong_day["data"]["members"]["totalCount"] == 0
    half = await gql(query, {"f": {"lastName": "Alvarez"}})
    assert half["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    short = await gql(query, {"f": {"ssn": "123"}})
    assert short["errors"][0]["extensions"]["field"] == "ssn"


async def test_keys_rotate_and_old_ciphertext_stays_readable(
    db_url, engine, gql, monkeypatch, capsys
):
    from db import crypto
    from graph.cli import main

    before = crypto.keyring().active
    monkeypatch.setenv("DATABASE_URL", db_url)
    assert await _run(main, ["keys", "rotate", "--batch", "200"]) == 0
    out, err = capsys.readouterr()
    assert "rows/s" in out.splitlines()[-1]  # a summary, and no bar off a terminal:
    assert "Re-encrypting" not in err and "\x1b[" not in err
    after = crypto.keyring().active
    assert after != before and before in crypto.keyring().keys
    async with engine.connect() as conn:
        stale = (
            await conn.execute(
                text("SELECT count(*) FROM members WHERE first_name NOT LIKE :p"),
                {"p": f"enc1:{after}:%"},
            )
        ).scalar_one()
    assert stale == 0
    # the API reads through the new key, and lookups by blind index still work
    maria = await _maria(engine)
    body = await gql(
        '{ members(filter: {memberNumber: "MBR-00000001"}) { edges { node { firstName } } } }'
    )
    assert body["data"]["members"]["edges"][0]["node"]["firstName"] == maria["first_name"]
    # a value sealed under the old key is still readable (rotation runs while serving)
    old = crypto.KeyRing({before: crypto.keyring().keys[before]}, before)
    sealed = old.encrypt("Maria", "members.first_name")
    assert crypto.keyring().decrypt(sealed, "members.first_name") == "Maria"


async def _run(main, argv):
    import asyncio

    return await asyncio.to_thread(main, argv)


async def test_text_that_looks_sealed_is_sealed_too(engine):
    """A value typed as "enc1:k1:..." is a person's text like any other: stored encrypted and
    read back as typed (it was stored as it came, then failed to decrypt on every read)."""
    from sqlalchemy import update

    looks_sealed = "enc1:k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    async with engine.connect() as conn:
        await conn.begin()  # rolled back: the shared member stays as it was
        member_id = (await conn.execute(select(members.c.id).limit(1))).scalar_one()
        await conn.execute(
            update(members).where(members.c.id == member_id).values(address_line2=looks_sealed)
        )
        read = (
            await conn.execute(select(members.c.address_line2).where(members.c.id == member_id))
        ).scalar_one()
        stored = (
            await conn.execute(
                text("SELECT address_line2::text FROM members WHERE id = :i"), {"i": member_id}
            )
        ).scalar_one()
        await conn.rollback()
    assert read == looks_sealed
    assert stored != looks_sealed and stored.startswith("enc1:")
