"""The closed vocabularies of the data model: payments."""

from enum import StrEnum


class PayerType(StrEnum):
    """Who a payment comes from."""

    MEMBER = "member"
    EMPLOYER = "employer"
    PROVIDER = "provider"
    SYSTEM = "system"


class PayeeType(StrEnum):
    """Who a payment goes to."""

    MEMBER = "member"
    PROVIDER = "provider"
    SYSTEM = "system"


class PaymentType(StrEnum):
    """What a payment is for."""

    PREMIUM = "premium"
    CLAIM_REIMBURSEMENT = "claim_reimbursement"
    COPAY = "copay"
    DEDUCTIBLE = "deductible"
    REFUND = "refund"


class PaymentMethod(StrEnum):
    """How money was moved."""

    CREDIT_CARD = "credit_card"
    DEBIT_CARD = "debit_card"
    ACH = "ach"
    CHECK = "check"
    WIRE = "wire"
    EFT = "eft"


class PaymentStatus(StrEnum):
    """Where a payment stands."""

    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"
    REFUNDED = "refunded"
    CANCELLED = "cancelled"
