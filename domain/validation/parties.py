"""The checks of the claim's parties: the patient found and covered, the provider able to
bill and in network, and no duplicate already on file."""

from __future__ import annotations

from collections.abc import Iterable

from domain.enrolment import child_covered
from domain.identifiers import is_valid_npi
from domain.validation.model import Draft, Facts, Problem, check


@check("patient_found")
def _patient_found(draft: Draft, facts: Facts, cond) -> Iterable[Problem]:
    if not facts.patient_found:
        # the same words whether the number is unknown or the birth date does not match:
        # a submitter learns nothing about people it has no relation to
        yield (
            "Member not found: check the member number and the patient's date of birth.",
            "memberNumber",
        )


@check("member_eligible")
def _member_eligible(draft: Draft, facts: Facts, cond) -> Iterable[Problem]:
    member = facts.member
    if not facts.patient_found or member is None:
        return
    # judged by dates: a suspended or terminated member was covered until the date it began
    if member.status not in ("active", "terminated", "suspended") or not member.covers(
        draft.service_date
    ):
        yield "The member was not enrolled on the service date.", "serviceDate"


@check("dependent_eligible")
def _dependent_eligible(draft: Draft, facts: Facts, cond) -> Iterable[Problem]:
    dependent = facts.dependent
    if not facts.patient_found or dependent is None:
        return
    # an inactive dependent was covered until the termination date, if one is on record
    lapsed = dependent.status == "inactive" and dependent.end is None
    if lapsed or not dependent.covers(draft.service_date):
        yield "The patient was not covered as a dependent on the service date.", "serviceDate"
    elif (
        facts.dependent_is_child
        and facts.dependent_born is not None
        and not child_covered(facts.dependent_born, draft.service_date)
    ):
        yield "The patient had aged out of dependent coverage by the service date.", ("serviceDate")


@check("policy_covers_date")
def _policy_covers_date(draft: Draft, facts: Facts, cond) -> Iterable[Problem]:
    if not facts.patient_found:
        return
    if facts.policy is None or not facts.policy.covers(draft.service_date):
        yield "No policy of the member covers the service date.", "serviceDate"


@check("provider_npi_valid")
def _provider_npi_valid(draft: Draft, facts: Facts, cond) -> Iterable[Problem]:
    if not facts.provider_found:
        yield "Provider not found.", "providerId"
    elif facts.provider_npi is None or not is_valid_npi(facts.provider_npi):
        yield "The provider's NPI fails the CMS check digit.", "providerId"
    elif facts.provider_status not in (None, "active"):
        yield f"The provider is {facts.provider_status} and cannot bill.", "providerId"


@check("provider_credentialed")
def _provider_credentialed(draft: Draft, facts: Facts, cond) -> Iterable[Problem]:
    if not facts.provider_found:
        return
    day = draft.service_date
    if not any(
        c.status == "verified"
        and (c.issued is None or c.issued <= day)
        and (c.expires is None or day <= c.expires)
        for c in facts.credentials
    ):
        yield (
            "The provider had no verified, unexpired credential on the service date.",
            ("providerId"),
        )


@check("provider_in_network")
def _provider_in_network(draft: Draft, facts: Facts, cond) -> Iterable[Problem]:
    if facts.provider_found and not facts.has_contract:
        yield (
            "No active contract with the provider on the service date: the claim is priced "
            "out of network.",
            "providerId",
        )


@check("duplicate_claim")
def _duplicate_claim(draft: Draft, facts: Facts, cond) -> Iterable[Problem]:
    if facts.patient_found and facts.duplicates:
        yield (
            "A claim for this patient, provider, service date and procedures is already on file.",
            None,
        )
