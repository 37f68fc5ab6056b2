"""What the plan knows about a claim's parties, looked up in memory: one claim from the API or
ten thousand from a billing file read the same way, from data fetched in a few statements.

`Lookups` is filled by db/; `facts_for` turns it into the validation rules' `Facts`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from domain.membership import covered_until
from domain.people import match_patient
from domain.validation import Credential, Draft, Facts, Span, normalise_procedure


@dataclass(frozen=True, slots=True)
class Person:
    id: Any
    first_name: str
    born: date
    status: str
    enrolled: date
    terminated: date | None
    relationship: str | None = None  # dependents only
    suspended: date | None = None  # subscribers only: first day of a suspension


@dataclass(frozen=True, slots=True)
class Family:
    subscriber: Person
    dependents: tuple[Person, ...] = ()


@dataclass(frozen=True, slots=True)
class PolicyTerm:
    id: Any
    status: str
    effective: date
    terminated: date | None


@dataclass(frozen=True, slots=True)
class ProviderInfo:
    id: Any
    parent_id: Any
    npi: str
    status: str


@dataclass(frozen=True, slots=True)
class Patient:
    member_id: Any
    dependent_id: Any
    policy_id: Any


@dataclass(slots=True)
class Lookups:
    families: dict[str, Family] = field(default_factory=dict)  # by member number
    policies: dict[Any, list[PolicyTerm]] = field(default_factory=dict)  # by member id
    providers: dict[Any, ProviderInfo] = field(default_factory=dict)  # by id
    credentials: dict[Any, list[Credential]] = field(default_factory=dict)  # by provider id
    contracts: dict[Any, list[Span]] = field(default_factory=dict)  # active, by provider id
    on_file: set[tuple] = field(default_factory=set)  # duplicate keys of claims on file
    diagnoses: dict[str, bool] = field(default_factory=dict)  # code (no dot) -> billable
    places: frozenset[str] | None = None  # CMS place-of-service codes; None: format only

    def known_diagnosis(self, code: str) -> bool | None:
        return self.diagnoses.get(code, False)

    def known_place(self, code: str) -> bool | None:
        return None if self.places is None else code in self.places


def duplicate_key(member_id, dependent_id, provider_id, service_date: date, codes: Iterable[str]):
    return (member_id, dependent_id, provider_id, service_date,
            frozenset(normalise_procedure(c) for c in codes))  # fmt: skip


def _owners(provider: ProviderInfo) -> list:
    return [provider.id] + ([provider.parent_id] if provider.parent_id else [])


def facts_for(
    lookups: Lookups,
    *,
    member_number: str,
    born: date | None,
    first_name: str | None,
    provider_id: Any,
    draft: Draft,
    today: date,
) -> tuple[Facts, Patient | None]:
    provider = lookups.providers.get(provider_id)
    network: dict[str, Any] = {"provider_found": provider is not None}
    if provider is not None:
        owners = _owners(provider)
        network |= {
            "provider_npi": provider.npi,
            "provider_status": provider.status,
            "credentials": tuple(c for o in owners for c in lookups.credentials.get(o, ())),
            "has_contract": any(span.covers(draft.service_date)
                                for o in owners for span in lookups.contracts.get(o, ())),
        }  # fmt: skip
    common = {"today": today, "known_diagnosis": lookups.known_diagnosis,
              "known_place_of_service": lookups.known_place, **network}  # fmt: skip
    family = lookups.families.get(member_number.strip().upper())
    match = None
    if family is not None and born is not None:
        s = family.subscriber
        match = match_patient(
            born=born,
            first_name=first_name,
            subscriber=(s.born, s.first_name),
            dependents=[(d.id, d.born, d.first_name) for d in family.dependents],
        )
    if match is None:
        return Facts(patient_found=False, **common), None
    subscriber = family.subscriber
    dependent = next((d for d in family.dependents if d.id == match[1]), None)
    policy = next(
        (p for p in lookups.policies.get(subscriber.id, ())
         if p.status != "pending" and Span(p.status, p.effective, p.terminated)
         .covers(draft.service_date)),
        None,
    )  # fmt: skip
    key = duplicate_key(subscriber.id, match[1], provider_id, draft.service_date,
                        draft.procedure_codes)  # fmt: skip
    facts = Facts(
        member=Span(subscriber.status, subscriber.enrolled, covered_until(
            status=subscriber.status, termination=subscriber.terminated,
            suspended=subscriber.suspended)),
        dependent=Span(dependent.status, dependent.enrolled, dependent.terminated)
        if dependent else None,
        dependent_born=dependent.born if dependent else None,
        dependent_is_child=bool(dependent and dependent.relationship == "child"),
        policy=Span(policy.status, policy.effective, policy.terminated) if policy else None,
        duplicates=int(key in lookups.on_file),
        **common,
    )  # fmt: skip
    return facts, Patient(subscriber.id, match[1], policy.id if policy else None)
