"""The closed vocabularies of the data model: one place, used by tables, schema and rules."""

from enum import StrEnum


class Role(StrEnum):
    MEMBER = "member"
    DEPENDENT = "dependent"
    PROVIDER = "provider"
    ADJUDICATOR = "adjudicator"
    EMPLOYER = "employer"
    REGULATOR = "regulator"
    AUDITOR = "auditor"
    ADMIN = "admin"


class UserStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    SUSPENDED = "suspended"


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"
    OTHER = "other"
    PREFER_NOT_TO_SAY = "prefer_not_to_say"


class MemberStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    SUSPENDED = "suspended"
    TERMINATED = "terminated"


class Relationship(StrEnum):
    SPOUSE = "spouse"
    CHILD = "child"
    DOMESTIC_PARTNER = "domestic_partner"
    OTHER = "other"


class DependentStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    AGED_OUT = "aged_out"


class PlanType(StrEnum):
    HMO = "HMO"
    PPO = "PPO"
    EPO = "EPO"
    POS = "POS"
    HDHP = "HDHP"


class CoverageLevel(StrEnum):
    INDIVIDUAL = "individual"
    INDIVIDUAL_SPOUSE = "individual_spouse"
    INDIVIDUAL_CHILDREN = "individual_children"
    FAMILY = "family"


class PolicyStatus(StrEnum):
    ACTIVE = "active"
    PENDING = "pending"
    TERMINATED = "terminated"
    EXPIRED = "expired"


class ProviderType(StrEnum):
    INDIVIDUAL = "individual"
    FACILITY = "facility"
    GROUP = "group"


class NetworkStatus(StrEnum):
    IN_NETWORK = "in_network"
    OUT_OF_NETWORK = "out_of_network"
    PENDING = "pending"


class ProviderStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    SUSPENDED = "suspended"


class CredentialType(StrEnum):
    MEDICAL_LICENSE = "medical_license"
    BOARD_CERTIFICATION = "board_certification"
    DEA = "dea"
    MALPRACTICE_INSURANCE = "malpractice_insurance"
    HOSPITAL_PRIVILEGES = "hospital_privileges"


class CredentialStatus(StrEnum):
    VERIFIED = "verified"
    PENDING = "pending"
    EXPIRED = "expired"
    REVOKED = "revoked"


class ContractType(StrEnum):
    INDIVIDUAL = "individual"
    GROUP = "group"
    FACILITY = "facility"


class ContractStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    EXPIRED = "expired"
    TERMINATED = "terminated"


class ReimbursementMethod(StrEnum):
    FEE_FOR_SERVICE = "fee_for_service"
    CAPITATION = "capitation"
    BUNDLED = "bundled"
    VALUE_BASED = "value_based"


class EmployerStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    SUSPENDED = "suspended"


class BillingCycle(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    ANNUALLY = "annually"


class EmployerPaymentMethod(StrEnum):
    ACH = "ach"
    WIRE = "wire"
    CHECK = "check"
    CREDIT_CARD = "credit_card"


class ClaimType(StrEnum):
    MEDICAL = "medical"
    DENTAL = "dental"
    VISION = "vision"
    PHARMACY = "pharmacy"
    MENTAL_HEALTH = "mental_health"


class ClaimStatus(StrEnum):
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    APPROVED = "approved"
    PARTIALLY_APPROVED = "partially_approved"
    DENIED = "denied"
    APPEALED = "appealed"
    PAID = "paid"


OPEN_CLAIM_STATUSES = (ClaimStatus.SUBMITTED, ClaimStatus.UNDER_REVIEW)


class Priority(StrEnum):
    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


# Queue order: urgent first; the rank is stored so an index can serve the queue.
PRIORITY_RANK = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3}


class DocumentType(StrEnum):
    BILL = "bill"
    EOB = "eob"
    MEDICAL_RECORD = "medical_record"
    PRESCRIPTION = "prescription"
    REFERRAL = "referral"
    OTHER = "other"


class AppealStatus(StrEnum):
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    UPHELD = "upheld"
    OVERTURNED = "overturned"
    WITHDRAWN = "withdrawn"


OPEN_APPEAL_STATUSES = (AppealStatus.SUBMITTED, AppealStatus.UNDER_REVIEW)


class AppealUrgency(StrEnum):
    URGENT = "urgent"
    PRE_SERVICE = "pre_service"
    POST_SERVICE = "post_service"


class PayerType(StrEnum):
    MEMBER = "member"
    EMPLOYER = "employer"
    PROVIDER = "provider"
    SYSTEM = "system"


class PayeeType(StrEnum):
    MEMBER = "member"
    PROVIDER = "provider"
    SYSTEM = "system"


class PaymentType(StrEnum):
    PREMIUM = "premium"
    CLAIM_REIMBURSEMENT = "claim_reimbursement"
    COPAY = "copay"
    DEDUCTIBLE = "deductible"
    REFUND = "refund"


class PaymentMethod(StrEnum):
    CREDIT_CARD = "credit_card"
    DEBIT_CARD = "debit_card"
    ACH = "ach"
    CHECK = "check"
    WIRE = "wire"
    EFT = "eft"


class PaymentStatus(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"
    REFUNDED = "refunded"
    CANCELLED = "cancelled"


class NotificationCategory(StrEnum):
    CLAIM_UPDATE = "claim_update"
    APPEAL_UPDATE = "appeal_update"
    PAYMENT = "payment"
    POLICY_UPDATE = "policy_update"
    SECURITY = "security"
    GENERAL = "general"


class NotificationStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    READ = "read"


class PurposeOfUse(StrEnum):
    TREATMENT = "TREATMENT"
    PAYMENT = "PAYMENT"
    OPERATIONS = "OPERATIONS"
    OVERSIGHT = "OVERSIGHT"
    PATIENT_REQUEST = "PATIENT_REQUEST"
    EMERGENCY = "EMERGENCY"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class ValidationRunStatus(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"


class ValidationRunFormat(StrEnum):
    CSV = "csv"
    X12_837P = "x12_837p"


class CodeSystem(StrEnum):
    CPT = "CPT"
    HCPCS = "HCPCS"
