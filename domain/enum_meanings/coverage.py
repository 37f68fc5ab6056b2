"""What the values of a policy's coverage-detail enums mean for the plan."""

from domain.enum_meanings.base import Meanings
from domain.enums import BenefitCategory as B
from domain.enums import OutOfNetworkCoverage as O

MEANINGS: Meanings = {
    B: {
        B.PREVENTIVE: "Preventive care: screenings, immunisations and annual check-ups.",
        B.PRIMARY_CARE: "Office visits with a primary-care provider.",
        B.SPECIALIST: "Office visits with a specialist.",
        B.EMERGENCY: "Emergency-room care.",
        B.URGENT_CARE: "Care at an urgent-care centre.",
        B.HOSPITAL_INPATIENT: "Hospital stays with admission (room, board, inpatient services).",
        B.OUTPATIENT_SURGERY: "Surgery without an overnight admission (ambulatory centres).",
        B.MENTAL_HEALTH: "Mental and behavioural health care, inpatient and outpatient.",
        B.SUBSTANCE_USE: "Treatment of substance-use disorders.",
        B.MATERNITY: "Pregnancy, childbirth and newborn care.",
        B.PRESCRIPTION_DRUGS: "Prescription drugs (generic, brand and specialty tiers).",
        B.LAB_AND_IMAGING: "Laboratory tests, X-rays and advanced imaging (CT, MRI).",
        B.REHABILITATION: "Physical, occupational and speech therapy.",
        B.DURABLE_MEDICAL_EQUIPMENT: "Equipment for use at home: wheelchairs, oxygen, CPAP.",
        B.TELEHEALTH: "Visits by video or phone.",
        B.CHIROPRACTIC: "Chiropractic care (spinal manipulation).",
        B.VISION: "Eye exams and glasses or contact lenses.",
        B.DENTAL: "Dental care.",
    },
    O: {
        O.COVERED: "Care from providers outside the network is covered, priced at the "
        "policy's out-of-network percentage (PPO, POS).",
        O.EMERGENCY_ONLY: "Only emergency care is covered outside the network, as the law "
        "requires; other out-of-network care is the member's to pay (HMO, EPO).",
    },
}
