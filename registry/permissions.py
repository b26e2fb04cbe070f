"""Who may do what. Every mutating service calls one ``can_*``/``require_*`` first.

Roles (issue #2): ``admin`` everything; ``officer`` reads and writes the counties
assigned to them; ``viewer`` reads the assigned counties and writes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from registry.errors import PermissionDenied, Unauthorized


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def visible_county_codes(user) -> set[str] | None:
    """Counties whose records ``user`` may read; None means all."""
    if not _authenticated(user):
        return set()
    if user.role == "admin":
        return None
    return user.county_codes


def scope(stmt, user, county_column):
    """``stmt`` restricted to the counties ``user`` may read. Every list query uses this,
    except the enterprise list, whose statement is built once and binds
    ``visible_county_codes`` as a parameter instead (enterprises/service.py:_where)."""
    codes = visible_county_codes(user)
    return stmt if codes is None else stmt.where(county_column.in_(sorted(codes)))


def can_read_county(user, county_code: str) -> bool:
    codes = visible_county_codes(user)
    return codes is None or county_code in codes


def can_write_county(user, county_code: str) -> bool:
    if not _authenticated(user):
        return False
    if user.role == "admin":
        return True
    return user.role == "officer" and county_code in user.county_codes


def can_manage_users(user) -> bool:
    return _authenticated(user) and user.role == "admin"


can_manage_jurisdictions = can_manage_users


def require(allowed: bool, user) -> None:
    """Raise Unauthorized for anonymous callers, PermissionDenied for the rest."""
    if allowed:
        return
    if not _authenticated(user):
        raise Unauthorized(_("Please log in."))
    raise PermissionDenied(_("You are not allowed to do this."))


def require_read_county(user, county_code: str) -> None:
    require(can_read_county(user, county_code), user)


def require_write_county(user, county_code: str) -> None:
    require(can_write_county(user, county_code), user)


@dataclass(frozen=True)
class TokenActor:
    """An API request's caller: the token's user as plain values. The API reads the
    token on every request, so no ORM object is built for it; services see the same
    ``id``/``username``/``role``/``county_codes`` as on a ``User`` or ``SystemActor``."""

    id: int
    username: str
    role: str
    county_codes: frozenset[str]
    display_name: str | None = None  # owner matching and "verified by" (drills/actions.py)
    locale: str | None = None
    is_authenticated = True
    is_active = True  # only an active user's token yields an actor


class SystemActor:
    """The command line and scheduled jobs: acts with an administrator's rights and is
    recorded in the audit trail under ``username``."""

    role = "admin"
    is_authenticated = True
    is_active = True
    id = None
    county_codes: frozenset[str] = frozenset()  # all counties (an administrator's rights)

    def __init__(self, username: str = "system"):
        self.username = username


SYSTEM = SystemActor()
