"""Reads generated from the schema itself: a type or field added later is read too.

graphql-core's introspection of the built schema gives every root query field; each read
selects every field of its type to MAX_DEPTH, through unions and interfaces, with lists
asked for 100 rows. Fields that need an argument (lookups by id) are left to the tests that
have ids to pass.
"""

from __future__ import annotations

from graphql import get_introspection_query

MAX_DEPTH = 3


# --- the schema, as introspection gives it ----------------------------------------------------
def introspection() -> dict:
    from graphql import graphql_sync

    from graph.schema import build_schema

    result = graphql_sync(build_schema()._schema, get_introspection_query())
    assert result.errors is None, result.errors
    return {t["name"]: t for t in result.data["__schema"]["types"]}


def named(type_ref: dict) -> tuple[str, str]:
    while type_ref.get("ofType"):
        type_ref = type_ref["ofType"]
    return type_ref["kind"], type_ref["name"]


def required(arg: dict) -> bool:
    return arg["type"]["kind"] == "NON_NULL" and arg["defaultValue"] is None


def selection(
    types: dict, name: str, depth: int, path: tuple[str, ...], max_depth: int = MAX_DEPTH
) -> str:
    """Every field of a type: scalars whole, objects to MAX_DEPTH, each type once per path."""
    t = types[name]
    if t["kind"] in ("UNION", "INTERFACE"):
        parts = [
            f"... on {p['name']} {{ {selection(types, p['name'], depth, path, max_depth)} }}"
            for p in t["possibleTypes"]
        ]
        return "__typename " + " ".join(parts)
    out = ["__typename"]
    for field in t["fields"]:
        if any(required(a) for a in field["args"]):
            continue  # lookups by id are driven separately, with the ids handed out
        kind, child = named(field["type"])
        args = "(first: 100)" if any(a["name"] == "first" for a in field["args"]) else ""
        if kind in ("SCALAR", "ENUM"):
            out.append(field["name"] + args)
        elif depth < max_depth and child not in path:
            inner = selection(types, child, depth + 1, (*path, child), max_depth)
            out.append(f"{field['name']}{args} {{ {inner} }}")
    return " ".join(out)


def root_reads(types: dict, max_depth: int = MAX_DEPTH) -> list[tuple[str, str]]:
    """(root field, query) for every root query field that needs no argument."""
    reads = []
    for field in types["Query"]["fields"]:
        if any(required(a) for a in field["args"]):
            continue
        kind, child = named(field["type"])
        args = "(first: 100)" if any(a["name"] == "first" for a in field["args"]) else ""
        if kind in ("SCALAR", "ENUM"):
            reads.append((field["name"], f"{{ {field['name']}{args} }}"))
        else:
            sel = selection(types, child, 1, (child,), max_depth)
            reads.append((field["name"], f"{{ {field['name']}{args} {{ {sel} }} }}"))
    return reads
