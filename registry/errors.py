"""Domain exceptions. They know nothing of HTTP; ``registry.web.errors`` translates them."""
from __future__ import annotations


class DomainError(Exception):
    code = "error"

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    code = "not_found"


class PermissionDenied(DomainError):
    code = "forbidden"


class Unauthorized(DomainError):
    code = "unauthorized"


class Conflict(DomainError):
    code = "conflict"


class ValidationFailed(DomainError):
    """Input broke one or more rules. ``fields`` maps field name -> list of messages."""

    code = "validation_failed"

    def __init__(self, fields: dict[str, list[str]], message: str = ""):
        super().__init__(message or "; ".join(f"{k}: {' '.join(v)}" for k, v in fields.items()))
        self.fields = fields


class StorageFull(DomainError):
    """The upload store has no room (ENOSPC, EDQUOT): nothing was saved; 507."""

    code = "storage_full"
