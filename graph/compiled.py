"""The compiled read path: leaf fields without a resolver cost a dictionary write.

graphql-core executes every field the same way: it builds a resolve-info object, calls the
resolver through strawberry's wrappers, checks for an awaitable, then dispatches on the
return type to complete the value. For most of a response that work buys nothing: a
column of a row (`claimNumber`, `status`, `dateOfBirth`...) is read by attribute access,
where the field policy decides (graph/fields.py, which masks, refuses and audits), and is
then coerced to its scalar or enum.

For each (object type, field) the first request plans the field once: a *leaf* (a scalar
or an enum, possibly non-null) whose resolver is strawberry's default attribute read, with
no arguments and no field extensions, is read and coerced directly. Everything else (a
custom resolver, an object, a list, an abstract type, any middleware) takes graphql-core's
own path, so what the compiler does not know is answered as before, never differently.
Errors are located and collected exactly as graphql-core does (`handle_field_error`), so
a FORBIDDEN field is null with its error at the same path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    is_leaf_type,
)
from graphql.pyutils import Path, Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


@dataclass(frozen=True, slots=True)
class LeafPlan:
    """How to answer one leaf field of one object type without its resolver."""

    attribute: str  # the Python attribute the default resolver would read
    leaf: GraphQLLeafType  # the named scalar or enum it coerces to
    return_type: GraphQLOutputType  # as declared (maybe non-null), for errors
    non_null: bool
    label: str  # "Type.field", for graphql-core's non-null error message


_PLANS: dict[tuple[int, str], LeafPlan | None] = {}


def _plan(parent_type: GraphQLObjectType, field_name: str) -> LeafPlan | None:
    key = (id(parent_type), field_name)
    try:
        return _PLANS[key]
    except KeyError:
        pass
    plan = None
    field_def = parent_type.fields.get(field_name)
    definition = (field_def.extensions or {}).get("strawberry-definition") if field_def else None
    if (
        definition is not None
        and getattr(field_def.resolve, "_is_default", False)  # strawberry's basic field
        and not field_def.args
        and not definition.extensions
    ):
        return_type = field_def.type
        non_null = isinstance(return_type, GraphQLNonNull)
        named = return_type.of_type if non_null else return_type
        if is_leaf_type(named):
            plan = LeafPlan(
                definition.python_name,
                named,
                return_type,
                non_null,
                f"{parent_type.name}.{field_name}",
            )
    _PLANS[key] = plan
    return plan


class CompiledExecution(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor, with planned leaf fields answered in place."""

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ):
        if self.middleware_manager is not None and self.middleware_manager.middlewares:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for response_name, details in grouped_field_set.items():
                field_path = Path(path, response_name, parent_type.name)
                first = details[0].node
                plan = None if first.arguments else _plan(parent_type, first.name.value)
                if plan is None:
                    result = self.execute_field(
                        parent_type, source_value, details, field_path, position_context
                    )
                    if result is Undefined:
                        continue
                    results[response_name] = result
                    if is_awaitable(result):
                        awaitable_fields.append(response_name)
                    continue
                try:
                    value = getattr(source_value, plan.attribute)
                    if is_awaitable(value):  # not a plain read after all: the usual path
                        result = self.execute_field(
                            parent_type, source_value, details, field_path, position_context
                        )
                        results[response_name] = result
                        awaitable_fields.append(response_name)
                        continue
                    results[response_name] = self._leaf(plan, value)
                except Exception as raw_error:
                    self.handle_field_error(raw_error, plan.return_type, details, field_path)
                    results[response_name] = None
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[f] for f in awaitable_fields])
            raise
        if not awaitable_fields:
            return results
        return self._gather(results, awaitable_fields)

    def _leaf(self, plan: LeafPlan, value: Any) -> Any:
        # complete_value's steps for a leaf, in its order
        if isinstance(value, Exception):
            raise value
        if value is None or value is Undefined:
            if plan.non_null:
                raise TypeError(f"Cannot return null for non-nullable field {plan.label}.")
            return None
        return self.complete_leaf_value(plan.leaf, value)

    @staticmethod
    async def _gather(results: dict[str, Any], awaitable_fields: list[str]) -> dict[str, Any]:
        from graphql.pyutils.gather_with_cancel import gather_with_cancel

        if len(awaitable_fields) == 1:
            field = awaitable_fields[0]
            results[field] = await results[field]
        else:
            awaited = await gather_with_cancel(*(results[f] for f in awaitable_fields))
            results.update(zip(awaitable_fields, awaited, strict=True))
        return results
