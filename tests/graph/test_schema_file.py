from pathlib import Path

from graph.schema import sdl

ROOT = Path(__file__).resolve().parents[2]


def test_the_checked_in_schema_is_the_printed_schema():
    checked_in = (ROOT / "schema.graphql").read_text()
    assert checked_in == sdl(), (
        "schema.graphql is stale: run `claimgraph export-schema -o schema.graphql`"
    )


def test_the_fields_clients_rely_on_first_are_there():
    import re

    # descriptions apart and whitespace folded: each field's signature on one line
    text = " ".join(re.sub(r'"""[\s\S]*?"""', " ", sdl()).split()).replace("( ", "(")
    text = text.replace(" )", ")")
    for needle in [
        "me: User!",
        "claimNumber: String",
        "billedAmount: Decimal",
        "memberNumber: String",
        "dateOfBirth: Date",
        "npi: String",
        "claimQueue(first: Int! = 50 after: String = null): ClaimConnection!",
        "node(id: ID!): Node!",
    ]:
        assert needle in text, needle


def test_every_classified_field_shows_its_class_in_the_schema():
    import re

    text = sdl()
    classes = re.findall(r"Field class: (\w+) \((\w+)\)", text)
    assert {c for c, _ in classes} == {"public", "business", "phi", "restricted"}
    # the fields ACCESS.md names as PHI or restricted are classed so
    for field, field_class in [
        ("ssn", "restricted"),
        ("taxId", "restricted"),
        ("firstName", "phi"),
        ("diagnosisCodes", "phi"),
        ("allergies", "phi"),
        ("billedAmount", "business"),
        ("npi", "public"),
    ]:
        assert re.search(rf'Field class: {field_class} \(\w+\)\.\s*"""\s+{field}:', text), field
