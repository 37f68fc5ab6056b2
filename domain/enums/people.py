"""The closed vocabularies of the data model: people, their coverage and their plan."""

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
