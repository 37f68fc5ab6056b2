"""Row scope per role, the interim rule until the Polar policy decides (issue 3).

Every role sees only what it plainly owns; types a role has no plain claim to are
`Nothing`. This module is the single place the rule lives: graph/ and db/ only ask it.
"""

from __future__ import annotations

from domain.access import (
    AllOf,
    AnyOf,
    Compare,
    Everything,
    Nothing,
    Principal,
    Related,
    RowFilter,
    eq,
)
from domain.enums import Role

RESOURCES = (
    "member",
    "dependent",
    "policy",
    "claim",
    "appeal",
    "payment",
    "provider",
    "credential",
    "contract",
    "employer",
    "user",
    "claim_line",
    "claim_event",
    "fee_schedule_item",
)

# Parts of a record are visible exactly when the record is.
_PARTS = {"claim_line": "claim", "claim_event": "claim", "fee_schedule_item": "contract"}


def row_filter(principal: Principal, resource: str) -> RowFilter:
    """Which rows of `resource` the principal may read."""
    if resource not in RESOURCES:
        raise ValueError(f"unknown resource type {resource!r}")
    if resource in _PARTS:
        parent = _PARTS[resource]
        return Related(parent, row_filter(principal, parent))
    rules = _RULES.get(principal.role)
    if rules is None:
        return Nothing()
    return rules(principal, resource)


def _staff(p: Principal, resource: str) -> RowFilter:
    # Plan staff with a claim to every record (admins, adjudicators).
    return Everything()


def _member(p: Principal, r: str) -> RowFilter:
    claims = _subscriber_claims(p)
    return {
        "member": eq("id", p.member_id),
        "dependent": eq("member_id", p.member_id),
        "policy": eq("member_id", p.member_id),
        "claim": claims,
        "appeal": Related("claim", claims),
        "payment": Related("claim", claims),
        "provider": Everything(),
        "employer": eq("id", p.employer_id) if p.employer_id else Nothing(),
        "user": eq("id", p.user_id),
    }.get(r, Nothing())


def _subscriber_claims(p: Principal) -> RowFilter:
    # The subscriber's own care only: dependents' claims wait for the consent rules (issue 3).
    return AllOf((eq("member_id", p.member_id), Compare("dependent_id", "is_null")))


def _dependent(p: Principal, r: str) -> RowFilter:
    own_claims = eq("dependent_id", p.dependent_id)
    return {
        "dependent": eq("id", p.dependent_id),
        "policy": Related("member", Related("dependents", eq("id", p.dependent_id))),
        "claim": own_claims,
        "appeal": Related("claim", own_claims),
        "payment": Related("claim", own_claims),
        "provider": Everything(),
        "user": eq("id", p.user_id),
    }.get(r, Nothing())


def _provider(p: Principal, r: str) -> RowFilter:
    # Staff of a group see what each of its practitioners may see (ACCESS.md, Principals).
    organisation = AnyOf((eq("id", p.provider_id), eq("parent_id", p.provider_id)))
    its_claims = Related("provider", organisation)
    return {
        "provider": Everything(),
        "credential": Related("provider", organisation),
        "contract": Related("provider", organisation),
        "claim": its_claims,
        "appeal": Related("claim", its_claims),
        "payment": Related("claim", its_claims),
        "member": Related("claims", its_claims),
        "dependent": Related("claims", its_claims),
        "user": eq("id", p.user_id),
    }.get(r, Nothing())


def _employer(p: Principal, r: str) -> RowFilter:
    employees = eq("employer_id", p.employer_id)
    return {
        "employer": eq("id", p.employer_id),
        "member": employees,
        "dependent": Related("member", employees),
        "policy": Related("member", employees),
        "provider": Everything(),
        "user": eq("id", p.user_id),
    }.get(r, Nothing())


def _regulator(p: Principal, r: str) -> RowFilter:
    # Member-level records wait for de-identification (issue 3); until then none are shown.
    in_state = eq("state", p.jurisdiction)
    return {
        "provider": in_state,
        "credential": Related("provider", in_state),
        "contract": Related("provider", in_state),
        "employer": in_state,
        "user": eq("id", p.user_id),
    }.get(r, Nothing())


def _self_only(p: Principal, r: str) -> RowFilter:
    return eq("id", p.user_id) if r == "user" else Nothing()


_RULES = {
    Role.ADMIN: _staff,
    Role.ADJUDICATOR: _staff,
    Role.MEMBER: _member,
    Role.DEPENDENT: _dependent,
    Role.PROVIDER: _provider,
    Role.EMPLOYER: _employer,
    Role.REGULATOR: _regulator,
    Role.AUDITOR: _self_only,
}
