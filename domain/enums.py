"""The closed vocabularies of the data model: one place, used by tables, schema and rules."""

from enum import StrEnum


class Role(StrEnum):
    """Who a user is to the plan; each account has one role, tied to the record it acts for."""

    MEMBER = "member"
    DEPENDENT = "dependent"
    PROVIDER = "provider"
    ADJUDICATOR = "adjudicator"
    EMPLOYER = "employer"
    REGULATOR = "regulator"
    AUDITOR = "auditor"
    ADMIN = "admin"


class UserStatus(StrEnum):
    """Whether an account may sign in: only an active account signs in or keeps its tokens."""

    ACTIVE = "active"
    INACTIVE = "inactive"
    SUSPENDED = "suspended"


class Gender(StrEnum):
    """A person's gender as recorded at enrolment; optional."""

    MALE = "male"
    FEMALE = "female"
    OTHER = "other"
    PREFER_NOT_TO_SAY = "prefer_not_to_say"


class MemberStatus(StrEnum):
    """Where a subscriber's enrolment with the plan stands."""

    ACTIVE = "active"
    INACTIVE = "inactive"
    SUSPENDED = "suspended"
    TERMINATED = "terminated"


class Relationship(StrEnum):
    """How a dependent is related to the subscriber who covers them."""

    SPOUSE = "spouse"
    CHILD = "child"
    DOMESTIC_PARTNER = "domestic_partner"
    OTHER = "other"


class DependentStatus(StrEnum):
    """Whether a dependent is still covered through the subscriber."""

    ACTIVE = "active"
    INACTIVE = "inactive"
    AGED_OUT = "aged_out"


class ContactChannel(StrEnum):
    """A way the plan may reach a covered person about their coverage, claims and bills."""

    EMAIL = "email"
    SMS = "sms"
    PHONE = "phone"
    MAIL = "mail"


class PlanType(StrEnum):
    """The kind of health plan a policy is sold as. A label only: claims are priced from the
    policy's own amounts and percentages, whatever the type."""

    HMO = "HMO"
    PPO = "PPO"
    EPO = "EPO"
    POS = "POS"
    HDHP = "HDHP"


class CoverageLevel(StrEnum):
    """A policy's coverage tier: whom it covers along with the subscriber."""

    INDIVIDUAL = "individual"
    INDIVIDUAL_SPOUSE = "individual_spouse"
    INDIVIDUAL_CHILDREN = "individual_children"
    FAMILY = "family"


class PolicyStatus(StrEnum):
    """Where a policy stands in its lifecycle; its dates say which days it covers."""

    ACTIVE = "active"
    PENDING = "pending"
    TERMINATED = "terminated"
    EXPIRED = "expired"


class BenefitCategory(StrEnum):
    """A kind of care a policy's coverage details speak of: whether the plan covers it, with
    prior authorization or a visit limit, or excludes it."""

    PREVENTIVE = "preventive"
    PRIMARY_CARE = "primary_care"
    SPECIALIST = "specialist"
    EMERGENCY = "emergency"
    URGENT_CARE = "urgent_care"
    HOSPITAL_INPATIENT = "hospital_inpatient"
    OUTPATIENT_SURGERY = "outpatient_surgery"
    MENTAL_HEALTH = "mental_health"
    SUBSTANCE_USE = "substance_use"
    MATERNITY = "maternity"
    PRESCRIPTION_DRUGS = "prescription_drugs"
    LAB_AND_IMAGING = "lab_and_imaging"
    REHABILITATION = "rehabilitation"
    DURABLE_MEDICAL_EQUIPMENT = "durable_medical_equipment"
    TELEHEALTH = "telehealth"
    CHIROPRACTIC = "chiropractic"
    VISION = "vision"
    DENTAL = "dental"


class OutOfNetworkCoverage(StrEnum):
    """Whether a policy covers care from providers outside the plan's network."""

    COVERED = "covered"
    EMERGENCY_ONLY = "emergency_only"


class ProviderType(StrEnum):
    """What kind of provider a directory entry is."""

    INDIVIDUAL = "individual"
    FACILITY = "facility"
    GROUP = "group"


class NetworkStatus(StrEnum):
    """Whether the plan has a network agreement with a provider, which decides how its claims are
    priced."""

    IN_NETWORK = "in_network"
    OUT_OF_NETWORK = "out_of_network"
    PENDING = "pending"


class ProviderStatus(StrEnum):
    """Whether a provider may bill the plan; claims from one not active are refused."""

    ACTIVE = "active"
    INACTIVE = "inactive"
    SUSPENDED = "suspended"


class CredentialType(StrEnum):
    """The kind of licence or certification on a provider's file; a claim needs a verified
    credential (of any type) in force on the service date."""

    MEDICAL_LICENSE = "medical_license"
    BOARD_CERTIFICATION = "board_certification"
    DEA = "dea"
    MALPRACTICE_INSURANCE = "malpractice_insurance"
    HOSPITAL_PRIVILEGES = "hospital_privileges"


class CredentialStatus(StrEnum):
    """Where a credential stands in the plan's checks with the authority that issued it."""

    VERIFIED = "verified"
    PENDING = "pending"
    EXPIRED = "expired"
    REVOKED = "revoked"


class ContractType(StrEnum):
    """The kind of party a network contract is signed with."""

    INDIVIDUAL = "individual"
    GROUP = "group"
    FACILITY = "facility"


class ContractStatus(StrEnum):
    """Where a network contract stands; a contract prices the claims whose service date falls
    in its term, from its effective date up to its termination date (never a draft's)."""

    DRAFT = "draft"
    ACTIVE = "active"
    EXPIRED = "expired"
    TERMINATED = "terminated"


class ReimbursementMethod(StrEnum):
    """How a contract pays the provider. Adjudication prices claims from the contract's fee schedule
    whatever the method; without one they are priced out of network."""

    FEE_FOR_SERVICE = "fee_for_service"
    CAPITATION = "capitation"
    BUNDLED = "bundled"
    VALUE_BASED = "value_based"


class EmployerStatus(StrEnum):
    """Whether an employer is a current client of the plan."""

    ACTIVE = "active"
    INACTIVE = "inactive"
    SUSPENDED = "suspended"


class BillingCycle(StrEnum):
    """How often the plan bills an employer for premiums."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    ANNUALLY = "annually"


class EmployerPaymentMethod(StrEnum):
    """How an employer pays the plan's premium bills."""

    ACH = "ach"
    WIRE = "wire"
    CHECK = "check"
    CREDIT_CARD = "credit_card"


class ServiceType(StrEnum):
    """The kind of care an eligibility question asks about (after X12 271 service types):
    it picks the copay or coinsurance the answer gives."""

    GENERAL = "general"
    PRIMARY_CARE = "primary_care"
    SPECIALIST = "specialist"
    URGENT_CARE = "urgent_care"
    EMERGENCY = "emergency"
    PREVENTIVE = "preventive"
    PHARMACY_GENERIC = "pharmacy_generic"
    PHARMACY_BRAND = "pharmacy_brand"
    PHARMACY_SPECIALTY = "pharmacy_specialty"


class DrugTier(StrEnum):
    """A prescription's tier on the plan's formulary: which prescription copay a pharmacy
    claim line takes."""

    GENERIC = "generic"
    BRAND = "brand"
    SPECIALTY = "specialty"


class ClaimType(StrEnum):
    """The kind of care a claim bills; employers' claim summaries count by this."""

    MEDICAL = "medical"
    DENTAL = "dental"
    VISION = "vision"
    PHARMACY = "pharmacy"
    MENTAL_HEALTH = "mental_health"


class ClaimStatus(StrEnum):
    """Where a claim stands on its way from submission to decision and payment."""

    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    APPROVED = "approved"
    PARTIALLY_APPROVED = "partially_approved"
    DENIED = "denied"
    APPEALED = "appealed"
    PAID = "paid"
    REPLACED = "replaced"
    VOIDED = "voided"


OPEN_CLAIM_STATUSES = (ClaimStatus.SUBMITTED, ClaimStatus.UNDER_REVIEW)
# A claim the provider replaced or voided no longer stands: it costs the member nothing,
# counts toward no limit, and no duplicate check matches it.
SUPERSEDED_CLAIM_STATUSES = (ClaimStatus.REPLACED, ClaimStatus.VOIDED)


class ClaimFrequency(StrEnum):
    """How a claim was filed, as the claim frequency code of an X12 837 (CLM05-3) says it: a
    first bill for the care, or a replacement of a claim filed before. A void (code 8) files
    no claim of its own: it moves the claim it names to VOIDED (voidClaim)."""

    ORIGINAL = "original"
    REPLACEMENT = "replacement"


class Priority(StrEnum):
    """How soon something wants attention: a claim's place in the payer queue (urgent first), set by
    triage at submission; or a notification's urgency."""

    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


# Queue order: urgent first; the rank is stored so an index can serve the queue.
PRIORITY_RANK = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3}


class DocumentType(StrEnum):
    """What a document attached to a claim is."""

    BILL = "bill"
    EOB = "eob"
    MEDICAL_RECORD = "medical_record"
    PRESCRIPTION = "prescription"
    REFERRAL = "referral"
    OTHER = "other"


class AppealStatus(StrEnum):
    """Where an appeal of a claim decision stands."""

    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    UPHELD = "upheld"
    OVERTURNED = "overturned"
    WITHDRAWN = "withdrawn"


OPEN_APPEAL_STATUSES = (AppealStatus.SUBMITTED, AppealStatus.UNDER_REVIEW)


class AppealUrgency(StrEnum):
    """The kind of claim an appeal is about, which sets its decision deadline (29 CFR
    2560.503-1(i))."""

    URGENT = "urgent"
    PRE_SERVICE = "pre_service"
    POST_SERVICE = "post_service"


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
