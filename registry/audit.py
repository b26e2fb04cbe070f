"""Audit trail: one entry per change, with before/after values of changed fields."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from registry.bulk_insert import insert_many
from registry.extensions import db
from registry.models import AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def snapshot(obj, fields: tuple[str, ...]) -> dict[str, Any]:
    return {f: _plain(getattr(obj, f)) for f in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    changed = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in changed}, {k: after[k] for k in changed}


def entry(actor, action: str, entity_type: str, entity_id: int,
          before: dict | None = None, after: dict | None = None) -> dict:
    """The column values of one audit entry."""
    return dict(actor_id=getattr(actor, "id", None),
                actor_name=getattr(actor, "username", None) or "system",
                action=action, entity_type=entity_type, entity_id=entity_id,
                before=before, after=after)


def record(actor, action: str, entity_type: str, entity_id: int,
           before: dict | None = None, after: dict | None = None) -> AuditEntry:
    """Add an audit entry to the current unit of work (flushes, never commits)."""
    added = AuditEntry(**entry(actor, action, entity_type, entity_id, before, after))
    db.session.add(added)
    return added


def record_all(entries: list[dict]) -> None:
    """Insert many entries (from ``entry``) in one statement; never commits (imports)."""
    insert_many(AuditEntry.__table__, entries)


def history(entity_type: str, entity_ids: list[int]) -> list[AuditEntry]:
    if not entity_ids:
        return []
    query = (sa.select(AuditEntry)
             .where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id.in_(entity_ids))
             .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()))
    return list(db.session.scalars(query))
