"""The schema: the root types composed, the validation rules, the error shaping."""

from __future__ import annotations

import logging
import re

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    FieldExtension,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.schema.config import StrawberryConfig

from db import faults
from domain.errors import DomainError
from graph import limits
from graph.audit import AuditTrail
from graph.compiled import CompiledExecution
from graph.config import Settings
from graph.conventions import describe_generated
from graph.cost import QueryBudget, directive_limits
from graph.errors import ApiError, Forbidden, domain_message
from graph.exposure import Exposure
from graph.inputs import SCALAR_OVERRIDES, InputGuard
from graph.outage import is_outage, message_for
from graph.queries import Mutation, Query
from graph.search import guard_searches
from graph.subscriptions.api import Subscription
from graph.subscriptions.operations import SocketOperations

log = logging.getLogger("claimgraph.graphql")

_TOO_COMPLEX = re.compile(
    r"exceeds maximum operation depth|^\d+ aliases found|contains more than \d+ tokens"
)


def _is_database_down(exc: BaseException) -> bool:
    """Kept for callers of old: db/faults.py is the one classifier."""
    return faults.unavailable(exc)


def shape_error(error: GraphQLError, request_id: str | None) -> GraphQLError:
    """Every error leaves with a stable code; unexpected ones leave with nothing else."""
    original = error.original_error
    if isinstance(error, ApiError) or isinstance(original, ApiError):
        return error
    if original is None:
        code = (error.extensions or {}).get("code") or (
            "QUERY_TOO_COMPLEX" if _TOO_COMPLEX.search(error.message) else "BAD_USER_INPUT"
        )
        error.extensions = {**(error.extensions or {}), "code": code}
        return error
    if isinstance(original, DomainError):  # a rule's refusal a resolver did not catch
        field = {"field": original.field} if original.field else {}
        extensions = {"code": "BAD_USER_INPUT", **field}
        return GraphQLError(domain_message(original), nodes=error.nodes, path=error.path,
                            extensions=extensions)  # fmt: skip
    if is_outage(original):  # down, starting, shutting down, lost, or a statement stopped
        log.warning("database unavailable or statement stopped",
                    extra={"request_id": request_id, "error": type(original).__name__})  # fmt: skip
        message, code = message_for(original), "SERVICE_UNAVAILABLE"
    else:
        log.error("unexpected error", exc_info=original, extra={"request_id": request_id})
        message, code = "Internal error.", "INTERNAL"
    return GraphQLError(
        message,
        nodes=error.nodes,
        path=error.path,
        extensions={"code": code, "requestId": request_id},
    )


def in_response_order(errors: list[GraphQLError], data) -> list[GraphQLError]:
    """Errors in the order their paths appear in the response (errors without a path
    first, ties as they came). graphql-core lists them as fields happen to finish, which
    depends on timing and on how the operation was executed; a client, a log and the
    compiled path's differential test all get the same order for the same answer."""

    def position(path) -> tuple:
        at, out = data, []
        for step in path or ():
            if isinstance(at, dict) and step in at:
                out.append(list(at).index(step))
                at = at[step]
            elif isinstance(at, list) and isinstance(step, int) and step < len(at):
                out.append(step)
                at = at[step]
            else:  # below a null: after its siblings' known places
                out.append(1 << 30)
                at = None
        return tuple(out)

    return sorted(errors, key=lambda e: position(e.path))


class StableErrors(SchemaExtension):
    def on_operation(self):
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            ctx = self.execution_context.context
            request_id = getattr(ctx, "request_id", None)
            shaped = [shape_error(e, request_id) for e in result.errors]
            result.errors = in_response_order(shaped, result.data)

    def on_stream_result(self, result):
        # Over a WebSocket each result (every event of a subscription, a validation error, a
        # query's answer) leaves as soon as it is made, before on_operation above gets to it
        # (it wraps the whole stream): shape each on its way out, so that these too carry a
        # stable code and never an unexpected exception's own words. Errors that already
        # carry a code are left as they are.
        errors = getattr(result, "errors", None)
        if errors:
            request_id = getattr(self.execution_context.context, "request_id", None)
            result.errors = [
                e if (e.extensions or {}).get("code") else shape_error(e, request_id)
                for e in errors
            ]
        yield


class RoleLimits(FieldExtension):
    """Before a mutation runs, the policy says whether this role may attempt it at all.

    The rule (regulators read only) lives in Polar. `build_schema` puts this on every root
    mutation field, so a mutation added later is covered without being listed anywhere;
    query fields pay nothing for it.
    """

    async def resolve_async(self, next_, source, info, **kwargs):
        ctx = info.context
        if not ctx.authorizer.may_attempt(ctx.principal, info.field_name):
            # audited like every other refusal: the attempt is the finding
            ctx.audit.event(f"{info.field_name}_denied", "Mutation", None,
                            success=False, error="FORBIDDEN")  # fmt: skip
            raise Forbidden("Your role may not change anything here.")
        return await next_(source, info, **kwargs)


def _gate_mutations(mutation_type: type) -> type:
    for field in mutation_type.__strawberry_definition__.fields:
        if not any(isinstance(e, RoleLimits) for e in field.extensions):
            field.extensions.append(RoleLimits())
    return mutation_type


def _guard_searches() -> None:
    """Every field taking a `filter`, wherever it is in the graph, gets the search guard
    (graph/search.py). The fields are found in a schema built once to list its types, so a
    list added later is covered; extensions are wired when a schema is built, hence twice."""
    global _SEARCHES_GUARDED
    if _SEARCHES_GUARDED:
        return
    probe = strawberry.Schema(query=Query, mutation=Mutation, subscription=Subscription)
    guard_searches(t.definition for t in probe.schema_converter.type_map.values())
    _SEARCHES_GUARDED = True


_SEARCHES_GUARDED = False


class _Schema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:
        # Expected errors (NOT_FOUND, FORBIDDEN...) are answers, not incidents; unexpected
        # ones are logged once, by request id and without the client's data, in shape_error.
        return None


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    settings = settings or Settings()
    # The limiters' rule classes are made once: validation results are cached per
    # (document, rules), so new rule classes per request would defeat the cache.
    rules = [
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
        directive_limits(
            per_field=settings.max_directives_per_field, per_operation=settings.max_directives
        ),
    ]
    _guard_searches()
    schema = _Schema(
        query=limits.gate(Query),
        mutation=limits.gate(_gate_mutations(Mutation)),
        subscription=Subscription,
        config=StrawberryConfig(disable_field_suggestions=True),
        # planned leaves skip their resolvers; without it, graphql-core's own executor
        execution_context_class=CompiledExecution if settings.compiled_reads else None,
        scalar_overrides=SCALAR_OVERRIDES,  # amounts within numeric(12,2), no exponents
        extensions=[
            SocketOperations,  # first in, last out: around the audit trail
            Exposure,  # introspection only for the roles the policy lets in
            InputGuard,  # codes the client's errors before StableErrors shapes the rest
            StableErrors,
            AuditTrail,
            lambda: ParserCache(maxsize=256),
            # the operation's cost against the role's budget, then the rules (cached)
            lambda: QueryBudget(settings=settings),
            lambda: AddValidationRules(rules),
            lambda: MaxTokensLimiter(max_token_count=4000),
        ],
    )
    describe_generated(schema._schema, settings)
    return schema


def sdl() -> str:
    return build_schema().as_str() + "\n"
