"""Domain exceptions. They know nothing of HTTP; ``registry.web.errors`` translates them."""
from __future__ import annotations


class DomainError(Exception):
    code = "error"

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message

    @property
    def fields(self) -> dict[str, list[str]]:
        """Messages by field, as a form shows them: the whole message under ``__root__``
        (a ValidationFailed names its fields)."""
        return {"__root__": [self.message]} if self.message else {}


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
        self._fields = fields

    @property
    def fields(self) -> dict[str, list[str]]:
        return self._fields


class StorageFull(DomainError):
    """The upload store has no room (ENOSPC, EDQUOT): nothing was saved; 507."""

    code = "storage_full"
