"""What the values of the provider, credential and contract enums mean for the plan."""

from domain.enum_meanings.base import Meanings
from domain.enums import (
    ContractStatus,
    ContractType,
    CredentialStatus,
    CredentialType,
    NetworkStatus,
    ProviderStatus,
    ProviderType,
    ReimbursementMethod,
)

MEANINGS: Meanings = {
    ProviderType: {
        ProviderType.INDIVIDUAL: "A practitioner, known by their name, who may practise in a "
        "group.",
        ProviderType.FACILITY: "A facility such as a hospital, clinic or laboratory, known by "
        "its organisation name.",
        ProviderType.GROUP: "A group practice: its contract and credentials cover its "
        "practitioners, and its staff see what those practitioners may see.",
    },
    NetworkStatus: {
        NetworkStatus.IN_NETWORK: "Contracted: claims are priced from the fee schedule of the "
        "contract active on the service date; a code it lacks, or a date no active contract "
        "covers, is priced as out of network.",
        NetworkStatus.OUT_OF_NETWORK: "No network agreement: claims are priced at the policy's "
        "out-of-network percentage of the billed amount.",
        NetworkStatus.PENDING: "Not settled yet (a new provider's default): claims are priced as "
        "out of network meanwhile.",
    },
    ProviderStatus: {
        ProviderStatus.ACTIVE: "May bill the plan.",
        ProviderStatus.INACTIVE: "No longer bills the plan: its claims are refused.",
        ProviderStatus.SUSPENDED: "Barred from billing for now: its claims are refused.",
    },
    CredentialType: {
        CredentialType.MEDICAL_LICENSE: "A state licence to practise.",
        CredentialType.BOARD_CERTIFICATION: "Certification by a specialty board in the "
        "provider's specialty.",
        CredentialType.DEA: "A Drug Enforcement Administration registration, needed to "
        "prescribe controlled substances.",
        CredentialType.MALPRACTICE_INSURANCE: "Proof of professional liability (malpractice) "
        "insurance.",
        CredentialType.HOSPITAL_PRIVILEGES: "The right to admit and treat patients at a hospital.",
    },
    CredentialStatus: {
        CredentialStatus.PENDING: "On file, not yet checked with the issuing authority; it does "
        "not count yet.",
        CredentialStatus.VERIFIED: "Checked with the issuing authority: counts for service dates "
        "from its issue date to its expiration date.",
        CredentialStatus.EXPIRED: "Past its expiration date; verified again once the renewed "
        "expiration date is recorded.",
        CredentialStatus.REVOKED: "Withdrawn by the issuing authority or refused by the plan; "
        "final.",
    },
    ContractType: {
        ContractType.INDIVIDUAL: "With an individual practitioner.",
        ContractType.GROUP: "With a group practice; it also prices the claims of the group's "
        "practitioners.",
        ContractType.FACILITY: "With a facility such as a hospital or clinic.",
    },
    ContractStatus: {
        ContractStatus.DRAFT: "Being prepared: not in force, prices no claim.",
        ContractStatus.ACTIVE: "Signed and in force from its effective date up to its "
        "termination date; a provider has at most one active contract at a time.",
        ContractStatus.EXPIRED: "Its term has run out: it still prices care given before its "
        "termination date, none after.",
        ContractStatus.TERMINATED: "Ended by the plan (terminateContract): it still prices "
        "care given before its termination date, none after (a draft terminated prices none).",
    },
    ReimbursementMethod: {
        ReimbursementMethod.FEE_FOR_SERVICE: "A set amount per procedure, from the contract's "
        "fee schedule, which such a contract must have. The default.",
        ReimbursementMethod.CAPITATION: "A fixed amount per member per month, whatever care is "
        "given.",
        ReimbursementMethod.BUNDLED: "One price for all the services of an episode of care.",
        ReimbursementMethod.VALUE_BASED: "Payment tied to the quality and cost of the care.",
    },
}
