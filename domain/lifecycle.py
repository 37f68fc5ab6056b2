"""The claim, appeal and member lifecycles as explicit transition tables (DOMAIN.md)."""

from __future__ import annotations

from domain.enums import AppealStatus as A
from domain.enums import ClaimStatus as C
from domain.enums import MemberStatus as M
from domain.errors import IllegalTransition

# The provider may correct (replace) or void a claim at any step but one: while it is
# appealed, the appeal decides the claim, so it must end first (decided or withdrawn).
_CORRECTED = frozenset({C.REPLACED, C.VOIDED})

CLAIM_TRANSITIONS: dict[C, frozenset[C]] = {
    # adjudication may start straight from submitted
    C.SUBMITTED: frozenset({C.UNDER_REVIEW, C.APPROVED, C.PARTIALLY_APPROVED, C.DENIED})
    | _CORRECTED,
    C.UNDER_REVIEW: frozenset({C.APPROVED, C.PARTIALLY_APPROVED, C.DENIED}) | _CORRECTED,
    C.APPROVED: frozenset({C.PAID}) | _CORRECTED,
    C.PARTIALLY_APPROVED: frozenset({C.PAID, C.APPEALED}) | _CORRECTED,
    C.DENIED: frozenset({C.APPEALED}) | _CORRECTED,
    # a decided appeal: overturned -> re-adjudicated; upheld -> stays denied
    C.APPEALED: frozenset({C.APPROVED, C.PARTIALLY_APPROVED, C.DENIED}),
    C.PAID: _CORRECTED,
    C.REPLACED: frozenset(),
    C.VOIDED: frozenset(),
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


MEMBER_TRANSITIONS: dict[M, frozenset[M]] = {
    M.ACTIVE: frozenset({M.SUSPENDED, M.TERMINATED}),
    # reinstated (the premium paid within the grace period), or terminated while suspended
    M.SUSPENDED: frozenset({M.ACTIVE, M.TERMINATED}),
    # reinstated: a termination reversed (entered in error, or rescinded by the employer)
    M.TERMINATED: frozenset({M.ACTIVE}),
    # a status of the source systems no mutation sets or leaves
    M.INACTIVE: frozenset(),
}


def move_member(current: M | str, requested: M | str) -> M:
    """The member's next status, or IllegalTransition naming both states."""
    current, requested = M(current), M(requested)
    if requested not in MEMBER_TRANSITIONS[current]:
        raise IllegalTransition("member", current, requested)
    return requested
