"""What the values of the claim, appeal and document enums mean for the plan."""

from domain.enum_meanings.base import Meanings
from domain.enums import (
    AppealStatus,
    AppealUrgency,
    ClaimFrequency,
    ClaimStatus,
    ClaimType,
    DocumentType,
    DrugTier,
    Priority,
    ServiceType,
)

MEANINGS: Meanings = {
    ClaimType: {
        ClaimType.MEDICAL: "Medical care; the default.",
        ClaimType.DENTAL: "Dental care.",
        ClaimType.VISION: "Eye care.",
        ClaimType.PHARMACY: "Prescription drugs.",
        ClaimType.MENTAL_HEALTH: "Mental health care; such a claim is always flagged sensitive.",
    },
    ServiceType: {
        ServiceType.GENERAL: "Medical care in general (X12 service type 30): the deductible, "
        "then coinsurance.",
        ServiceType.PRIMARY_CARE: "An office visit with a primary-care provider (X12 98): "
        "the primary-care copay when the policy has one.",
        ServiceType.SPECIALIST: "An office visit with a specialist (X12 98): the specialist "
        "copay when the policy has one.",
        ServiceType.URGENT_CARE: "Urgent care (X12 UC): the urgent-care copay.",
        ServiceType.EMERGENCY: "Emergency services (X12 86): the emergency-room copay.",
        ServiceType.PREVENTIVE: "Preventive care (X12 BH): no cost sharing in network.",
        ServiceType.PHARMACY_GENERIC: "A generic prescription (X12 88): the generic copay.",
        ServiceType.PHARMACY_BRAND: "A brand-name prescription (X12 88): the brand copay.",
        ServiceType.PHARMACY_SPECIALTY: "A specialty prescription (X12 88): the specialty copay.",
    },
    DrugTier: {
        DrugTier.GENERIC: "A generic drug: the policy's generic prescription copay.",
        DrugTier.BRAND: "A brand-name drug: the policy's brand prescription copay.",
        DrugTier.SPECIALTY: "A specialty drug (biologics, infusions and the like): the "
        "policy's specialty prescription copay.",
    },
    ClaimStatus: {
        ClaimStatus.SUBMITTED: "Filed and waiting in the payer queue; an adjudicator takes it "
        "into review (assignClaim) or decides it straight away.",
        ClaimStatus.UNDER_REVIEW: "Assigned to an adjudicator, who is reviewing it; still in "
        "the payer queue until decided.",
        ClaimStatus.APPROVED: "Every line covered: the allowed amount, member responsibility "
        "and paid amount are set; next, the payment is recorded if anything is payable.",
        ClaimStatus.PARTIALLY_APPROVED: "Some lines covered and priced, the others not; it can "
        "be paid, or appealed within 180 days.",
        ClaimStatus.DENIED: "Nothing covered: a claim adjustment reason code and an explanation "
        "say why; it can be appealed within 180 days.",
        ClaimStatus.APPEALED: "An appeal is open, or was overturned and the claim waits to be "
        "decided again; an upheld or withdrawn appeal returns it to its earlier decision.",
        ClaimStatus.PAID: "Settled with the provider: the plan's payment is recorded (on a "
        "corrected claim, only the difference from what the replaced claim was paid, or the "
        "overpayment recouped). Final, unless the provider corrects or voids it.",
        ClaimStatus.REPLACED: "The provider filed a corrected claim in its place "
        "(submitCorrectedClaim, X12 frequency code 7): final. It no longer counts toward the "
        "deductible or out-of-pocket maximum; what it was paid counts toward the corrected "
        "claim's payment.",
        ClaimStatus.VOIDED: "The provider cancelled it (voidClaim, X12 frequency code 8): "
        "final. It no longer counts toward the deductible or out-of-pocket maximum, and "
        "whatever the plan paid on it is recouped from the provider.",
    },
    ClaimFrequency: {
        ClaimFrequency.ORIGINAL: "The first bill for the care (X12 frequency code 1); what "
        "submitClaim files.",
        ClaimFrequency.REPLACEMENT: "A corrected claim that replaces one filed before (X12 "
        "frequency code 7); what submitCorrectedClaim files. The claim it replaces is "
        "REPLACED.",
    },
    Priority: {
        Priority.URGENT: "Emergency care (emergency room place of service or an emergency visit "
        "code); first in the queue.",
        Priority.HIGH: "A large claim, billed at $2,500 or more, that wants an early look.",
        Priority.NORMAL: "No urgency signal; also what a claim gets when triage fails.",
        Priority.LOW: "Preventive care or a routine examination; last in the queue.",
    },
    DocumentType: {
        DocumentType.BILL: "The provider's itemised bill or claim form.",
        DocumentType.EOB: "An explanation of benefits, such as one from another insurer that "
        "paid first.",
        DocumentType.MEDICAL_RECORD: "Clinical notes or records that support the claim.",
        DocumentType.PRESCRIPTION: "A prescription for what was billed.",
        DocumentType.REFERRAL: "A referral, such as from a primary care physician to a specialist.",
        DocumentType.OTHER: "Any other document; the default.",
    },
    AppealStatus: {
        AppealStatus.SUBMITTED: "Filed and open: waits for a decision by its due date.",
        AppealStatus.UNDER_REVIEW: "Being reviewed; still open, so it can be decided or withdrawn.",
        AppealStatus.UPHELD: "The appealed decision stands: the claim returns to it.",
        AppealStatus.OVERTURNED: "The appealed decision is reversed: the claim stays appealed "
        "until an adjudicator decides it again (adjudicateClaim).",
        AppealStatus.WITHDRAWN: "Withdrawn by its filer while open: the claim returns to the "
        "appealed decision.",
    },
    AppealUrgency: {
        AppealUrgency.URGENT: "Urgent care, where waiting could seriously harm the patient: "
        "decided within 72 hours of filing.",
        AppealUrgency.PRE_SERVICE: "Care not yet received that needs the plan's approval "
        "first: decided within 30 days of filing.",
        AppealUrgency.POST_SERVICE: "Care already received: decided within 60 days of filing. "
        "The default.",
    },
}
