"""A policy kept up to date: its mid-year terms changed (updatePolicy) and its renewal into
a new plan year (renewPolicy); admins, and the member's employer for its own employees.

The rules are domain/policy_terms.py; each write goes with its `enrollment.changed` event and
an audit row with the old and new values (a policy's terms are business data, not PHI)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from db import policy_maintenance as pdb
from domain import policy_terms
from domain.errors import DomainError
from graph.context import Info
from graph.guard import require
from graph.lookup import by_global_id
from graph.member.enrolment import announce, subscriber
from graph.member.inputs import sent
from graph.policy.coverage import stored
from graph.policy.inputs import UPDATE_FIELDS, UpdatePolicyInput
from graph.policy.renewal import PolicyRenewalMutations, audit_value
from graph.policy.types import Policy
from graph.results import InvalidInput, RecordChanged, changed, invalid
from graph.rows import build
from policies import resources as res


@strawberry.type(description="The policy with its new terms.")
class PolicyUpdated:
    policy: Policy = strawberry.field(description="The policy as saved, its version one up.")
    changed_fields: list[str] = strawberry.field(
        description="The input fields whose values changed; empty when nothing did (the "
        "version then stays as it was)."
    )
    event_sequence: int | None = strawberry.field(
        description="The outbox cursor of this change (an enrollment.changed event); null "
        "when nothing changed."
    )


UpdatePolicyResult = Annotated[
    PolicyUpdated | InvalidInput | RecordChanged, strawberry.union("UpdatePolicyResult")
]

_INPUT_NAME = policy_terms.CHANGEABLE | policy_terms.FIXED_FOR_PLAN_YEAR | {
    "coverage_details": "coverageDetails", "exclusions": "exclusions",
    "network_restrictions": "networkRestrictions"}  # fmt: skip


@strawberry.type
class PolicyMaintenanceMutations(PolicyRenewalMutations):
    @strawberry.mutation(
        description="Change an active policy's terms mid-year (admins; an employer for its own "
        "employees): copays, premium and contributions, renewal date. Deductibles, "
        "out-of-pocket maxima and coinsurance are fixed for the plan year; renewPolicy "
        "changes them. Claims adjudicated after the change are priced with the new copays."
    )
    async def update_policy(
        self,
        info: Info,
        policy_id: Annotated[
            strawberry.ID, strawberry.argument(description="The active policy to change.")
        ],
        version: Annotated[
            int,
            strawberry.argument(
                description="The policy's version as you read it (Policy.version); a policy "
                "changed since answers RecordChanged."
            ),
        ],
        input: Annotated[
            UpdatePolicyInput, strawberry.argument(description="The terms to change.")
        ],
    ) -> UpdatePolicyResult:
        ctx = info.context
        p = (await by_global_id(info, policy_id, expected="Policy"))._row
        holder = await subscriber(info, p["member_id"])
        require(info, "update", res.Policy(**p), related=(holder,))
        given = sent(input, UPDATE_FIELDS)
        try:
            policy_terms.check_changeable(p["status"])
            policy_terms.refuse_plan_year_limits(given, dict(p))
            values = policy_terms.changed_terms(
                given, dict(p), has_employer=holder.employer_id is not None
            )
            values |= {c: v for c, v in stored(given).items() if v != p[c]}
        except DomainError as exc:
            return invalid(exc)
        if p["version"] != version:
            return changed(p["version"], "policy")
        if not values:
            return PolicyUpdated(policy=build(Policy, p), changed_fields=[], event_sequence=None)
        async with ctx.unit_of_work() as db:
            saved = await pdb.update_terms(db, policy_id=p["id"], version=version, values=values)
            if saved is None:
                return changed(await pdb.version_of(db, p["id"]), "policy")
            columns = sorted(values)
            sequence = await announce(
                db, ctx, change="policy_updated", action="update_policy",
                resource=("Policy", p["id"]), member_id=p["member_id"],
                employer_id=holder.employer_id, policy_id=p["id"], fields=columns,
                old_values={c: audit_value(p[c]) for c in columns},
                new_values={c: audit_value(saved[c]) for c in columns},
            )  # fmt: skip
        return PolicyUpdated(
            policy=build(Policy, saved),
            changed_fields=[_INPUT_NAME[c] for c in columns],
            event_sequence=sequence,
        )
