"""Single lookups by global id, shared by the typed lookups and node(id:)."""

from __future__ import annotations

from typing import Any

from graph import loaders as ld
from graph.context import Info
from graph.errors import NotFound
from graph.relay import from_global_id
from graph.rows import build


def _registry() -> dict[str, tuple[type, type]]:
    from graph.claim.types import Appeal, Claim, Payment
    from graph.employer.types import Employer
    from graph.member.types import Dependent, Member
    from graph.policy.types import Policy
    from graph.provider.types import Contract, Credential, Provider
    from graph.user.types import User
    from graph.validation.types import ValidationRule, ValidationRun

    return {
        "Member": (Member, ld.MemberByIdLoader),
        "Dependent": (Dependent, ld.DependentByIdLoader),
        "Policy": (Policy, ld.PolicyByIdLoader),
        "Claim": (Claim, ld.ClaimByIdLoader),
        "Appeal": (Appeal, ld.AppealByIdLoader),
        "Payment": (Payment, ld.PaymentByIdLoader),
        "Provider": (Provider, ld.ProviderByIdLoader),
        "Credential": (Credential, ld.CredentialByIdLoader),
        "Contract": (Contract, ld.ContractByIdLoader),
        "Employer": (Employer, ld.EmployerByIdLoader),
        "User": (User, ld.UserByIdLoader),
        "ValidationRule": (ValidationRule, ld.ValidationRuleByIdLoader),
        "ValidationRun": (ValidationRun, ld.ValidationRunByIdLoader),
    }


_TYPES: dict[str, tuple[type, type]] = {}


def types() -> dict[str, tuple[type, type]]:
    if not _TYPES:
        _TYPES.update(_registry())
    return _TYPES


async def by_global_id(info: Info, global_id: str, *, expected: str | None = None) -> Any:
    """The visible object with this id; NOT_FOUND alike for missing and invisible rows."""
    type_name, db_id = from_global_id(global_id, expected=expected)
    entry = types().get(type_name)
    if entry is None:
        info.context.audit.event("lookup_not_found", type_name[:64], None,
                                 success=False, error="NOT_FOUND")  # fmt: skip
        raise NotFound("object")
    cls, loader = entry
    row = await info.context.loader(loader).load(db_id)
    if row is None:
        # a lookup of a row that is missing or invisible is audited (it may be a probe);
        # the client hears the same words either way
        info.context.audit.event("lookup_not_found", type_name, db_id,
                                 success=False, error="NOT_FOUND")  # fmt: skip
        raise NotFound(type_name.lower())
    return build(cls, row)
