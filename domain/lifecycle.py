"""The claim and appeal lifecycles as explicit transition tables (DOMAIN.md)."""

from __future__ import annotations

from domain.enums import AppealStatus as A
from domain.enums import ClaimStatus as C
from domain.errors import IllegalTransition

CLAIM_TRANSITIONS: dict[C, frozenset[C]] = {
    # adjudication may start straight from submitted
    C.SUBMITTED: frozenset({C.UNDER_REVIEW, C.APPROVED, C.PARTIALLY_APPROVED, C.DENIED}),
    C.UNDER_REVIEW: frozenset({C.APPROVED, C.PARTIALLY_APPROVED, C.DENIED}),
    C.APPROVED: frozenset({C.PAID}),
    C.PARTIALLY_APPROVED: frozenset({C.PAID, C.APPEALED}),
    C.DENIED: frozenset({C.APPEALED}),
    # a decided appeal: overturned -> re-adjudicated; upheld -> stays denied
    C.APPEALED: frozenset({C.APPROVED, C.PARTIALLY_APPROVED, C.DENIED}),
    C.PAID: frozenset(),
}

APPEAL_TRANSITIONS: dict[A, frozenset[A]] = {
    A.SUBMITTED: frozenset({A.UNDER_REVIEW, A.UPHELD, A.OVERTURNED, A.WITHDRAWN}),
    A.UNDER_REVIEW: frozenset({A.UPHELD, A.OVERTURNED, A.WITHDRAWN}),
    A.UPHELD: frozenset(),
    A.OVERTURNED: frozenset(),
    A.WITHDRAWN: frozenset(),
}


def move_claim(current: C | str, requested: C | str) -> C:
    """The claim's next status, or IllegalTransition naming both states."""
    current, requested = C(current), C(requested)
    if requested not in CLAIM_TRANSITIONS[current]:
        raise IllegalTransition("claim", current, requested)
    return requested


def move_appeal(current: A | str, requested: A | str) -> A:
    current, requested = A(current), A(requested)
    if requested not in APPEAL_TRANSITIONS[current]:
        raise IllegalTransition("appeal", current, requested)
    return requested
