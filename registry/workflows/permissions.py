"""Who may import and export. Rows outside an officer's counties are refused row by row
by the enterprise and plan services themselves."""
from __future__ import annotations

from registry import permissions


def can_import(user) -> bool:
    """Administrators and officers import; viewers only read."""
    return (getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)
            and user.role in ("admin", "officer"))


def require_import(user) -> None:
    permissions.require(can_import(user), user)
