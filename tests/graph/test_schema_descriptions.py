"""The schema explains itself: every type, field, argument, input field and enum value says
what it means, read from the built schema so a field added later without one fails here."""

import re

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
)

from graph.schema import build_schema

BUILT_IN = {"String", "Int", "Float", "Boolean", "ID"}
LABEL = re.compile(r"Field class: [a-z_]+ \([a-z_]+\)\.$")


def _described():
    """(where, description) for every part of the schema a client can read about."""
    schema = build_schema()._schema
    for name, named in schema.type_map.items():
        if name.startswith("__") or name in BUILT_IN:
            continue
        yield name, named.description
        if isinstance(named, GraphQLEnumType):
            for value, definition in named.values.items():
                yield f"{name}.{value}", definition.description
        if isinstance(named, (GraphQLObjectType, GraphQLInterfaceType, GraphQLInputObjectType)):
            for field_name, field in named.fields.items():
                yield f"{name}.{field_name}", field.description
                for arg_name, arg in getattr(field, "args", {}).items():
                    yield f"{name}.{field_name}({arg_name})", arg.description


PARTS = dict(_described())


def test_every_part_of_the_schema_has_a_description():
    missing = sorted(where for where, text in PARTS.items() if not (text or "").strip())
    assert not missing, f"{len(missing)} parts of the schema have no description: {missing}"


def test_a_classified_field_says_what_it_means_before_its_class():
    bare = sorted(
        where for where, text in PARTS.items() if text and text.startswith("Field class:")
    )
    assert not bare, f"only the field class, no meaning: {bare}"
    misplaced = sorted(
        where
        for where, text in PARTS.items()
        if text and "Field class:" in text and not LABEL.search(text)
    )
    assert not misplaced, f"the field class must close the description: {misplaced}"


@pytest.mark.parametrize(
    ("where", "says"),
    [
        ("ClaimConnection", "list of Claim records"),
        ("DependentEdge", "One Dependent on a page"),
        ("Query.claims(first)", "MAX_PAGE_SIZE (100 on this server)"),
        ("Member.claims(after)", "`endCursor`"),
        ("AssignClaimResult", "`assignClaim` mutation answers: `ClaimAssigned`"),
        ("ValidateClaimResult", "`validateClaim` query answers"),
    ],
)
def test_generated_shapes_are_described_from_their_names(where, says):
    assert says in PARTS[where]


def test_a_description_is_more_than_its_name():
    """'The claim number.' on claimNumber tells nobody anything."""
    echoes = []
    for where, text in PARTS.items():
        name = where.rsplit(".", 1)[-1].strip("()").split("(")[-1]
        words = re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower().split()
        prose = LABEL.sub("", text or "").strip().lower().rstrip(".")
        if prose in {" ".join(words), "the " + " ".join(words)}:
            echoes.append(where)
    assert not echoes, f"descriptions that only repeat the name: {sorted(echoes)}"
