"""What the appellant sends after filing: information added to an open appeal."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import strawberry

from db import workflows as wf
from domain import appeals as rules
from domain.errors import DomainError, IllegalTransition
from graph.claim.payloads import AddAppealInformationResult, AppealInformationAdded
from graph.claim.types import Appeal
from graph.context import Info
from graph.guard import require
from graph.lookup import by_global_id
from graph.results import changed, illegal, invalid
from graph.rows import build
from policies import resources as res


@strawberry.type
class AppealInformationMutations:
    @strawberry.mutation(
        description="Add information to an appeal while it is open (SUBMITTED or UNDER_REVIEW): "
        "appended to its additionalInformation under the time it came in, never replacing "
        "what is there. For whoever filed the appeal, and for plan staff recording what "
        "reached the plan by mail, fax or phone."
    )
    async def add_appeal_information(
        self,
        info: Info,
        appeal_id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The appeal (an Appeal id): one you filed, still open."
            ),
        ],
        information: Annotated[
            str,
            strawberry.argument(
                description="What you add, in your own words, up to 4,000 characters; required."
            ),
        ],
    ) -> AddAppealInformationResult:
        appeal = await by_global_id(info, appeal_id, expected="Appeal")
        a = appeal._row
        require(info, "add_information", res.Appeal(**a))
        ctx = info.context
        try:
            combined = rules.add_information(
                a["additional_information"], information, status=a["status"],
                at=datetime.now(UTC), field="information",
            )  # fmt: skip
        except IllegalTransition as exc:
            return illegal(exc)
        except DomainError as exc:
            return invalid(exc)
        async with ctx.unit_of_work() as db:
            updated = await wf.update_appeal(
                db, appeal_id=a["id"], version=a["version"],
                values={"additional_information": combined},
            )  # fmt: skip
            if updated is None:  # decided, withdrawn or added to since it was read
                return changed(None, "appeal")
            claim = await wf.claim_row(db, a["claim_id"])
            await wf.publish(db, topic="appeal.information_added", payload={
                "appeal_id": str(a["id"]), "claim_id": str(a["claim_id"]),
            })  # fmt: skip
            ctx.audit.event(
                "add_appeal_information", "Appeal", a["id"],
                subject_member_id=claim["member_id"], subject_dependent_id=claim["dependent_id"],
                fields=["additional_information"],
            )  # fmt: skip
        return AppealInformationAdded(appeal=build(Appeal, updated))
