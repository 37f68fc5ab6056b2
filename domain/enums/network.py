"""The closed vocabularies of providers, their credentials and contracts, and employers."""

from enum import StrEnum


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
