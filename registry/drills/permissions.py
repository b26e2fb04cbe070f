"""Who may record and change drills (same roles and jurisdiction as the core):
a county officer records enterprise and county drills of their counties; city-level
and joint drills are recorded by administrators and by officers holding every county."""
from __future__ import annotations

import sqlalchemy as sa

from registry import permissions
from registry.drills.rules import CITY_LEVELS
from registry.extensions import db
from registry.models import County


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def city_wide(user) -> bool:
    """An administrator, or an officer assigned every active county of the city."""
    if not _authenticated(user):
        return False
    if user.role == "admin":
        return True
    if user.role != "officer":
        return False
    active = set(db.session.scalars(sa.select(County.code).where(County.retired.is_(False))))
    return active <= user.county_codes


def can_write_drill(user, organiser_level: str, county_code: str | None,
                    enterprise_counties=()) -> bool:
    if organiser_level in CITY_LEVELS:
        return city_wide(user)
    codes = set(enterprise_counties) | ({county_code} if county_code else set())
    return bool(codes) and all(permissions.can_write_county(user, c) for c in codes)


def require_write_drill(user, drill) -> None:
    permissions.require(can_write_drill(user, drill.organiser_level, drill.county_code,
                                        {e.county_code for e in drill.enterprises}), user)


def can_read_drill(user, drill) -> bool:
    """City-wide drills (no county) are readable by every signed-in user."""
    if not _authenticated(user):
        return False
    return drill.county_code is None or permissions.can_read_county(user, drill.county_code)


def scope_drills(stmt, user, county_column):
    """``stmt`` restricted to drills ``user`` may read (their counties and city-wide ones)."""
    if not _authenticated(user):
        return stmt.where(sa.false())
    codes = permissions.visible_county_codes(user)
    if codes is None:
        return stmt
    return stmt.where(sa.or_(county_column.is_(None), county_column.in_(sorted(codes))))
