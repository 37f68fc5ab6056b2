"""What an operation may cost before it runs: its worst-case rows against its role's budget,
a limit on directives, and a deadline for whatever passes.

The cost of an operation is the number of rows it may fetch at worst, from its document and
variables alone (no SQL): a connection field fetches `first` rows (its argument, a variable,
or the schema's default; never more than the largest page) and everything selected under
its edges once per row; a list without `first` (a claim's lines, a member's dependents) is
assumed to hold LIST_ROWS; an object is one row per parent row; `totalCount` is one count
per connection. Aliases and fragments each count; a field skipped by @skip/@include costs
nothing. Example: `providers(first:100) { edges { node { claims(first:100) {...} } } }` is
100 + 100 x (100 + ...) rows.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationType,
    SelectionSetNode,
    ValidationRule,
    VariableNode,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
    is_list_type,
    value_from_ast_untyped,
)
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from db import faults
from db.lazy import kept
from graph.config import Settings
from graph.errors import QueryTooComplex, ServiceUnavailable
from graph.outage import TOO_SLOW

log = logging.getLogger("claimgraph.cost")

# An assumed length, not a bound: such lists are short by nature (lines of one claim,
# dependents of one member), and their parents' pages bound how many are read.
LIST_ROWS = 10
# __schema and __type are answered from memory; priced like one page so they stay cheap.
INTROSPECTION_ROWS = 100


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    *,
    operation_name: str | None = None,
    variables: dict[str, Any] | None = None,
    max_page: int = 100,
) -> int:
    """The worst-case rows the operation of `document` named `operation_name` may fetch."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return 0
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    values = dict(variables or {})
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if values.get(name) is None and definition.default_value is not None:
            values[name] = value_from_ast_untyped(definition.default_value)
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return _Pricer(schema, fragments, values, max_page).selection(operation.selection_set, root)


class _Pricer:
    def __init__(self, schema: GraphQLSchema, fragments, variables: dict, max_page: int) -> None:
        self.schema, self.fragments = schema, fragments
        self.variables, self.max_page = variables, max_page
        # a fragment costs the same wherever it is spread (per page of its parent): priced
        # once, so fragments spreading fragments cannot make this walk exponential
        self._fragments: dict[tuple[str, int], int] = {}

    def selection(self, selection_set: SelectionSetNode | None, parent, page: int = 1) -> int:
        if selection_set is None or parent is None:
            return 0
        total = 0
        for node in selection_set.selections:
            if not self._included(node):
                continue
            if isinstance(node, FieldNode):
                total += self._field(node, parent, page)
            elif isinstance(node, InlineFragmentNode):
                condition = node.type_condition
                scope = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selection(node.selection_set, scope, page)
            elif isinstance(node, FragmentSpreadNode):
                total += self._fragment(node.name.value, page)
        return total

    def _fragment(self, name: str, page: int) -> int:
        key = (name, page)
        if key not in self._fragments:
            self._fragments[key] = 0  # a cycle (refused by validation anyway) adds nothing
            fragment = self.fragments.get(name)
            if fragment is not None:
                scope = self.schema.get_type(fragment.type_condition.name.value)
                self._fragments[key] = self.selection(fragment.selection_set, scope, page)
        return self._fragments[key]

    def _field(self, node: FieldNode, parent, page: int) -> int:
        name = node.name.value
        if name in ("__schema", "__type"):
            return INTROSPECTION_ROWS
        definition = getattr(parent, "fields", {}).get(name)
        if definition is None:
            return 0  # __typename, or unknown (validation refuses those)
        if _is_connection(parent):
            if name == "edges":  # the page's rows, each with what is selected under it
                return page * self.selection(node.selection_set, get_named_type(definition.type))
            return 1 if name == "totalCount" else 0  # pageInfo comes with the page
        if _is_edge(parent) and name == "node":  # the same row as its edge
            return self.selection(node.selection_set, get_named_type(definition.type))
        if node.selection_set is None:
            return 0  # a scalar: a column of a row already counted
        child = get_named_type(definition.type)
        if _is_connection(child):
            first = self._page_size(node, definition)
            return first + self.selection(node.selection_set, child, first)
        rows = LIST_ROWS if is_list_type(get_nullable_type(definition.type)) else 1
        return rows * (1 + self.selection(node.selection_set, child))

    def _page_size(self, node: FieldNode, definition) -> int:
        argument = definition.args.get("first")
        default = getattr(argument, "default_value", None)
        size = default if isinstance(default, int) else self.max_page
        for given in node.arguments or ():
            if given.name.value != "first":
                continue
            if isinstance(given.value, IntValueNode):
                size = int(given.value.value)
            elif isinstance(given.value, VariableNode):
                name = given.value.name.value
                if name in self.variables:
                    value = self.variables[name]
                    # graphql-core coerces 100.0 (and more) to an Int: anything but a plain
                    # int is priced as the largest page, never as the default
                    plain = isinstance(value, int) and not isinstance(value, bool)
                    size = value if plain else self.max_page
        return min(max(size, 0), self.max_page)  # a larger page is refused anyway

    def _included(self, node) -> bool:
        """False only when @skip or @include surely leaves the selection out."""
        for directive in node.directives or ():
            name = directive.name.value
            if name not in ("skip", "include"):
                continue
            for argument in directive.arguments or ():
                if argument.name.value != "if":
                    continue
                value = argument.value
                if isinstance(value, VariableNode):
                    flag = self.variables.get(value.name.value)
                else:
                    flag = value_from_ast_untyped(value)
                if flag is (name == "skip"):
                    return False
        return True


def _is_connection(type_) -> bool:
    return isinstance(type_, GraphQLObjectType) and {"edges", "pageInfo"} <= type_.fields.keys()


def _is_edge(type_) -> bool:
    return isinstance(type_, GraphQLObjectType) and {"node", "cursor"} <= type_.fields.keys()


def directive_limits(*, per_field: int, per_operation: int) -> type[ValidationRule]:
    """A validation rule: at most `per_field` directives on one field (or fragment), and at
    most `per_operation` in the whole document."""

    class DirectiveLimits(ValidationRule):
        def __init__(self, context) -> None:
            super().__init__(context)
            self.total = 0

        def enter(self, node, *_args) -> None:
            directives = getattr(node, "directives", None)
            if not directives:
                return
            count = len(directives)
            if count > per_field:
                self.report_error(_too_many(
                    f"One selection carries {count} directives; the limit is {per_field}.",
                    count, per_field, node,
                ))  # fmt: skip
            before, self.total = self.total, self.total + count
            if before <= per_operation < self.total:
                self.report_error(_too_many(
                    f"The operation carries more than {per_operation} directives.",
                    self.total, per_operation, node,
                ))  # fmt: skip

    return DirectiveLimits


def _too_many(message: str, count: int, limit: int, node) -> GraphQLError:
    extensions = {"code": "QUERY_TOO_COMPLEX", "directives": count, "limit": limit}
    return GraphQLError(message, nodes=[node], extensions=extensions)


class QueryBudget(SchemaExtension):
    """Step 4 of a request: the operation's worst case is held against its role's budget
    before any rule or resolver runs (pricing takes a millisecond where the rules take tens
    on a large document), then the (cached) validation rules; what passes runs under the
    request deadline (a subscription only while it starts)."""

    def __init__(self, *, settings: Settings) -> None:
        super().__init__()
        self.settings = settings

    def on_validate(self):
        ec = self.execution_context
        refusal = self._refusal()
        ec.pre_execution_errors = [refusal] if refusal is not None else _validated(ec)
        yield

    def _refusal(self) -> QueryTooComplex | None:
        ec = self.execution_context
        role = _role(ec.context)
        limit = self.settings.budget_for(role)
        try:
            cost = _priced(ec, self.settings.max_page_size)
        except RecursionError:
            return None  # nested beyond reason: the depth rule refuses it next
        if hasattr(ec.context, "cost"):  # logged with the request (graph/logs.py)
            ec.context.cost = cost
        if cost <= limit:
            return None
        log.info("operation refused: cost %d over %d", cost, limit, extra={"role": role})
        return QueryTooComplex(
            f"This operation may read {cost} rows; the limit for your role is {limit}. "
            "Ask for smaller pages or fewer nested lists.",
            cost=cost,
            limit=limit,
        )

    async def on_execute(self):
        if self.execution_context.operation_type is OperationType.SUBSCRIPTION:
            yield  # only the start is timed here; events are delivered as they come
            return
        try:
            async with asyncio.timeout(self.settings.request_deadline_seconds or None):
                yield
        except TimeoutError:
            raise ServiceUnavailable(TOO_SLOW, reason="deadline") from None


_VALIDATED: OrderedDict[tuple, tuple[list[GraphQLError], Any]] = OrderedDict()


def _validated(ec) -> list[GraphQLError]:
    """The rules' verdict on the document, remembered per (schema, document, rules) by
    identity: the parser cache hands the same document object to every request with the
    same text, and hashing a document by value (strawberry's ValidationCache) walks every
    node of it each time. The entry pins what its key names, so no id is reused under it."""
    schema, document, rules = ec.schema._schema, ec.graphql_document, tuple(ec.validation_rules)
    key = (id(schema), id(document), *map(id, rules))
    return kept(_VALIDATED, key, (schema, document, rules),
                lambda: validate_document(schema, document, rules), size=256)  # fmt: skip


_PRICES: OrderedDict[tuple, int] = OrderedDict()
_PRICES_KEPT = 512


def _priced(ec, max_page: int) -> int:
    """The operation's worst case, remembered per document text when it has no variables
    (the same dashboard asked again costs a dictionary look-up). With variables it is priced
    each time: page sizes may come from them, and their values (a member number, a birth
    date) are not kept in memory past the request."""
    key = None
    if not ec.variables:
        key = (id(ec.schema), ec.query, ec.operation_name, max_page)
        cost = _PRICES.get(key)
        if cost is not None:
            _PRICES.move_to_end(key)
            return cost
    cost = operation_cost(ec.schema._schema, ec.graphql_document, operation_name=ec.operation_name,
                          variables=ec.variables, max_page=max_page)  # fmt: skip
    if key is not None:
        _PRICES[key] = cost
        if len(_PRICES) > _PRICES_KEPT:
            _PRICES.popitem(last=False)
    return cost


def _role(context) -> str | None:
    # a subscription starting over a WebSocket has no principal in reach yet (each event
    # gets its own): MAX_QUERY_COST applies to it
    principal = getattr(context, "principal", None)
    role = getattr(principal, "role", None)
    return getattr(role, "value", role)


def took_too_long(exc: BaseException | None) -> bool:
    """A statement PostgreSQL stopped (statement_timeout or a cancel 57014, lock_timeout
    55P03); see db/faults.py."""
    return faults.too_slow(exc)
