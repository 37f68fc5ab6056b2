"""Synthetic data at scale: employers, providers, families, policies, claims and their trail.

Rows come from one seeded `random.Random` (names from pools of seeded Faker output, because Faker
is slow) and go in with asyncpg's binary COPY. Every row keeps the CHECK constraints of
`db/tables/` and the rules of DOMAIN.md: the claim lifecycle and its timeline, cost sharing
against the policy's deductible and out-of-pocket maximum, appeal due dates, children covered
to 26. Readable numbers come from the migration's sequences, so repeated loads never collide.

The package, by what its parts do: `reference` (the fixed tables rows are drawn from), `rows`
(money, dates, families, providers), `base` (the seeded Random and the row queue), `providers`,
`families` and `claims` (the generators of each kind of row), `writer` (COPY and numbering),
`builder` (`SeedBuilder`, all of them together) and `load` (`load_members`, the orchestration).
"""

from db.seed_bulk.builder import SeedBuilder
from db.seed_bulk.load import load_members
from db.seed_bulk.reference import (
    DENIALS,
    HIGH_BILLED_CENTS,
    OUTCOMES,
    SPECIALTY,
    STATES,
    TEMPLATES,
)
from db.seed_bulk.rows import Family, Patient, Provider, ProviderPool, money, years_ago

__all__ = [
    "DENIALS",
    "HIGH_BILLED_CENTS",
    "OUTCOMES",
    "SPECIALTY",
    "STATES",
    "TEMPLATES",
    "Family",
    "Patient",
    "Provider",
    "ProviderPool",
    "SeedBuilder",
    "load_members",
    "money",
    "years_ago",
]
