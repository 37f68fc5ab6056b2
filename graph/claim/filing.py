"""What filing a claim takes and answers: the claim as a provider bills it (lines and
documents), each validation finding, and the results of submitClaim and validateClaim."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.file_uploads import Upload

from domain import validation as v
from graph import enums
from graph.claim.types import Claim
from graph.results import InvalidInput


@strawberry.input(description="One service line: a CPT/HCPCS code, its charge and units.")
class ClaimLineInput:
    procedure_code: str = strawberry.field(
        description="A CPT code (five characters) or a HCPCS Level II code (a letter and four "
        "digits)."
    )
    charge_amount: Decimal = strawberry.field(description="Two decimal places, above zero.")
    units: int = strawberry.field(
        default=1,
        description="How many units of the service, 1 or more (at most 999 unless the plan "
        "changed the rule).",
    )
    modifiers: list[str] = strawberry.field(
        default_factory=list,
        description="Up to four two-character procedure modifiers, e.g. 95 for telehealth.",
    )
    diagnosis_pointers: list[int] = strawberry.field(
        default_factory=list, description="1-based positions in diagnosisCodes (at most 4)."
    )
    service_date: date | None = strawberry.field(
        default=None, description="When the line's date differs from the claim's."
    )
    drug_tier: enums.DrugTier | None = strawberry.field(  # type: ignore[valid-type]
        default=None,
        description="On a pharmacy claim, the drug's formulary tier: the line then costs the "
        "member the policy's prescription copay for that tier, without deductible. Only on "
        "pharmacy claims.",
    )


@strawberry.input(description="A document sent with the claim (multipart upload).")
class ClaimDocumentInput:
    file: Upload = strawberry.field(
        description="The file: a PDF, PNG, JPEG or TIFF (known by its bytes, not its name), "
        "at most MAX_DOCUMENT_BYTES (10 MiB unless configured). It is stored encrypted."
    )
    document_type: enums.DocumentType = strawberry.field(  # type: ignore[valid-type]
        default=enums.DocumentType.OTHER,  # type: ignore[attr-defined]
        description="What the document is, such as a bill, an EOB or a medical record "
        "(OTHER unless told).",
    )


@strawberry.input(
    description="A claim as a provider bills it. The patient is identified as on the "
    "insurance card: the member number and the patient's date of birth (and first name "
    "when two people under the number share a birthday)."
)
class SubmitClaimInput:
    member_number: str = strawberry.field(
        description="The member number on the insurance card: the subscriber's, also when "
        "the patient is a dependent."
    )
    patient_date_of_birth: date = strawberry.field(
        description="The patient's date of birth; with the member number it finds the member "
        "or dependent the claim is for."
    )
    patient_first_name: str | None = strawberry.field(
        default=None,
        description="The patient's first name: needed when two people under the member "
        "number share a birth date; when given, it must match.",
    )
    provider_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Admins name the billing provider. Provider staff always bill as their "
        "own organisation: whatever this names is ignored.",
    )
    claim_type: enums.ClaimType = strawberry.field(  # type: ignore[valid-type]
        default=enums.ClaimType.MEDICAL,  # type: ignore[attr-defined]
        description="The kind of care billed (MEDICAL unless told); MENTAL_HEALTH marks the "
        "claim sensitive.",
    )
    place_of_service: str | None = strawberry.field(
        default=None, description="CMS place-of-service code, e.g. 11 (office)."
    )
    service_date: date = strawberry.field(
        description="The day the care was given: not in the future, and within the "
        "timely-filing limit (365 days unless the plan changed the rule)."
    )
    diagnosis_codes: list[str] = strawberry.field(description="ICD-10-CM, most relevant first.")
    lines: list[ClaimLineInput] = strawberry.field(
        description="The service lines, one per procedure: at least one, at most 50 unless "
        "the plan changed the rule."
    )
    documents: list[ClaimDocumentInput] | None = strawberry.field(
        default=None,
        description="Documents sent with the claim as multipart uploads, at most 10.",
    )
    notes: str | None = strawberry.field(
        default=None,
        description="Free-text notes for the plan's claims staff, kept as the claim's notes.",
    )


@strawberry.enum(description="How much a validation finding weighs.")
class FindingSeverity(Enum):
    ERROR = strawberry.enum_value(
        "error", description="Refuses the claim: nothing is filed until it is fixed."
    )
    WARNING = strawberry.enum_value(
        "warning",
        description="Kept on the claim; it may send the claim to manual review or mark it a "
        "duplicate.",
    )
    INFO = strawberry.enum_value("info", description="For information; kept on the claim.")


@strawberry.type(description="What one validation rule found, and the input it points at.")
class ValidationFinding:
    rule: str = strawberry.field(
        description="The name of the rule that found it, e.g. timely_filing (see validationRules)."
    )
    severity: FindingSeverity = strawberry.field(
        description="ERROR refuses the claim; WARNING and INFO are kept on it."
    )
    message: str = strawberry.field(
        description="What is wrong and how to fix it, in words for the biller. It calls people "
        "'the patient' or 'the member': never a name, birth date or member number."
    )
    field: str | None = strawberry.field(
        description="The input at fault, as a path in SubmitClaimInput (e.g. "
        "`lines[0].chargeAmount`, counted from 0); null when the finding is about the claim "
        "as a whole."
    )

    @classmethod
    def of(cls, finding: v.Finding) -> ValidationFinding:
        return cls(
            rule=finding.rule,
            severity=FindingSeverity(finding.severity.value),
            message=finding.message,
            field=finding.field,
        )


@strawberry.type(description="The claim as filed, with the warnings kept on it.")
class ClaimSubmitted:
    claim: Claim = strawberry.field(
        description="The claim as filed: SUBMITTED, numbered and triaged, at version 1."
    )
    findings: list[ValidationFinding] = strawberry.field(
        description="The warnings and notes kept on the claim (its validationWarnings); "
        "never an error."
    )
    event_sequence: int = strawberry.field(
        description="The sequence number of the submission's event; pass it as `after` to "
        "claimStatusChanged to hear only of what happens next."
    )


@strawberry.type(description="Validation found errors: nothing was saved. Fix and resubmit.")
class ClaimRefused:
    code: str = strawberry.field(description="Always BAD_USER_INPUT.")
    message: str = strawberry.field(
        description="How many problems kept the claim out, in plain words."
    )
    findings: list[ValidationFinding] = strawberry.field(
        description="Every finding, in rule order: the errors to fix, and the warnings and "
        "notes that would be kept."
    )


@strawberry.type(description="A dry run: what submitting this claim would find. Nothing saved.")
class ClaimValidation:
    valid: bool = strawberry.field(
        description="True when submitClaim would file it: no finding is an ERROR."
    )
    findings: list[ValidationFinding] = strawberry.field(
        description="Every finding submitClaim would give, in rule order."
    )
    priority: enums.Priority | None = strawberry.field(  # type: ignore[valid-type]
        description="The payer-queue priority triage would give the claim."
    )


SubmitClaimResult = Annotated[
    ClaimSubmitted | ClaimRefused | InvalidInput, strawberry.union("SubmitClaimResult")
]
ValidateClaimResult = Annotated[
    ClaimValidation | InvalidInput, strawberry.union("ValidateClaimResult")
]
