"""Structured JSON logs, with a redaction layer so no PHI reaches a log line.

Each request logs one line: request id, operation name, principal id, status and timing,
never the query text or its variables. Whatever else is logged (a driver's error message
can carry bound values) passes through the redaction filter first.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time

_PATTERNS = [
    (re.compile(r"\b\d{3}-\d{2}-\d{4}\b"), "[ssn]"),
    (re.compile(r"\b\d{9}\b"), "[number]"),
    (re.compile(r"\b(?:19|20)\d{2}-\d{2}-\d{2}\b"), "[date]"),
    (re.compile(r"\b\d{1,2}/\d{1,2}/(?:19|20)\d{2}\b"), "[date]"),
    (re.compile(r"\bMBR-\d+\b"), "[member-number]"),
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "[email]"),
    (re.compile(r"\(\d{3}\) ?\d{3}-\d{4}"), "[phone]"),
]
# fields of our own that are safe as they are (ids, codes, timings)
_SAFE = {"request_id", "operation", "principal", "role", "status", "duration_ms", "code"}


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class Redact(logging.Filter):
    """Scrubs PHI patterns from the message and from every extra field we did not mint."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        for key, value in list(record.__dict__.items()):
            if key in _EXTRA and key not in _SAFE and isinstance(value, str):
                setattr(record, key, redact(value))
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


_EXTRA = {"request_id", "operation", "principal", "role", "status", "duration_ms", "code",
          "user_id", "family_id"}  # fmt: skip


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": round(record.created, 3),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
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

    def done(self, *, request_id: str, principal, operation: str | None, status: int) -> None:
        self.log.info(
            "graphql request",
            extra={
                "request_id": request_id,
                "principal": str(principal.user_id) if principal else None,
                "role": principal.role.value if principal else None,
                "operation": operation,
                "status": status,
                "duration_ms": round((time.perf_counter() - self.started) * 1000, 2),
            },
        )
