"""Drills and corrective actions as the API answers them (and the edit forms start from)."""
from __future__ import annotations

from datetime import date

from registry.clock import today as local_today
from registry.drills.rules import action_overdue, type_key
from registry.models import CorrectiveAction, Drill


def drill_to_dict(drill: Drill, today: date | None = None) -> dict:
    """A drill as the API answers it, with its actions."""
    today = today or local_today()
    return {
        "id": drill.id, "title": drill.title, "held_on": drill.held_on.isoformat(),
        "duration_hours": drill.duration_hours, "organiser_level": drill.organiser_level,
        "organiser": drill.organiser, "county_code": drill.county_code,
        "county_name": drill.county.name if drill.county else None,
        "place": drill.place, "longitude": drill.longitude, "latitude": drill.latitude,
        "content_type": drill.content_type, "form_type": drill.form_type,
        "legacy_type": drill.legacy_type,
        "type": type_key(drill.content_type, drill.form_type, drill.legacy_type),
        "theme": drill.theme, "agreement_id": drill.agreement_id,
        "enterprises": [{"id": e.id, "name": e.name} for e in drill.enterprises],
        "plans": [{"id": p.id, "filing_number": p.filing_number, "version": p.version,
                   "is_current": p.is_current, "revision_required": p.revision_required}
                  for p in drill.plans],
        "scenario_substance": drill.scenario_substance, "scenario_pathway": drill.scenario_pathway,
        "participating_bodies": drill.participating_bodies or [], "headcount": drill.headcount,
        "evaluation": drill.evaluation, "status": drill.status,
        "closed_on": drill.closed_on.isoformat() if drill.closed_on else None,
        "attachments": [{"id": a.id, "kind": a.kind, "name": a.original_name, "size": a.size}
                        for a in drill.attachments if a.action_id is None],
        "actions": [action_to_dict(a, today) for a in drill.actions],
        "all_actions_verified": all(a.status == "verified" for a in drill.actions),
        "is_demo": drill.is_demo,
    }


def action_to_dict(action: CorrectiveAction, today: date | None = None) -> dict:
    today = today or local_today()
    iso = lambda d: d.isoformat() if d else None  # noqa: E731
    return {
        "id": action.id, "drill_id": action.drill_id,
        "drill_title": action.drill.title if action.drill else None,
        "incident_id": action.incident_id,
        "description": action.description, "category": action.category,
        "owner_name": action.owner_name, "owner_unit": action.owner_unit,
        "owner_user_id": action.owner_user_id, "due_on": iso(action.due_on),
        "status": action.status, "overdue": action_overdue(action.status, action.due_on, today),
        "evidence": action.evidence, "done_on": iso(action.done_on), "done_by": action.done_by_name,
        "verified_by": action.verified_by_name, "verified_on": iso(action.verified_on),
        "plan_needs_revision": action.plan_needs_revision, "plan_id": action.plan_id,
        "evidence_files": [{"id": a.id, "name": a.original_name} for a in action.attachments],
        "is_demo": action.is_demo,
    }


def action_origin(action: CorrectiveAction) -> dict:
    """What exposed the problem: the drill, or the incident (issue #21), as the 整改 list
    and its export show it — kind, id, title, date and county."""
    if action.drill is not None:
        drill = action.drill
        return {"kind": "drill", "id": drill.id, "title": drill.title, "on": drill.held_on,
                "county_code": drill.county_code}
    from registry.incidents.service import local, title  # incidents build on drills' actions

    incident = action.incident
    return {"kind": "incident", "id": incident.id, "title": title(incident),
            "on": local(incident.reported_at).date(), "county_code": incident.county_code}
