"""For the plan page: the drills and findings that put a plan into revision_required."""
from __future__ import annotations

import sqlalchemy as sa

from registry.extensions import db
from registry.models import CorrectiveAction


def revision_sources(plan) -> list[CorrectiveAction]:
    """Actions flagging ``plan`` as needing revision (each knows its drill)."""
    return list(db.session.scalars(sa.select(CorrectiveAction).where(
        CorrectiveAction.plan_id == plan.id, CorrectiveAction.plan_needs_revision)
        .order_by(CorrectiveAction.id)))
