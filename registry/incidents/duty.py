"""The 24-hour duty roster (24小时值班): who is on duty each day, edited by administrators."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from registry import audit, permissions
from registry.clock import today as local_today
from registry.extensions import db
from registry.unit_of_work import finish
from registry.incidents import permissions as incident_permissions
from registry.incidents.schemas import DutyIn
from registry.models import DutyShift


def set_shift(actor, data: DutyIn) -> DutyShift:
    """Put an officer on duty for a day (replaces that day's entry). Raises PermissionDenied."""
    permissions.require(incident_permissions.can_edit_roster(actor), actor)
    shift = db.session.scalar(sa.select(DutyShift).where(DutyShift.on_date == data.on_date))
    before = audit.snapshot(shift, ("officer", "phone", "note")) if shift else None
    if shift is None:
        shift = DutyShift(on_date=data.on_date)
        db.session.add(shift)
    shift.officer, shift.phone, shift.note = data.officer, data.phone, data.note
    db.session.flush()
    audit.record(actor, "duty.set", "duty", shift.id, before,
                 {"on_date": data.on_date.isoformat(), "officer": data.officer,
                  "phone": data.phone})
    finish()
    return shift


def upcoming(actor, days: int = 14) -> list[DutyShift]:
    incident_permissions.require_read_any(actor)
    start = local_today() - timedelta(days=1)
    return list(db.session.scalars(sa.select(DutyShift).where(
        DutyShift.on_date >= start, DutyShift.on_date <= start + timedelta(days=days))
        .order_by(DutyShift.on_date)))
