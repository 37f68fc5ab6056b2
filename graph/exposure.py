"""What a document may ask of the schema itself: introspection only for the roles the policy
lets in (FORBIDDEN for the others, nothing of the schema in the answer), and no field
repeated over and over in one selection set (graphql-cop's field duplication). Circular
introspection is refused by graphql-core's own MaxIntrospectionDepthRule, on by default."""

from __future__ import annotations

import re
from collections import Counter

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
    ValidationRule,
    get_named_type,
)
from strawberry.extensions import SchemaExtension

from graph.errors import ApiError, Forbidden

# The same response key at most this many times in one selection set, fragments included.
MAX_REPEATS = 3
_INTROSPECTION_TYPES = frozenset({"__Schema", "__Type"})
# Cheap pre-check on the text; the rule itself looks at the fields' types.
_MENTIONS = re.compile(r"__(schema|type)\b")


class _TooComplex(ApiError):
    code = "QUERY_TOO_COMPLEX"


class RefuseIntrospection(ValidationRule):
    """Added to the rules of a principal who may not introspect."""

    def __init__(self, context) -> None:
        super().__init__(context)
        self.reported = False

    def enter_field(self, node: FieldNode, *_args) -> None:
        type_ = self.context.get_type()
        if self.reported or type_ is None:
            return
        if get_named_type(type_).name in _INTROSPECTION_TYPES:
            self.reported = True
            self.report_error(
                Forbidden(
                    "Introspection is not open to your role; the schema is published as "
                    "schema.graphql."
                )
            )


class RepeatedFields(ValidationRule):
    """A response key selected more than MAX_REPEATS times in one selection set (directly or
    through fragments) is refused: it adds nothing but work."""

    def __init__(self, context) -> None:
        super().__init__(context)
        self.fragments: dict[str, Counter] = {}

    def enter_selection_set(self, node: SelectionSetNode, *_args):
        counts = self._keys(node, frozenset())
        if counts:
            key, times = counts.most_common(1)[0]
            if times > MAX_REPEATS:
                self.report_error(
                    _TooComplex(
                        f"'{key}' is selected {times} times in one selection set; "
                        f"at most {MAX_REPEATS}."
                    )
                )
                return self.BREAK
        return None

    def _keys(self, node: SelectionSetNode, seen: frozenset[str]) -> Counter:
        counts: Counter = Counter()
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                counts[(selection.alias or selection.name).value] += 1
            elif isinstance(selection, InlineFragmentNode):
                counts.update(self._keys(selection.selection_set, seen))
            elif isinstance(selection, FragmentSpreadNode):
                counts.update(self._fragment(selection.name.value, seen))
        return counts

    def _fragment(self, name: str, seen: frozenset[str]) -> Counter:
        if name in seen:  # a cycle: NoFragmentCycles reports it
            return Counter()
        if name not in self.fragments:
            fragment = self.context.get_fragment(name)
            self.fragments[name] = (
                Counter() if fragment is None
                else self._keys(fragment.selection_set, seen | {name})
            )  # fmt: skip
        return self.fragments[name]


class Exposure(SchemaExtension):
    """Adds the rules above: RepeatedFields always, RefuseIntrospection when the document
    mentions introspection and the policy does not let this principal introspect. The rule
    classes are the same objects every time, so validation results stay cacheable."""

    def on_operation(self):
        ec = self.execution_context
        rules: tuple[type[ValidationRule], ...] = (RepeatedFields,)
        if ec.query and _MENTIONS.search(ec.query) and not _may_introspect(ec.context):
            rules = (*rules, RefuseIntrospection)
        ec.validation_rules = (*ec.validation_rules, *rules)
        yield


def _may_introspect(context) -> bool:
    principal = getattr(context, "principal", None)  # none known: closed
    if principal is None:
        return False
    return context.authorizer.may_introspect(principal, context.settings.introspection_roles)
