"""Plans for the compiled read path (graph/compiled.py): what each (object type, field) is,
worked out once per schema from strawberry's own definitions and kept for every request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    is_leaf_type,
)
from graphql.execution.executor import to_nodes

from graph.fields import Classified, Spec, specs
from graph.rows import Relation

__all__ = ["LeafPlan", "RelationPlan", "origin_of", "plain_object", "plan_of", "to_nodes"]


@dataclass(frozen=True, slots=True)
class LeafPlan:
    """A scalar or enum read from an attribute, where strawberry would read it."""

    attribute: str
    leaf: GraphQLLeafType  # the named scalar or enum it coerces to
    return_type: GraphQLOutputType  # as declared (maybe non-null), for errors
    non_null: bool
    label: str  # "Type.field", for graphql-core's non-null error message
    origin: type | None = None  # the strawberry class whose instances carry the field
    spec: Spec | None = None  # its classification, when the field policy reads it


@dataclass(frozen=True, slots=True)
class RelationPlan:
    """Objects its resolver would load by a key of the parent's row (graph.rows.relation)."""

    field: GraphQLField
    return_type: GraphQLOutputType
    relation: Relation
    cls: type | None  # the strawberry type each row is built as (None for a count)
    named: Any = None  # the object type a single object completes as


_PLANS: dict[tuple[int, str], LeafPlan | RelationPlan | None] = {}
_PLAIN: dict[tuple[int, str], tuple[str, GraphQLObjectType] | None] = {}


def _strip(type_: Any) -> Any:
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        type_ = type_.of_type
    return type_


def _definition(field_def: GraphQLField | None):
    return (field_def.extensions or {}).get("strawberry-definition") if field_def else None


def plan_of(parent_type: GraphQLObjectType, field_name: str) -> LeafPlan | RelationPlan | None:
    """The plan of a field, or None: graphql-core's own path answers it."""
    key = (id(parent_type), field_name)
    try:
        return _PLANS[key]
    except KeyError:
        plan = _PLANS[key] = _plan(parent_type, field_name)
        return plan


def _plan(parent_type: GraphQLObjectType, field_name: str) -> LeafPlan | RelationPlan | None:
    field_def = parent_type.fields.get(field_name)
    definition = _definition(field_def)
    if definition is None or field_def.args or definition.extensions:
        return None
    return_type = field_def.type
    if getattr(field_def.resolve, "_is_default", False):  # strawberry's attribute read
        non_null = isinstance(return_type, GraphQLNonNull)
        named = return_type.of_type if non_null else return_type
        if not is_leaf_type(named):
            return None
        label = f"{parent_type.name}.{field_name}"
        origin = _definition_origin(parent_type)
        spec = None
        if origin is not None and issubclass(origin, Classified):
            spec = specs(origin).get(definition.python_name)
        attribute = definition.python_name
        return LeafPlan(attribute, named, return_type, non_null, label, origin, spec)
    resolver = definition.base_resolver
    relation = getattr(getattr(resolver, "wrapped_func", None), "__claimgraph_relation__", None)
    named = _strip(return_type)
    if relation is not None and relation.count and is_leaf_type(named):
        return RelationPlan(field_def, return_type, relation, None)
    if relation is None or relation.count or not isinstance(named, GraphQLObjectType):
        return None
    cls = _definition_origin(named)
    if cls is None or relation.many != isinstance(_strip_non_null(return_type), GraphQLList):
        return None
    return RelationPlan(field_def, return_type, relation, cls, named)


def _strip_non_null(type_: Any) -> Any:
    return type_.of_type if isinstance(type_, GraphQLNonNull) else type_


_ORIGINS: dict[int, type | None] = {}


def origin_of(output_type: Any) -> tuple[GraphQLObjectType, type] | None:
    """(object type, its strawberry class) for an object type, maybe non-null; else None."""
    key = id(output_type)
    try:
        return _ORIGINS[key]
    except KeyError:
        named = _strip_non_null(output_type)
        origin = None
        if isinstance(named, GraphQLObjectType) and (cls := _definition_origin(named)):
            origin = (named, cls)
        _ORIGINS[key] = origin
        return origin


def _definition_origin(object_type: GraphQLObjectType) -> type | None:
    definition = (object_type.extensions or {}).get("strawberry-definition")
    return getattr(definition, "origin", None)


def plain_object(parent_type: GraphQLObjectType, field_name: str):
    """(attribute, object type) when the field holds one object in a plain attribute of a
    parent that is not read through the field policy (a connection's edge holds its node);
    else None."""
    key = (id(parent_type), field_name)
    if key in _PLAIN:
        return _PLAIN[key]
    found = None
    field_def = parent_type.fields.get(field_name)
    definition = _definition(field_def)
    parent_cls = _definition_origin(parent_type)
    if (
        definition is not None
        and getattr(field_def.resolve, "_is_default", False)
        and not field_def.args
        and not definition.extensions
        and parent_cls is not None
        and not issubclass(parent_cls, Classified)
    ):
        named = _strip_non_null(field_def.type)
        if isinstance(named, GraphQLObjectType):
            found = (definition.python_name, named)
    _PLAIN[key] = found
    return found
