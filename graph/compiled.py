"""The compiled read path: a plan per (type, field), executed level by level.

graphql-core executes every field the same way: it builds a resolve-info object, calls the
resolver through strawberry's wrappers, checks for an awaitable, then dispatches on the
return type to complete the value, and gathers each object's awaitable fields as tasks.
For most of a response that work buys nothing. The first request plans each (object type,
field) once (graph/plans.py):

- a *leaf* (a scalar or enum) whose resolver is strawberry's attribute read is read where
  the field policy decides (graph/fields.py, which masks, refuses and audits) and coerced
  in place: a dictionary write, not a resolver call;
- a *relation* (a resolver declared with graph.rows.relation: one row or a list of rows
  by a key of the parent's row) is loaded for a whole list of parents before the list is
  completed, one batched statement per relation per level as the loaders do anyway, and
  each parent then completes it without calling its resolver or waiting on a task.

Everything else (a custom resolver, arguments, unions, a relation whose load failed, any
middleware) takes graphql-core's own path, so what the plan does not know is answered as
before, never differently. Errors are located and collected as graphql-core does
(`handle_field_error`), so a FORBIDDEN field is null with its error at the same path.
"""

from __future__ import annotations

import asyncio
from inspect import CO_ITERABLE_COROUTINE
from types import CoroutineType, GeneratorType
from typing import Any

from graphql import GraphQLObjectType, GraphQLOutputType
from graphql.pyutils import Path, Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from graph.fields import build
from graph.plans import LeafPlan, RelationPlan, origin_of, plain_object, plan_of, to_nodes
from graph.rows import built

_AWAITABLE_TYPES: dict[type, bool] = {}


def is_awaitable(value: Any) -> bool:
    """What `await` accepts, decided once per type: a coroutine, or a type with __await__
    (`await` looks it up on the type, never on the instance). graphql-core asks it of every
    value it completes, and its `hasattr(value, "__await__")` on a record's object went
    through that object's __getattr__ (the field policy's look-up) and an AttributeError
    each time. A generator is asked per instance: only some are coroutines."""
    kind = type(value)
    known = _AWAITABLE_TYPES.get(kind)
    if known is None:
        if kind is GeneratorType:
            return bool(value.gi_code.co_flags & CO_ITERABLE_COROUTINE)
        known = _AWAITABLE_TYPES[kind] = kind is CoroutineType or hasattr(kind, "__await__")
    return known


class CompiledExecution(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor, with planned fields answered in place."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.is_awaitable = is_awaitable

    def _planning(self) -> bool:
        manager = self.middleware_manager
        return manager is None or not manager.middlewares

    # --- one object: its fields ----------------------------------------------------------
    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ):
        if not self._planning():
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        context = self.context_value
        try:
            for response_name, details, plan in self._entries(parent_type, grouped_field_set):
                if (
                    type(plan) is LeafPlan
                    and plan.spec is not None
                    and type(source_value) is plan.origin
                    and plan.attribute not in source_value.__dict__  # as getattr would
                ):  # the field policy reads it: no path, no awaitable, unless it fails
                    try:
                        value = source_value.read_field(plan.attribute, plan.spec, context)
                        results[response_name] = self._leaf(plan, value)
                    except Exception as raw_error:
                        field_path = Path(path, response_name, parent_type.name)
                        self.handle_field_error(raw_error, plan.return_type, details, field_path)
                        results[response_name] = None
                    continue
                field_path = Path(path, response_name, parent_type.name)
                result = Undefined
                if plan is not None:
                    result = self._planned(plan, parent_type, source_value, details, field_path,
                                           position_context)  # fmt: skip
                if result is Undefined:  # unplanned, or not answerable here: the usual path
                    result = self.execute_field(
                        parent_type, source_value, details, field_path, position_context
                    )
                    if result is Undefined:
                        continue
                results[response_name] = result
                if is_awaitable(result):
                    awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[f] for f in awaitable_fields])
            raise
        if not awaitable_fields:
            return results
        return _gather(results, awaitable_fields)

    def _entries(self, parent_type, grouped_field_set) -> list[tuple]:
        """(response name, field details, plan) per field of a selection, worked out once
        per execution: every object of a list shares its selection's grouped field set."""
        kept = self.__dict__.setdefault("_claimgraph_entries", {})
        hit = kept.get(id(grouped_field_set))
        if hit is not None and hit[0] is grouped_field_set:
            return hit[1]
        entries = []
        for response_name, details in grouped_field_set.items():
            first = details[0].node
            plan = None if first.arguments else plan_of(parent_type, first.name.value)
            entries.append((response_name, details, plan))
        kept[id(grouped_field_set)] = (grouped_field_set, entries)
        return entries

    def _planned(self, plan, parent_type, source, details, path, position_context) -> Any:
        """The field's completed value, or Undefined when the usual path must answer."""
        if isinstance(plan, LeafPlan):
            try:
                value = getattr(source, plan.attribute)
                if self.is_awaitable(value):  # not a plain read after all
                    _close(value)
                    return Undefined
                return self._leaf(plan, value)
            except Exception as raw_error:
                self.handle_field_error(raw_error, plan.return_type, details, path)
                return None
        loaded = self._loaded(plan, source)
        if loaded is Undefined:
            return Undefined
        if plan.cls is not None and not plan.relation.many and plan.return_type is plan.named:
            # one object of a nullable field: what complete_value would do, without its info
            if loaded is None:
                return None
            return self._object(plan.named, details, path, build(plan.cls, loaded),
                                position_context, plan.return_type)  # fmt: skip
        info = self.build_resolve_info(plan.field, to_nodes(details), parent_type, path)
        try:
            completed = self.complete_value(
                plan.return_type, details, info, path, built(plan.cls, plan.relation, loaded),
                position_context,
            )  # fmt: skip
        except Exception as raw_error:
            self.handle_field_error(raw_error, plan.return_type, details, path)
            return None
        if self.is_awaitable(completed):
            return self._completing(completed, plan.return_type, details, path)
        return completed

    def _object(self, object_type, details, path, obj, position_context, return_type) -> Any:
        """The fields of `obj`, an instance of `object_type`'s own class: complete_object_value
        without its is_type_of check, which such an object passes by construction."""
        try:
            completed = self.collect_and_execute_subfields(
                object_type, details, path, obj, position_context
            )
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, details, path)
            return None
        if self.is_awaitable(completed):
            return self._completing(completed, return_type, details, path)
        return completed

    def complete_list_item_value(
        self, item, complete_results, item_type, field_details_list, info, item_path,
        position_context,
    ) -> bool:  # fmt: skip
        known = origin_of(item_type) if self._planning() else None
        if known is None or type(item) is not known[1]:
            return super().complete_list_item_value(
                item, complete_results, item_type, field_details_list, info, item_path,
                position_context,
            )  # fmt: skip
        completed = self._object(known[0], field_details_list, item_path, item,
                                 position_context, item_type)  # fmt: skip
        complete_results.append(completed)
        return self.is_awaitable(completed)

    def _loaded(self, plan: RelationPlan, source: Any) -> Any:
        """What the relation's loader already holds for this parent, else Undefined."""
        row = getattr(source, "_row", None)
        key = None if row is None else row[plan.relation.key]
        if key is None:
            return Undefined
        future = self.context_value.loader(plan.relation.loader)._cache.get(key)
        if future is None or not future.done() or future.cancelled() or future.exception():
            return Undefined
        return future.result()

    async def _completing(self, completed, return_type, details, path) -> Any:
        try:
            return await completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, details, path)
            return None

    def _leaf(self, plan: LeafPlan, value: Any) -> Any:
        # complete_value's steps for a leaf, in its order
        if isinstance(value, Exception):
            raise value
        if value is None or value is Undefined:
            if plan.non_null:
                raise TypeError(f"Cannot return null for non-nullable field {plan.label}.")
            return None
        return self.complete_leaf_value(plan.leaf, value)

    # --- a list of objects: its relations, loaded for the whole level ----------------------
    def complete_iterable_value(
        self,
        item_type: GraphQLOutputType,
        field_details_list: Any,
        info: Any,
        path: Path,
        items: Any,
        position_context: Any,
    ):
        complete = super().complete_iterable_value
        if not self._planning() or not isinstance(items, list) or not items:
            return complete(item_type, field_details_list, info, path, items, position_context)
        named = getattr(item_type, "of_type", item_type)
        loads: list[asyncio.Future] = []
        if isinstance(named, GraphQLObjectType):
            self._prefetch(named, field_details_list, items, loads)
        if not loads:
            return complete(item_type, field_details_list, info, path, items, position_context)

        async def after_loads() -> list[Any]:
            # failures stay in the loaders' futures: those parents take the usual path,
            # which meets the same error at the same place
            await asyncio.gather(*loads, return_exceptions=True)
            completed = complete(item_type, field_details_list, info, path, items,
                                 position_context)  # fmt: skip
            return await completed if self.is_awaitable(completed) else completed

        return after_loads()

    def _prefetch(self, object_type, field_details_list, sources: list, loads: list) -> None:
        """Start one batched load per relation selected on these parents (and on the
        objects their plain fields hold, such as a connection edge's node)."""
        grouped = self.collect_subfields(object_type, field_details_list)[0]
        for details in grouped.values():
            first = details[0].node
            if first.arguments:
                continue
            plan = plan_of(object_type, first.name.value)
            if isinstance(plan, RelationPlan):
                keys = {
                    key
                    for s in sources
                    if (row := getattr(s, "_row", None)) is not None
                    and (key := row[plan.relation.key]) is not None
                }
                if keys:
                    loader = self.context_value.loader(plan.relation.loader)
                    loads.append(loader.load_many(list(keys)))
            elif plan is None:
                inner = plain_object(object_type, first.name.value)
                if inner is not None:
                    attribute, inner_type = inner
                    held = [getattr(s, attribute, None) for s in sources]
                    held = [h for h in held if h is not None]
                    if held:
                        self._prefetch(inner_type, details, held, loads)


def _close(awaitable: Any) -> None:
    close = getattr(awaitable, "close", None)
    if close is not None:
        close()


async def _gather(results: dict[str, Any], awaitable_fields: list[str]) -> dict[str, Any]:
    from graphql.pyutils.gather_with_cancel import gather_with_cancel

    if len(awaitable_fields) == 1:
        field = awaitable_fields[0]
        results[field] = await results[field]
    else:
        awaited = await gather_with_cancel(*(results[f] for f in awaitable_fields))
        results.update(zip(awaitable_fields, awaited, strict=True))
    return results
