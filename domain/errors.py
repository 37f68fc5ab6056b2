"""Domain errors: a rule said no; the API reports them as BAD_USER_INPUT or CONFLICT."""


class DomainError(ValueError):
    """A business rule refused the change; `field` names the input at fault, if one is."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class IllegalTransition(DomainError):
    def __init__(self, kind: str, current: str, requested: str) -> None:
        super().__init__(f"A {kind} that is {current} cannot become {requested}.", field="status")
        self.current = current
        self.requested = requested
