"""Incidents belong to the county where they happened: its officers (and administrators)
act on them, its viewers read them. Enterprise accounts never see incidents (the API
operations are closed to them, the web guard fences them out). The duty roster is edited
by administrators; the resources register by administrators and officers."""
from __future__ import annotations

from registry import permissions


def can_read_incident(user, incident) -> bool:
    return (not permissions.is_enterprise_user(user)
            and permissions.can_read_county(user, incident.county_code))


def can_write_incident(user, incident) -> bool:
    return permissions.can_write_county(user, incident.county_code)


def can_report_incident(user) -> bool:
    """May report an incident somewhere (an officer with a county, or an administrator)."""
    return permissions.can_register_enterprise(user)


def require_read(user, incident) -> None:
    permissions.require_read_county(user, incident.county_code)


def require_write(user, incident) -> None:
    permissions.require_write_county(user, incident.county_code)


def can_edit_roster(user) -> bool:
    return permissions.can_manage_users(user)


def can_write_resources(user) -> bool:
    return permissions.can_register_enterprise(user)


def require_read_any(user) -> None:
    permissions.require(getattr(user, "is_authenticated", False) and user.is_active
                        and not permissions.is_enterprise_user(user), user)
