"""What a claim is made of and what happened to it: its service lines and its timeline."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import strawberry
from strawberry.scalars import JSON

from graph import enums
from graph.claim.actors import acted_by
from graph.fields import BUSINESS, PHI, Classified, classified
from policies.resources import FieldView


@strawberry.type(description="One procedure on a claim.")
class ClaimLine(Classified):
    db_id: strawberry.Private[Any]
    _row: strawberry.Private[Any]
    _decisions: strawberry.Private[Any] = None

    line_number = classified(
        "line_number",
        BUSINESS,
        "business",
        int,
        description="The line's place on the claim, from 1; a partial approval's coveredLines "
        "names lines by it.",
    )
    procedure_code = classified(
        "procedure_code",
        PHI,
        "clinical",
        str,
        description="The service billed: a CPT code (five characters) or a HCPCS Level II "
        "code (a letter and four digits; dental CDT codes are D-codes), upper case.",
    )
    modifiers = classified(
        "modifiers",
        PHI,
        "clinical",
        list[str],
        description="Up to four two-character procedure modifiers, upper case, e.g. 95 "
        "(telehealth); empty when none were billed.",
    )
    units = classified(
        "units",
        BUSINESS,
        "business",
        int,
        description="How many units of the service were billed, 1 or more.",
    )
    charge_amount = classified(
        "charge_amount",
        BUSINESS,
        "business",
        Decimal,
        description="What the provider charged for the line, all units together, in US "
        "dollars; the claim's billed amount is the sum of these.",
    )
    allowed_amount = classified(
        "allowed_amount",
        BUSINESS,
        "business",
        Decimal,
        description="What the plan allows for the line, in US dollars: in network the "
        "contract's fee times the units (at most the charge), out of network the plan's "
        "percentage of the charge; 0 on a line a partial approval leaves out. Null until the "
        "claim is approved or partially approved: a denial sets no line amounts.",
    )
    paid_amount = classified(
        "paid_amount",
        BUSINESS,
        "business",
        Decimal,
        description="The plan's payment for the line, in US dollars: the claim's paid amount "
        "spread over the lines in proportion to their allowed amounts. Null when "
        "allowedAmount is.",
    )
    diagnosis_pointers = classified(
        "diagnosis_pointers",
        PHI,
        "clinical",
        list[int],
        description="Which of the claim's diagnosisCodes this line treats: positions counted "
        "from 1, at most four, most relevant first.",
    )
    service_date = classified(
        "service_date",
        BUSINESS,
        "record_date",
        date,
        description="The day this line's service was given: the claim's service date unless "
        "the line was billed with its own.",
    )

    drug_tier = classified(
        "drug_tier",
        PHI,
        "clinical",
        enums.DrugTier,
        description="On a pharmacy claim, the drug's formulary tier, which picks the "
        "prescription copay; null on other claims and on pharmacy lines billed without one "
        "(those take the deductible and coinsurance).",
    )

    @staticmethod
    def field_view(principal, row, today) -> FieldView:
        return FieldView(type="ClaimLine")

    def audit_key(self):
        return "ClaimLine", self._row["id"], None, None


@strawberry.type(description="One step of a claim's timeline.")
class ClaimEvent(Classified):
    db_id: strawberry.Private[Any]
    _row: strawberry.Private[Any]
    _decisions: strawberry.Private[Any] = None

    action = classified(
        "action",
        BUSINESS,
        "business",
        str,
        description="What happened: submitted, review_started, adjudicated, paid, "
        "appeal_filed, appeal_decided, appeal_withdrawn, replaced (a corrected claim took "
        "its place) or voided.",
    )
    old_status = classified(
        "old_status",
        BUSINESS,
        "business",
        str,
        description="The claim's status before the step, spelled as stored, in lower case "
        "(e.g. under_review, not UNDER_REVIEW); null for the submission.",
    )
    new_status = classified(
        "new_status",
        BUSINESS,
        "business",
        str,
        description="The claim's status after the step, in lower case as stored. An "
        "overturned appeal leaves it appealed until the claim is adjudicated again.",
    )
    details = classified(
        "details",
        BUSINESS,
        "narrative",
        JSON,
        description="More about the step, as a JSON object, or null: on submission the "
        "triage priority, confidence and reasons and the number of documents (and, for a "
        "corrected claim, `replaces`: the prior claim's number); on adjudication the decision "
        "and denial code; on an overturned appeal the outcome; on replaced the corrected "
        "claim's number (`replaced_by`) and the reason given; on voided the reason and the "
        "sum recouped.",
    )
    created_at = classified(
        "created_at",
        BUSINESS,
        "record_date",
        datetime,
        description="When the step happened; the timeline is in this order.",
    )

    actor = acted_by(
        "actor_id",
        "Who took the step: provider staff, a claims adjudicator, plan staff, or the member "
        "or provider who appealed; null for steps of no one's (loaded from a source system).",
    )

    @staticmethod
    def field_view(principal, row, today) -> FieldView:
        return FieldView(type="ClaimEvent")
