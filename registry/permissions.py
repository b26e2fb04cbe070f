"""Who may do what. Every mutating service calls one ``can_*``/``require_*`` first.

Roles (issue #2): ``admin`` everything; ``officer`` reads and writes the counties
assigned to them; ``viewer`` reads the assigned counties and writes nothing;
``enterprise`` (企业用户, issue #19) has no county: it reads only its own enterprises and
their submissions, through the routes opened to it (registry/submissions/guard.py).
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


def can_register_enterprise(user) -> bool:
    """May register an enterprise somewhere: an administrator, or an officer with a county.
    Pages offer 登记企业 only to them, so nobody fills a form only to be refused."""
    if not _authenticated(user):
        return False
    return user.role == "admin" or (user.role == "officer" and bool(user.county_codes))


def can_write_county(user, county_code: str) -> bool:
    if not _authenticated(user):
        return False
    if user.role == "admin":
        return True
    return user.role == "officer" and county_code in user.county_codes


def is_enterprise_user(user) -> bool:
    return _authenticated(user) and user.role == "enterprise"


def own_enterprise_ids(user) -> frozenset[int]:
    """The enterprises an enterprise user acts for; empty for everybody else."""
    return frozenset(getattr(user, "enterprise_ids", ())) if is_enterprise_user(user) else frozenset()


def can_act_for_enterprise(user, enterprise) -> bool:
    """An enterprise user for its own enterprises; an officer or administrator who may
    write the enterprise's county."""
    if is_enterprise_user(user):
        return enterprise.id in own_enterprise_ids(user)
    return can_write_county(user, enterprise.county_code)


def can_see_enterprise(user, enterprise) -> bool:
    if is_enterprise_user(user):
        return enterprise.id in own_enterprise_ids(user)
    return can_read_county(user, enterprise.county_code)


def can_manage_users(user) -> bool:
    return _authenticated(user) and user.role == "admin"


can_manage_jurisdictions = can_manage_users


def require(allowed: bool, user, message=None) -> None:
    """Raise Unauthorized for anonymous callers, PermissionDenied for the rest."""
    if allowed:
        return
    if not _authenticated(user):
        raise Unauthorized(_("Please log in."))
    raise PermissionDenied(message or _("You are not allowed to do this."))


def _outside(user, county_code: str):
    """Why a county refuses: outside the caller's jurisdiction, or no write right at all."""
    if not _authenticated(user) or can_read_county(user, county_code):
        return None
    from registry.jurisdictions.service import county_names

    return _("This record belongs to %(county)s, outside your jurisdiction.",
             county=county_names().get(county_code, county_code))


def require_read_county(user, county_code: str) -> None:
    require(can_read_county(user, county_code), user, _outside(user, county_code))


def require_write_county(user, county_code: str) -> None:
    require(can_write_county(user, county_code), user, _outside(user, county_code))


@dataclass(frozen=True)
class TokenActor:
    """An API request's caller: the token's user as plain values. The API reads the
    token on every request, so no ORM object is built for it; services see the same
    ``id``/``username``/``role``/``county_codes`` as on a ``User`` or ``SystemActor``."""

    id: int
    username: str
    role: str
    county_codes: frozenset[str]
    enterprise_ids: frozenset[int] = frozenset()  # role "enterprise" only
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
