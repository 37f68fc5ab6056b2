"""What the values of the account, enrolment and employer enums mean for the plan."""

from domain.enum_meanings.base import Meanings
from domain.enums import (
    BillingCycle,
    ContactChannel,
    CoverageLevel,
    DependentStatus,
    EmployerPaymentMethod,
    EmployerStatus,
    Gender,
    MemberStatus,
    PlanType,
    PolicyStatus,
    PurposeOfUse,
    Relationship,
    Role,
    UserStatus,
)

MEANINGS: Meanings = {
    Role: {
        Role.MEMBER: "The subscriber (policyholder): sees their own records and their minor "
        "dependents' (an adult dependent's only with that dependent's consent).",
        Role.DEPENDENT: "An adult dependent (18 or older) with a login of their own: sees their "
        "own records and grants or revokes the subscriber's view of them.",
        Role.PROVIDER: "Staff of a provider organisation (a practice, group or facility): "
        "submits claims as that organisation and sees the claims it submitted.",
        Role.ADJUDICATOR: "The plan's claims staff: reviews, decides and pays claims, and "
        "decides appeals on claims they did not adjudicate.",
        Role.EMPLOYER: "An employer's benefits administrator: manages its own employees' "
        "enrolment and sees their claims only as monthly totals, small counts suppressed.",
        Role.REGULATOR: "A state insurance regulator: reads de-identified data of its state "
        "(its jurisdiction) and changes nothing.",
        Role.AUDITOR: "The plan's compliance officer: reads the audit log and closes "
        "break-glass reviews.",
        Role.ADMIN: "The plan's internal staff: runs the directory, accounts and enrolment, "
        "and can act in the claim workflow.",
    },
    UserStatus: {
        UserStatus.ACTIVE: "Can sign in and use the API.",
        UserStatus.INACTIVE: "Closed: cannot sign in; deactivateUser also ends every sign-in "
        "the account had.",
        UserStatus.SUSPENDED: "Blocked for now: cannot sign in; it can be made active again or "
        "closed.",
    },
    Gender: {
        Gender.MALE: "Recorded as male.",
        Gender.FEMALE: "Recorded as female.",
        Gender.OTHER: "Recorded as another gender.",
        Gender.PREFER_NOT_TO_SAY: "The person chose not to state a gender.",
    },
    MemberStatus: {
        MemberStatus.ACTIVE: "Enrolled: claims are checked against the enrolment dates; only an "
        "active member can be given dependents or policies.",
        MemberStatus.INACTIVE: "Not enrolled at present: claims for anyone under the member's "
        "number fail the eligibility check, and no coverage can be added.",
        MemberStatus.SUSPENDED: "Enrolment on hold from the suspension date (suspendMember): "
        "claims for anyone under the member's number for care from that date fail the "
        "eligibility check, care before it stays covered; no coverage can be added. "
        "reinstateMember lifts it.",
        MemberStatus.TERMINATED: "Enrolment ended (terminateMember): claims for service dates "
        "while enrolled still pass the eligibility check; reinstateMember reverses it, or the "
        "person can be enrolled again.",
    },
    Relationship: {
        Relationship.SPOUSE: "The subscriber's spouse; a member covers one spouse or domestic "
        "partner at a time.",
        Relationship.CHILD: "The subscriber's child: covered until the end of the month they "
        "turn 26 (ACA §2714), then aged out.",
        Relationship.DOMESTIC_PARTNER: "The subscriber's domestic partner; a member covers one "
        "spouse or domestic partner at a time.",
        Relationship.OTHER: "Another person the plan lets the subscriber cover; no age limit "
        "applies.",
    },
    ContactChannel: {
        ContactChannel.EMAIL: "Email to the address on record.",
        ContactChannel.SMS: "Text messages to the phone number on record.",
        ContactChannel.PHONE: "Phone calls to the number on record.",
        ContactChannel.MAIL: "Letters to the home address on record (notices the law requires "
        "on paper are mailed whatever the preference).",
    },
    DependentStatus: {
        DependentStatus.ACTIVE: "Covered; a termination date, if one is set, is still ahead.",
        DependentStatus.INACTIVE: "Coverage ended (terminateDependent, or with the "
        "subscriber's termination): the termination date is the first day without coverage.",
        DependentStatus.AGED_OUT: "A child no longer covered: the end of the month they turned "
        "26 has passed.",
    },
    PlanType: {
        PlanType.HMO: "Health maintenance organisation: care from the plan's network, usually "
        "through a primary care physician who refers to specialists.",
        PlanType.PPO: "Preferred provider organisation: any provider, at lower cost in network; "
        "no referrals needed.",
        PlanType.EPO: "Exclusive provider organisation: network providers only, except in an "
        "emergency; no referrals needed.",
        PlanType.POS: "Point of service: a primary care physician and referrals as in an HMO, "
        "with some out-of-network cover at a higher cost.",
        PlanType.HDHP: "High-deductible health plan, which can be paired with a health savings "
        "account (HSA).",
    },
    CoverageLevel: {
        CoverageLevel.INDIVIDUAL: "The subscriber alone.",
        CoverageLevel.INDIVIDUAL_SPOUSE: "The subscriber and a spouse or domestic partner.",
        CoverageLevel.INDIVIDUAL_CHILDREN: "The subscriber and their children.",
        CoverageLevel.FAMILY: "The subscriber, a spouse or domestic partner, and children.",
    },
    PolicyStatus: {
        PolicyStatus.PENDING: "Recorded but not yet in force: it covers no claim.",
        PolicyStatus.ACTIVE: "In force: covers service dates from its effective date up to, not "
        "including, its termination date; one policy per member on any day.",
        PolicyStatus.TERMINATED: "Ended early (terminatePolicy): the termination date is the "
        "first day without coverage; earlier service dates stay covered.",
        PolicyStatus.EXPIRED: "Ran to its termination date (or was recorded after it ended); "
        "service dates within its term stay covered.",
    },
    EmployerStatus: {
        EmployerStatus.ACTIVE: "A current client: its employees can be enrolled.",
        EmployerStatus.INACTIVE: "No longer a client: no employee of it can be enrolled.",
        EmployerStatus.SUSPENDED: "On hold: no employee of it can be enrolled until it is "
        "active again.",
    },
    BillingCycle: {
        BillingCycle.MONTHLY: "Billed every month.",
        BillingCycle.QUARTERLY: "Billed every three months.",
        BillingCycle.ANNUALLY: "Billed once a year.",
    },
    EmployerPaymentMethod: {
        EmployerPaymentMethod.ACH: "By ACH bank transfer.",
        EmployerPaymentMethod.WIRE: "By wire transfer.",
        EmployerPaymentMethod.CHECK: "By paper check.",
        EmployerPaymentMethod.CREDIT_CARD: "By credit card.",
    },
    PurposeOfUse: {
        PurposeOfUse.TREATMENT: "Providing or coordinating a patient's care.",
        PurposeOfUse.PAYMENT: "Paying for care: eligibility, claims, adjudication and payment.",
        PurposeOfUse.OPERATIONS: "Running the plan: quality review, audit and administration.",
        PurposeOfUse.OVERSIGHT: "Health oversight, by a regulator or the plan's compliance "
        "officer.",
        PurposeOfUse.PATIENT_REQUEST: "A member or dependent reading their own records.",
        PurposeOfUse.EMERGENCY: "Emergency care of a patient.",
    },
}
