"""The metadata every table belongs to, and the column helpers the table modules share
(package-private: the leading underscore means "only db/tables/ uses it")."""

from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    MetaData,
    Numeric,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import TIMESTAMP, UUID

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Money = Numeric(12, 2)
TS = TIMESTAMP(timezone=True)


def _pk() -> Column:
    return Column(
        "id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")
    )


def _fk(name: str, target: str, *, nullable: bool = True, ondelete: str | None = None) -> Column:
    """A foreign key column with its own index (every FK is indexed)."""
    return Column(
        name,
        UUID(as_uuid=True),
        ForeignKey(f"{target}.id", ondelete=ondelete),
        nullable=nullable,
        index=True,
    )


def _enum(name: str, enum: type[StrEnum], *, nullable: bool = False, default: str | None = None):
    """A varchar column plus the CHECK constraint that keeps it inside its enum."""
    values = ", ".join(f"'{v.value}'" for v in enum)
    col = Column(
        name,
        String(32),
        nullable=nullable,
        server_default=text(f"'{default}'") if default else None,
    )
    return col, CheckConstraint(f"{name} IN ({values})", name=name)


def _timestamps(*, soft_delete: bool = False) -> list[Column]:
    cols = [
        Column("created_at", TS, nullable=False, server_default=func.now()),
        Column("updated_at", TS, nullable=False, server_default=func.now()),
    ]
    if soft_delete:
        cols.append(Column("deleted_at", TS))
    return cols


def _address() -> list[Column]:
    return [
        Column("address_line1", Text),
        Column("address_line2", Text),
        Column("city", Text),
        Column("state", String(2)),
        Column("zip_code", String(10)),
    ]
