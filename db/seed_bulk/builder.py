"""The builder: every generator over one seeded Random, with the COPY writer."""

from __future__ import annotations

from db.seed_bulk.base import RowSource
from db.seed_bulk.claims import ClaimRows
from db.seed_bulk.families import FamilyRows
from db.seed_bulk.providers import ProviderRows
from db.seed_bulk.writer import CopyWriter


class SeedBuilder(ClaimRows, FamilyRows, ProviderRows, CopyWriter, RowSource):
    """Rows drawn from one seeded Random, queued per table and written with COPY.

    Generators take keyword overrides (`id=`, names, ...) that win over drawn values: the demo
    uses them for its personas.
    """
