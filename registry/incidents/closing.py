"""Closing an incident: each finding becomes a corrective action through the drills'
machinery (registry/drills/actions.py: owner, due date, evidence, verification); a finding
marked "plan needs revision" flags the enterprise's current plan 需修订 (revision trigger 5:
an incident exposed problems)."""
from __future__ import annotations

from flask_babel import gettext as _

from registry import audit
from registry.drills.actions import add_incident_action
from registry.drills.schemas import ActionIn
from registry.unit_of_work import finish
from registry.incidents import service
from registry.incidents.schemas import CloseIn


def close_incident(actor, incident_id: int, data: CloseIn) -> tuple:
    """Close the incident with its findings, all or nothing. Returns (incident, actions).
    Raises NotFound, PermissionDenied, Conflict (already closed), ValidationFailed
    (``findings.N.plan_needs_revision`` without a plan to flag)."""
    from registry.errors import ValidationFailed

    incident = service.get_for_write(actor, incident_id)
    actions = []
    for i, finding in enumerate(data.findings):
        try:
            actions.append(add_incident_action(actor, incident, ActionIn(
                description=finding.description, category=finding.category,
                owner_name=finding.owner_name, owner_unit=finding.owner_unit,
                due_on=finding.due_on, plan_needs_revision=finding.plan_needs_revision)))
        except ValidationFailed as exc:
            raise ValidationFailed({f"findings.{i}.{k}": v for k, v in exc.fields.items()}) from None
    incident.status = "closed"
    incident.closed_at = service.now_utc()
    text = _("Incident closed with %(n)s finding(s).", n=len(actions))
    if data.summary:
        text = f"{text} {data.summary}"
    service.record_event(incident, "close", text, actor, incident.closed_at,
                   {"action_ids": [a.id for a in actions]})
    audit.record(actor, "incident.close", "incident", incident.id, {"status": "open"},
                 {"status": "closed", "actions": [a.id for a in actions]})
    finish()
    return incident, actions
