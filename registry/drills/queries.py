"""Query pieces the drill and corrective-action lists share (no rules, no session)."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from registry.models import Drill, Enterprise
from registry.models.drills import drill_enterprises


def drill_in_county(code: str):
    """Drills of a county: held there, or exercising one of its enterprises."""
    exercised = (sa.select(drill_enterprises.c.drill_id).join(Enterprise)
                 .where(Enterprise.county_code == code))
    return sa.or_(Drill.county_code == code, Drill.id.in_(exercised))


def in_year(column, year: int):
    """``column`` (a date) falls within ``year``."""
    return sa.and_(column >= date(year, 1, 1), column <= date(year, 12, 31))
