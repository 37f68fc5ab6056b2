"""The domain's enums as GraphQL enums (values are the stored strings), each described by its
docstring and each value by its meaning (domain/enum_meanings/)."""

from enum import StrEnum
from typing import TypeVar

import strawberry

from domain import enums as e
from domain.enum_meanings import meaning, summary

E = TypeVar("E", bound=type[StrEnum])


def _described(cls: E) -> E:
    """The enum as a GraphQL enum with its descriptions; MissingMeaning (at import) for a value
    that has none."""
    described = strawberry.enum(cls, description=summary(cls))
    for value in described.__strawberry_definition__.values:
        value.description = meaning(cls(value.value))
    return described


Role = _described(e.Role)
UserStatus = _described(e.UserStatus)
Gender = _described(e.Gender)
MemberStatus = _described(e.MemberStatus)
Relationship = _described(e.Relationship)
DependentStatus = _described(e.DependentStatus)
ContactChannel = _described(e.ContactChannel)
PlanType = _described(e.PlanType)
CoverageLevel = _described(e.CoverageLevel)
PolicyStatus = _described(e.PolicyStatus)
BenefitCategory = _described(e.BenefitCategory)
OutOfNetworkCoverage = _described(e.OutOfNetworkCoverage)
ProviderType = _described(e.ProviderType)
NetworkStatus = _described(e.NetworkStatus)
ProviderStatus = _described(e.ProviderStatus)
CredentialType = _described(e.CredentialType)
CredentialStatus = _described(e.CredentialStatus)
ContractType = _described(e.ContractType)
ContractStatus = _described(e.ContractStatus)
ReimbursementMethod = _described(e.ReimbursementMethod)
EmployerStatus = _described(e.EmployerStatus)
BillingCycle = _described(e.BillingCycle)
EmployerPaymentMethod = _described(e.EmployerPaymentMethod)
ClaimType = _described(e.ClaimType)
DrugTier = _described(e.DrugTier)
ServiceType = _described(e.ServiceType)
ClaimStatus = _described(e.ClaimStatus)
ClaimFrequency = _described(e.ClaimFrequency)
Priority = _described(e.Priority)
DocumentType = _described(e.DocumentType)
AppealStatus = _described(e.AppealStatus)
AppealUrgency = _described(e.AppealUrgency)
PayerType = _described(e.PayerType)
PayeeType = _described(e.PayeeType)
PaymentType = _described(e.PaymentType)
PaymentMethod = _described(e.PaymentMethod)
PaymentStatus = _described(e.PaymentStatus)
Severity = _described(e.Severity)
ValidationRunStatus = _described(e.ValidationRunStatus)
ValidationRunFormat = _described(e.ValidationRunFormat)
CodeSystem = _described(e.CodeSystem)
