"""Structured JSON logs that carry no PHI by construction, with redaction as a second line.

Each request logs one line: request id, operation name, principal id, status and timing,
never the query text or its variables. An exception is logged by its shape, not its words:
the type of each exception in the chain, its frames (file, line, function, code; never a
local), and for a database error its SQLSTATE and its statement without parameters. No
exception message is logged but ours (a driver's message can quote a bound value, a
coercion error the client's variables). Whatever is logged then passes through the
redaction filter, in case a pattern slips through a message written by hand.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import traceback

_PATTERNS = [
    (re.compile(r"\b\d{3}-\d{2}-\d{4}\b"), "[ssn]"),
    (re.compile(r"\b\d{9}\b"), "[number]"),
    (re.compile(r"\b(?:19|20)\d{2}-\d{2}-\d{2}\b"), "[date]"),
    (re.compile(r"\b\d{1,2}/\d{1,2}/(?:19|20)\d{2}\b"), "[date]"),
    (re.compile(r"\bMBR-\d+\b"), "[member-number]"),
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "[email]"),
    (re.compile(r"\(\d{3}\) ?\d{3}-\d{4}"), "[phone]"),
]
# fields of our own that are safe as they are (ids, codes, timings, exception type names)
_SAFE = {"request_id", "operation", "principal", "role", "status", "duration_ms", "code",
         "error", "sqlstate", "cost"}  # fmt: skip
# messages that are ours or name only code (types, attributes): the rest are not logged
_SPOKEN = ("domain.errors.DomainError", "graph.errors.ApiError")
_SPOKEN_BUILTIN = (AttributeError, NameError, ImportError, NotImplementedError, RecursionError)
_STATEMENT_CHARS = 2000


def _speaks(exc: BaseException) -> bool:
    if isinstance(exc, _SPOKEN_BUILTIN):
        return True
    return any(f"{k.__module__}.{k.__qualname__}" in _SPOKEN for k in type(exc).__mro__)


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and its causes, oldest first (as Python prints them)."""
    seen: list[BaseException] = []
    while exc is not None and all(exc is not s for s in seen):
        seen.append(exc)
        cause = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
        exc = cause  # type: ignore[assignment]
    return seen[::-1]


def sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE of a database error anywhere in the chain, else None."""
    for link in reversed(_chain(exc)):
        for source in (link, getattr(link, "orig", None)):
            code = getattr(source, "sqlstate", None) or getattr(source, "pgcode", None)
            if isinstance(code, str):
                return code
    return None


def _headline(exc: BaseException) -> str:
    kind = type(exc)
    name = kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"
    facts = []
    code = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
    if isinstance(code, str):
        facts.append(f"sqlstate={code}")
    for attr in ("schema_name", "table_name", "column_name", "constraint_name"):
        value = getattr(exc, attr, None)  # asyncpg's: names of the schema, never values
        if isinstance(value, str) and value:
            facts.append(f"{attr.removesuffix('_name')}={value}")
    orig = getattr(exc, "orig", None)
    if orig is not None and getattr(exc, "statement", None) is not None:  # SQLAlchemy's
        facts.append(f"driver={type(orig).__name__}")
    line = name + (f" ({', '.join(facts)})" if facts else "")
    statement = getattr(exc, "statement", None)
    if isinstance(statement, str):
        line += "\n  statement (parameters not logged): " + statement[:_STATEMENT_CHARS]
    elif _speaks(exc) and str(exc):
        line += ": " + str(exc)
    return line


def exception_text(exc: BaseException) -> str:
    """A traceback without the data: per exception its type, SQL facts and frames."""
    blocks = []
    for link in _chain(exc):
        frames = traceback.extract_tb(link.__traceback__)  # no locals are captured
        lines = ["Traceback (most recent call last):"] if frames else []
        for frame in frames:
            lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
            if frame.line:
                lines.append(f"    {frame.line.strip()}")
        lines.append(_headline(link))
        blocks.append("\n".join(lines))
    return "\n\nwhich led to:\n\n".join(blocks)


def _structure(record: logging.LogRecord) -> None:
    """Replace a record's exception with its structural form (type, SQLSTATE, frames)."""
    if getattr(record, "_structured", False):
        return
    record._structured = True
    exc = record.exc_info[1] if record.exc_info else None
    if exc is not None:
        record.exc_text = exception_text(exc)
        record.error = type(exc).__name__
        state = sqlstate(exc)
        if state:
            record.sqlstate = state
    elif record.exc_text:
        record.exc_text = "(an exception formatted elsewhere; not logged)"
    record.exc_info = None


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class Redact(logging.Filter):
    """Scrubs PHI patterns from the message and from every extra field we did not mint."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info or record.exc_text:
            _structure(record)  # the first line: an exception is logged by its shape
        record.msg = redact(record.getMessage())
        record.args = None
        for key, value in list(record.__dict__.items()):
            if key in _EXTRA and key not in _SAFE and isinstance(value, str):
                setattr(record, key, redact(value))
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


_EXTRA = {"request_id", "operation", "principal", "role", "status", "duration_ms", "code",
          "user_id", "family_id", "error", "sqlstate", "cost"}  # fmt: skip


class JsonFormatter(logging.Formatter):
    def formatException(self, ei) -> str:  # noqa: N802 - logging's name
        return exception_text(ei[1]) if ei and ei[1] is not None else ""

    def format(self, record: logging.LogRecord) -> str:
        if record.exc_info or record.exc_text:
            _structure(record)  # without the filter too, never a message or a parameter
        line = {
            "ts": round(record.created, 3),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
            "pid": record.process,  # which worker of `serve --workers N` wrote it
        }
        for key in _EXTRA:
            if key in record.__dict__:
                line[key] = record.__dict__[key]
        if record.exc_text:
            line["exc"] = record.exc_text
        return json.dumps(line, default=str)


class _Handler(logging.StreamHandler):
    """A stream handler that finds stderr when it writes (stderr may be swapped meanwhile)."""

    def __init__(self, stream=None) -> None:
        super().__init__(stream)
        self._fixed = stream

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = self._fixed or sys.stderr
        super().emit(record)


def configure(level: str = "INFO", stream=None) -> logging.Handler:
    """Route every log record through redaction into one JSON line on stderr."""
    handler = _Handler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(Redact())
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_claimgraph", False):
            root.removeHandler(old)
    handler._claimgraph = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("pgserver").setLevel(logging.WARNING)  # its process bookkeeping
    return handler


class RequestTimer:
    """Times one request and logs it as one line when done."""

    log = logging.getLogger("claimgraph.request")

    def __init__(self) -> None:
        self.started = time.perf_counter()

    def done(
        self,
        *,
        request_id: str,
        principal,
        operation: str | None,
        status: int,
        cost: int | None = None,
    ) -> None:
        self.log.info(
            "graphql request",
            extra={
                "request_id": request_id,
                "principal": str(principal.user_id) if principal else None,
                "role": principal.role.value if principal else None,
                "operation": operation,
                "status": status,
                "duration_ms": round((time.perf_counter() - self.started) * 1000, 2),
                "cost": cost,  # the worst-case rows the operation was priced at (graph/cost.py)
            },
        )
