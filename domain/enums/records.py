"""The closed vocabularies of notifications, the audit's purposes of use, validation runs
and code systems."""

from enum import StrEnum


class NotificationCategory(StrEnum):
    """What an in-app message to a user is about."""

    CLAIM_UPDATE = "claim_update"
    APPEAL_UPDATE = "appeal_update"
    PAYMENT = "payment"
    POLICY_UPDATE = "policy_update"
    SECURITY = "security"
    GENERAL = "general"


class NotificationStatus(StrEnum):
    """Whether an in-app message has been delivered and read."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    READ = "read"


class PurposeOfUse(StrEnum):
    """Why a request touches member data (X-Purpose-Of-Use); written to every audit row."""

    TREATMENT = "TREATMENT"
    PAYMENT = "PAYMENT"
    OPERATIONS = "OPERATIONS"
    OVERSIGHT = "OVERSIGHT"
    PATIENT_REQUEST = "PATIENT_REQUEST"
    EMERGENCY = "EMERGENCY"


class Severity(StrEnum):
    """How serious a validation finding is."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class ValidationRunStatus(StrEnum):
    """Where a validation run over an uploaded billing file stands."""

    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"


class ValidationRunFormat(StrEnum):
    """The format of an uploaded billing file."""

    CSV = "csv"
    X12_837P = "x12_837p"


class CodeSystem(StrEnum):
    """The coding system a procedure code belongs to."""

    CPT = "CPT"
    HCPCS = "HCPCS"
