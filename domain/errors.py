"""Domain errors: a rule said no; the API reports them as BAD_USER_INPUT or CONFLICT.

A message that names an enum value (a status, a role) gives it as a term, `{name}` in the
message with the member in `terms`: str() writes the stored value, and the API writes the
name its schema uses (graph/errors.py, `domain_message`), so no layer spells another's words.
"""

from collections.abc import Callable, Mapping
from enum import Enum


class DomainError(ValueError):
    """A business rule refused the change; `field` names the input at fault, if one is."""

    def __init__(
        self, message: str, *, field: str | None = None, terms: Mapping[str, object] | None = None
    ) -> None:
        self.template = message
        self.terms = dict(terms or {})
        super().__init__(self.render(lambda member: str(member.value)))
        self.field = field

    def render(self, name: Callable[[Enum], str]) -> str:
        """The message with each enum term written by `name`."""
        if not self.terms:
            return self.template
        return self.template.format(
            **{k: name(v) if isinstance(v, Enum) else v for k, v in self.terms.items()}
        )


class IllegalTransition(DomainError):
    def __init__(self, kind: str, current: Enum, requested: Enum) -> None:
        super().__init__(
            f"A {kind} that is {{current}} cannot become {{requested}}.",
            field="status",
            terms={"current": current, "requested": requested},
        )
        self.current = current
        self.requested = requested
