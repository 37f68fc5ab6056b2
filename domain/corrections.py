"""Corrections of who a record says a person is: a name or a birth date entered wrong.

A correction is not a change of circumstance (a new name after marriage is still one, since
the plan must match claims to the person by the name and birth date on record); it needs the
plan's staff and a written reason, and the audit trail keeps the value it replaced."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.enrolment import AGE_OUT, age_out_date, check_birth_date
from domain.enums import Relationship as R
from domain.errors import DomainError
from domain.organisations import required_text

# column -> the input field that carries it
FIELDS = {
    "first_name": "firstName",
    "middle_name": "middleName",
    "last_name": "lastName",
    "date_of_birth": "dateOfBirth",
}


def corrected(
    sent: dict[str, Any],
    *,
    current: dict[str, Any],
    enrolled: date,
    relationship: str | None,
    today: date,
) -> dict[str, Any]:
    """The columns that change, checked: names not blank, a birth date neither in the future
    nor after coverage began, and for a child, one that still allowed the coverage it had.
    Nothing to change is refused."""
    values: dict[str, Any] = {}
    for column, value in sent.items():
        if column in ("first_name", "last_name"):
            value = required_text(value, field=FIELDS[column], what=column.replace("_", " "))
        elif column == "middle_name":
            value = (value or "").strip() or None
        elif column == "date_of_birth":
            if value is None:
                raise DomainError("Give the date of birth.", field="dateOfBirth")
            check_birth_date(value, today=today)
            if value > enrolled:
                raise DomainError(
                    f"Coverage began on {enrolled}: the person was born by then.",
                    field="dateOfBirth",
                )
            if (
                relationship is not None
                and R(relationship) == R.CHILD
                and (enrolled > age_out_date(value))
            ):
                raise DomainError(
                    f"With this date of birth the child was over {AGE_OUT} when coverage "
                    "began; end the coverage instead of correcting the date.",
                    field="dateOfBirth",
                )
        if value != current[column]:
            values[column] = value
    if not values:
        raise DomainError("Nothing to correct: the values given are the ones on record.")
    return values
