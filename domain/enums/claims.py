"""The closed vocabularies of the data model: claims, their lines and appeals."""

from enum import StrEnum


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
