"""The seeded Random, the name pools and the row queue every generator draws from and adds to."""

from __future__ import annotations

import random
import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from faker import Faker

from db.seed_bulk.reference import _PLACES
from domain.identifiers import make_npi


class RowSource:
    """One seeded Random, Faker pools drawn from it, and the per-table queue of rows."""

    def __init__(self, *, seed: int | str, today: date, adjudicator_ids: Sequence = ()) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.anchor = datetime.combine(today, time(), UTC)  # every timestamp is before today
        self.adjudicators = list(adjudicator_ids)
        self.rows: dict[str, list[dict]] = defaultdict(list)
        self.counts: Counter = Counter()
        self._npis: set[str] = set()
        fake = Faker("en_US")
        fake.seed_instance(seed)
        self.first = {g: [getattr(fake, f"first_name_{g}")() for _ in range(300)]
                      for g in ("male", "female")}  # fmt: skip
        self.last = [fake.last_name() for _ in range(600)]
        self.streets = [fake.street_address() for _ in range(1000)]
        self.companies = [fake.company() for _ in range(200)]

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def add(self, table: str, **row) -> dict:
        """Queue a row, drawing its id unless given."""
        if "id" not in row:
            row["id"] = self.uuid()
        self.rows[table].append(row)
        return row

    def take(self) -> dict[str, list[dict]]:
        """The queued rows, leaving the queue empty."""
        batch, self.rows = self.rows, defaultdict(list)
        return batch

    def _ago(self, lo: int, hi: int) -> date:
        return self.today - timedelta(days=self.rng.randint(lo, hi))

    def _phone(self) -> str:
        return f"({self.rng.randint(201, 989)}) 555-01{self.rng.randint(0, 99):02d}"  # fictional

    def _ssn(self) -> str:
        r = self.rng  # area numbers 900-999 are never issued as SSNs
        return f"9{r.randint(0, 99):02d}-{r.randint(10, 99)}-{r.randint(1000, 9999)}"

    def _tax_id(self) -> str:
        return f"{self.rng.randint(10, 99)}-{self.rng.randint(10**6, 10**7 - 1)}"

    def _address(self, state: str) -> dict:
        city, zip3 = self.rng.choice(_PLACES[state])
        return {"address_line1": self.rng.choice(self.streets), "city": city, "state": state,
                "zip_code": f"{zip3}{self.rng.randint(0, 99):02d}"}  # fmt: skip

    def _name(self) -> tuple[str, str, str]:
        gender = self.rng.choices(("female", "male", "other"), (49, 49, 2))[0]
        first = self.rng.choice(self.first["male" if gender == "male" else "female"])
        return first, self.rng.choice(self.last), gender

    def _npi(self) -> str:
        # Bases 100000000-189999999: the demo's fixed NPIs use 19xxxxxxx, so they never meet.
        while (npi := make_npi(str(self.rng.randint(100_000_000, 189_999_999)))) in self._npis:
            pass
        self._npis.add(npi)
        return npi
