"""Documents attached to a claim: what kinds the plan accepts and how big they may be.

The kind is read from the file's own bytes (its signature), never from the name or the
content type the client claims."""

from __future__ import annotations

import filetype

from domain.errors import DomainError

ACCEPTED = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpeg",
    "image/tiff": "tiff",
}
MAX_DOCUMENTS = 10


def check_count(count: int) -> None:
    if count > MAX_DOCUMENTS:
        raise DomainError(f"Attach at most {MAX_DOCUMENTS} documents.", field="documents")


def check_size(size: int | None, *, limit: int, field: str) -> None:
    """Before the file is read: refuse what is empty or above the limit."""
    if size is not None and size > limit:
        raise DomainError(
            f"The document is larger than {limit // (1024 * 1024)} MB; send a smaller file.",
            field=field,
        )
    if size == 0:
        raise DomainError("The document is empty.", field=field)


def detect(head: bytes, *, field: str) -> str:
    """The MIME type of an accepted document from its first bytes, or a refusal."""
    if not head:
        raise DomainError("The document is empty.", field=field)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ACCEPTED:
        raise DomainError("Attach a PDF, PNG, JPEG or TIFF document.", field=field)
    return kind.mime
