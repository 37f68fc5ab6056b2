"""The admin mutations (ACCESS.md, Writes: providers, credentials, contracts, employers and
users are admins' alone), composed for the root Mutation. Each asks the policy, runs the
domain's rules and writes its rows, outbox event and audit row in one transaction."""

from __future__ import annotations

import strawberry

from graph.admin.accounts import AccountAdminMutations
from graph.admin.contracts import ContractAdminMutations
from graph.admin.providers import ProviderAdminMutations


@strawberry.type
class AdminMutations(ProviderAdminMutations, ContractAdminMutations, AccountAdminMutations):
    """Directory, contract and account administration."""
