"""The inputs of the admin mutations, in one place: provider directory inputs
(graph/admin/provider_inputs.py), employer and account inputs (graph/admin/account_inputs.py)
and what they share (graph/admin/values.py). On update inputs a field left out is left
unchanged; a field sent as null is cleared (where the record allows it)."""

from __future__ import annotations

from graph.admin.account_inputs import (
    ChangeUserRoleInput,
    CreateEmployerInput,
    CreateUserInput,
    UpdateEmployerInput,
)
from graph.admin.provider_inputs import (
    PROVIDER_COLUMNS,
    AddCredentialInput,
    CreateContractInput,
    CreateProviderInput,
    FeeScheduleItemInput,
    UpdateProviderInput,
)
from graph.admin.values import UNSET, camel, given

__all__ = [
    "PROVIDER_COLUMNS",
    "UNSET",
    "AddCredentialInput",
    "ChangeUserRoleInput",
    "CreateContractInput",
    "CreateEmployerInput",
    "CreateProviderInput",
    "CreateUserInput",
    "FeeScheduleItemInput",
    "UpdateEmployerInput",
    "UpdateProviderInput",
    "camel",
    "given",
]
