"""What the values of the validation, reference-code and notification enums mean."""

from domain.enum_meanings.base import Meanings
from domain.enums import (
    CodeSystem,
    NotificationCategory,
    NotificationStatus,
    Severity,
    ValidationRunFormat,
    ValidationRunStatus,
)

MEANINGS: Meanings = {
    Severity: {
        Severity.ERROR: "A claim with one is refused: submitClaim saves nothing until it is fixed.",
        Severity.WARNING: "Worth a look, but no refusal: kept on the claim as filed.",
        Severity.INFO: "For information only; kept on the claim as filed.",
    },
    ValidationRunStatus: {
        ValidationRunStatus.PENDING: "Uploaded, waiting for a worker to take it.",
        ValidationRunStatus.PROCESSING: "Being checked; its progress says how far. If its "
        "worker stops, the run goes back to pending while attempts remain.",
        ValidationRunStatus.COMPLETED: "Every row checked and the findings ready; the uploaded "
        "file is deleted.",
        ValidationRunStatus.FAILED: "Could not finish; the failure reason says why. The "
        "uploaded file is deleted.",
    },
    ValidationRunFormat: {
        ValidationRunFormat.CSV: "Comma-separated values: a header row, then one service line "
        "per row; rows with the same claim id form one claim.",
        ValidationRunFormat.X12_837P: "An X12 837 professional claim file (005010X222A1).",
    },
    CodeSystem: {
        CodeSystem.CPT: "Current Procedural Terminology (American Medical Association): "
        "licensed, so no CPT descriptor is shipped and CPT codes are checked by format.",
        CodeSystem.HCPCS: "HCPCS Level II: a letter and four digits, for ambulance, equipment, "
        "drugs and other items CPT does not list; a subset ships with short descriptions.",
    },
    NotificationCategory: {
        NotificationCategory.CLAIM_UPDATE: "About a claim, such as its decision.",
        NotificationCategory.APPEAL_UPDATE: "About an appeal, such as its decision.",
        NotificationCategory.PAYMENT: "About a payment made or due.",
        NotificationCategory.POLICY_UPDATE: "About a policy or its coverage.",
        NotificationCategory.SECURITY: "About the account's security, such as a sign-in or a "
        "password change.",
        NotificationCategory.GENERAL: "Anything else.",
    },
    NotificationStatus: {
        NotificationStatus.PENDING: "Created, not yet delivered.",
        NotificationStatus.SENT: "Delivered, not yet read.",
        NotificationStatus.FAILED: "Could not be delivered.",
        NotificationStatus.READ: "Read by the user; the read time is recorded.",
    },
}
