"""Which contracts price claims: one that is active, or one that was and has ended (a
terminated or expired contract still prices the care given before its termination date).
A draft never priced, and a draft terminated keeps no termination date, so it prices
nothing."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, or_

from db.tables import contracts


def priced():
    """Contracts whose term (effective date up to, not including, the termination date)
    prices claims."""
    ended = and_(
        contracts.c.status.in_(("terminated", "expired")),
        contracts.c.termination_date.is_not(None),
        contracts.c.termination_date > contracts.c.effective_date,
    )
    return or_(contracts.c.status == "active", ended)


def in_force(day: date):
    """Contracts pricing claims for care given on `day`."""
    return and_(
        priced(),
        contracts.c.effective_date <= day,
        or_(contracts.c.termination_date.is_(None), contracts.c.termination_date > day),
    )
