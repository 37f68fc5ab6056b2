"""Code sets the plan checks against (ICD-10-CM, procedures, adjustment reasons, places
of service)."""

from sqlalchemy import (
    Boolean,
    Column,
    String,
    Table,
    Text,
)

from db.tables.base import _enum, metadata
from domain import enums as e

icd10_codes = Table(
    "ref_icd10_codes",
    metadata,
    Column("code", String(8), primary_key=True),
    Column("description", Text, nullable=False),
    Column("billable", Boolean, nullable=False),
)


procedure_codes = Table(
    "ref_procedure_codes",
    metadata,
    Column("code", String(8), primary_key=True),
    *_enum("code_system", e.CodeSystem),
    # CPT descriptors are AMA-licensed: CPT rows carry no description.
    Column("description", Text),
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
