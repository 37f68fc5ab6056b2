"""Code sets the plan checks against (ICD-10-CM, procedures, adjustment reasons, places
of service)."""

from sqlalchemy import (
    Boolean,
    Column,
    Computed,
    Index,
    String,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import TSVECTOR

from db.tables.base import _enum, metadata
from domain import enums as e


def _searchable(table: str) -> tuple:
    """What a code picker searches by (migration 0014): the description's words as a stored
    tsvector under a GIN index (full text), and the code under a pattern index (prefix)."""
    return (
        Column(
            "search_vector",
            TSVECTOR,
            Computed(
                "to_tsvector('english'::regconfig, coalesce(description, ''))", persisted=True
            ),
            nullable=False,
        ),
        Index(f"ix_{table}_search_vector", "search_vector", postgresql_using="gin"),
        Index(f"ix_{table}_code_pattern", "code", postgresql_ops={"code": "varchar_pattern_ops"}),
    )


icd10_codes = Table(
    "ref_icd10_codes",
    metadata,
    Column("code", String(8), primary_key=True),
    Column("description", Text, nullable=False),
    Column("billable", Boolean, nullable=False),
    *_searchable("ref_icd10_codes"),
)


procedure_codes = Table(
    "ref_procedure_codes",
    metadata,
    Column("code", String(8), primary_key=True),
    *_enum("code_system", e.CodeSystem),
    # CPT descriptors are AMA-licensed: CPT rows carry no description.
    Column("description", Text),
    *_searchable("ref_procedure_codes"),
)


adjustment_reason_codes = Table(
    "ref_adjustment_reason_codes",
    metadata,
    Column("code", String(8), primary_key=True),
    Column("label", Text, nullable=False),
)


place_of_service_codes = Table(
    "ref_place_of_service_codes",
    metadata,
    Column("code", String(2), primary_key=True),
    Column("name", Text, nullable=False),
)
