"""Descriptions for the schema's generated shapes, written once from their names.

Every list is a Relay connection, every mutation answers with a result union and every list
takes `first` and `after`: their meaning is the same everywhere, so it is said here rather
than at each of the fifty places they appear, and a list or mutation added later is
described the moment it exists. Hand-written descriptions are never overwritten.
"""

from __future__ import annotations

from graphql import (
    GraphQLField,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
)

from graph.config import Settings

_PAGE_ARGS = {
    "first": (
        "How many records to return on this page: from 1 to the server's MAX_PAGE_SIZE "
        "({cap} on this server)."
    ),
    "after": (
        "The `endCursor` (or an edge's `cursor`) of the page before, to continue after it; "
        "leave it out for the first page. A cursor holds its list's order: use it with the "
        "same `orderBy`."
    ),
}


def describe_generated(schema: GraphQLSchema, settings: Settings) -> None:
    """Fill in the descriptions of connections, edges, result unions and page arguments."""
    for named in schema.type_map.values():
        if isinstance(named, GraphQLObjectType):
            _describe_connection(named)
            for field in named.fields.values():
                _describe_page_args(field, settings)
    for root, verb in ((schema.mutation_type, "mutation"), (schema.query_type, "query")):
        for name, field in (root.fields if root else {}).items():
            result = get_named_type(field.type)
            if isinstance(result, GraphQLUnionType) and result.name.endswith("Result"):
                _describe_result(result, name, verb)


def _fill(thing: GraphQLNamedType | GraphQLField, text: str) -> None:
    if not thing.description:
        thing.description = text


def _describe_connection(named: GraphQLObjectType) -> None:
    if named.name.endswith("Connection") and {"edges", "pageInfo"} <= named.fields.keys():
        node = get_named_type(named.fields["edges"].type).fields["node"].type
        _fill(
            named,
            f"One page of a list of {get_named_type(node).name} records, in the list's order, "
            "with what is needed to fetch the next page. Rows the caller may not see are "
            "never counted or returned.",
        )
    elif named.name.endswith("Edge") and {"cursor", "node"} <= named.fields.keys():
        _fill(
            named,
            f"One {get_named_type(named.fields['node'].type).name} on a page, with the "
            "cursor that marks its place.",
        )


def _describe_page_args(field: GraphQLField, settings: Settings) -> None:
    target = get_named_type(field.type)
    if not target.name.endswith("Connection"):
        return
    for name, text in _PAGE_ARGS.items():
        argument = field.args.get(name)
        if argument is not None and not argument.description:
            argument.description = text.format(cap=settings.max_page_size)


def _describe_result(union: GraphQLUnionType, field: str, verb: str) -> None:
    success, *refusals = (t.name for t in union.types)
    _fill(
        union,
        f"What the `{field}` {verb} answers: `{success}` when it was done, otherwise "
        f"{_either(refusals)}, saying what to fix. A refusal changes nothing.",
    )


def _either(names: list[str]) -> str:
    quoted = [f"`{n}`" for n in names]
    if len(quoted) == 1:
        return quoted[0]
    return "one of " + ", ".join(quoted[:-1]) + " or " + quoted[-1]
