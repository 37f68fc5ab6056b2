from pathlib import Path

from graph.schema import sdl

ROOT = Path(__file__).resolve().parents[2]


def test_the_checked_in_schema_is_the_printed_schema():
    checked_in = (ROOT / "schema.graphql").read_text()
    assert checked_in == sdl(), (
        "schema.graphql is stale: run `claimgraph export-schema -o schema.graphql`"
    )


def test_the_fields_clients_rely_on_first_are_there():
    text = sdl()
    for needle in [
        "me: User!",
        "claimNumber: String!",
        "billedAmount: Decimal!",
        "memberNumber: String!",
        "dateOfBirth: Date!",
        "npi: String!",
        "claimQueue(first: Int! = 50, after: String = null): ClaimConnection!",
        "node(id: ID!): Node!",
    ]:
        assert needle in text, needle
