"""Agreements belong to the city level: administrators write, and so do officers assigned
every county of the home city; county officers and viewers read."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from registry import permissions
from registry.extensions import db
from registry.models import County


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def home_county_codes() -> set[str]:
    """The home city's counties and functional zones in use (retired codes excluded)."""
    stmt = sa.select(County.code).where(County.city_code == current_app.config["HOME_CITY_CODE"],
                                        County.retired.is_(False))
    return set(db.session.scalars(stmt))


def can_read_agreements(user) -> bool:
    return _authenticated(user)


def can_write_agreements(user) -> bool:
    if not _authenticated(user):
        return False
    if user.role == "admin":
        return True
    codes = home_county_codes()
    return user.role == "officer" and bool(codes) and codes <= user.county_codes


def require_read(user) -> None:
    permissions.require(can_read_agreements(user), user)


def require_write(user) -> None:
    permissions.require(can_write_agreements(user), user)
