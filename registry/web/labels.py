"""Display names of coded values, in the user's language (officialese from domain.md §1)."""
from datetime import datetime, UTC
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from registry.areas import registry

LEVELS = {"general": _l("General"), "major": _l("Major"), "serious": _l("Serious")}
LEVEL_BADGES = {"general": "primary", "major": "warning", "serious": "danger"}
STATUSES = {"filed": _l("Filed"), "due_soon": _l("Review due soon"), "overdue": _l("Review overdue"),
            "superseded": _l("Superseded"), "revision_required": _l("Revision required"),
            "none": _l("No plan filed")}
STATUS_BADGES = {"filed": "success", "due_soon": "warning", "overdue": "danger",
                 "superseded": "secondary", "revision_required": "danger", "none": "secondary"}
DOCUMENTS = {"filing_form": _l("Filing form"), "plan": _l("Plan and drafting note"),
             "risk_assessment": _l("Risk assessment report"),
             "resource_survey": _l("Emergency resource survey"),
             "expert_review": _l("Expert review opinion")}
ROLES = {"admin": _l("Administrator"), "officer": _l("Officer"), "viewer": _l("Viewer"),
         "enterprise": _l("Enterprise user")}
ACTIONS = {"enterprise.create": _l("Enterprise registered"), "enterprise.update": _l("Enterprise changed"),
           # issue #20 (registry/substances)
           "risk_inventory.create": _l("Risk inventory recorded"),
           "risk_inventory.update": _l("Risk inventory changed"),
           "substance.create": _l("Substance added"), "substance.update": _l("Substance changed"),
           "substance.import": _l("Substance imported"),
           "plan.file": _l("Plan filed"), "plan.revise": _l("Major revision filed"),
           "plan.supersede": _l("Superseded by a revision"), "plan.correct": _l("Minor correction"),
           "plan.upload": _l("Document uploaded"), "reminder.resend": _l("Reminder resent"),
           "reminder.preference": _l("Reminder preference changed"),
           "drill.create": _l("Drill recorded"), "drill.update": _l("Drill changed"),
           "drill.close": _l("Drill closed"), "drill.reopen": _l("Drill reopened"),
           "drill.upload": _l("File uploaded"), "action.create": _l("Corrective action recorded"),
           "action.update": _l("Corrective action changed"),
           "action.status": _l("Corrective action status changed"),
           "plan.revision_flag": _l("Revision flag from a drill"),
           "import.run": _l("Register imported"),
           "recompute_deadline": _l("Deadline recomputed with the official calendar")}
FIELDS = {"name": _l("Enterprise name"), "credit_code": _l("Unified social credit code"),
          "county_code": _l("County"), "address": _l("Address"), "longitude": _l("Longitude"),
          "latitude": _l("Latitude"), "industry": _l("Industry"), "contact_name": _l("Contact person"),
          "contact_phone": _l("Contact phone"), "contact_email": _l("Contact e-mail"),
          "cross_region": _l("Spans administrative regions"), "title": _l("Plan title"),
          "discharge_longitude": _l("Discharge point longitude"),
          "discharge_latitude": _l("Discharge point latitude"),
          "receiving_water": _l("Receiving water"), "changed_on": _l("Date of the change"),
          "notify_by": _l("Notify by"), "notified_late": _l("Notified late"),
          "signed_on": _l("Signed and issued on"), "filed_on": _l("Filed on"),
          "filing_number": _l("Filing number"), "risk_level": _l("Environmental risk level"),
          "risk_notation": _l("Risk notation"), "filing_deadline": _l("Filing deadline"),
          "filed_late": _l("Filed late"), "review_due_on": _l("Review due on"),
          "is_current": _l("Current version"), "revision_required": _l("Revision required"),
          "documents_present": _l("Documents present"),
          "documents_carried_over": _l("Documents carried over"), "revises": _l("Revises"),
          "reason": _l("Reason"), "note": _l("Note"), "document": _l("Document"),
          "file": _l("File"), "size": _l("Size"), "risk_assessment": _l("HJ 941 breakdown"),
          "username": _l("User name"), "role": _l("Role"), "counties": _l("Counties"),
          "status": _l("Status"), "attempts": _l("Attempts"), "recipient": _l("Recipient"),
          "digest": _l("Daily digest"),
          "resolves": _l("Answers the revision required by"), "held_on": _l("Held on"),
          "due_on": _l("Due on"), "owner_name": _l("Owner"),
          "owner_unit": _l("Owner's unit"), "description": _l("Problem and measure"),
          "evidence": _l("Evidence"), "verified_on": _l("Verified on"),
          "verified_by_name": _l("Verified by"), "plan_needs_revision": _l("Plan needs revision"),
          "category": _l("Category"), "headcount": _l("Headcount"), "theme": _l("Theme"),
          "closed_on": _l("Closed on"), "done_on": _l("Done on"), "done_by_name": _l("Marked done by"),
          "evaluation": _l("Evaluation"),
          "enterprises": _l("Enterprises exercised"), "plans": _l("Plans exercised"),
          "drill": _l("Drill"), "kind": _l("Kind"), "action": _l("Corrective action")}


# The core's code tables that name a refused choice (``registry.validation``); areas add
# theirs, and their ``audit_values``, in their ``Area`` (registry/areas.py).
CHOICE_LABELS = {"risk_level": LEVELS, "status": STATUSES, "role": ROLES, "document": DOCUMENTS}


# Header navigation: each area declares its entries (``Area.nav``), placed by ``order``:
# home 10, enterprises 20, plans 30, risk map 40, drills 50, corrective actions 60,
# jurisdictions 70, agreements 80, reminders 90, annual figures 100, users 200.


def nav_items():
    from flask_login import current_user

    role = getattr(current_user, "role", None)
    if role == "enterprise":  # the enterprise portal's own entries only (issue #19)
        return [(item.endpoint, item.label) for item in registry().nav if item.who == role]
    return [(item.endpoint, item.label) for item in registry().nav
            if item.who == "all" or item.who == role]


# Who did it, when no person did: the command line's actors, named for an officer.
SYSTEM_ACTORS = {"load-demo": _l("Demo data loader"), "cli": _l("Command line (administrator)"),
                 "cli-import": _l("Register import (command line)"),
                 "recompute-deadlines": _l("Deadline recomputation")}


def actor_label(name: str):
    return SYSTEM_ACTORS.get(name, name)


def audit_value(value, field: str = "", entity_type: str = ""):
    """An audit before/after value as an officer reads it: 是/否, labels, joined lists,
    county names, whole numbers without a trailing .0."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _l("Yes") if value else _l("No")
    if field == "risk_level":
        return LEVELS.get(value, value)
    if field in ("county_code", "county") and isinstance(value, str):
        from registry.jurisdictions.service import county_names

        return county_names().get(value, value)
    if field in ("document", "kind") and isinstance(value, str) and value in DOCUMENTS:
        return DOCUMENTS[value]
    if field == "plan_id" and isinstance(value, int):
        from registry.extensions import db
        from registry.models import Plan

        plan = db.session.get(Plan, value)
        return plan.filing_number if plan is not None else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    audit_values = registry().audit_values
    labels = audit_values.get(f"{entity_type}.{field}") or audit_values.get(field, {})
    if isinstance(value, str) and value in labels:
        return labels[value]
    if isinstance(value, list):
        table = DOCUMENTS if field.startswith("documents") else {}
        return listing(table.get(v, v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {audit_value(v, k)}" for k, v in value.items())
    return value


def listing(values) -> str:
    """Items of a list joined as the interface language writes them (、 in Chinese, a
    comma in English); empty ones left out."""
    return str(_(", ")).join(str(v) for v in values if v not in (None, ""))


def local_time(value: datetime | None) -> str:
    """A stored timestamp (naive UTC, see models.base.utcnow) as local wall-clock time in
    ``TIMEZONE`` (Beijing time by default), minutes precision; '' for None."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).strftime("%Y-%m-%d %H:%M")


def template_globals() -> dict:
    """The core's names for every template (globals, so imported macros see them too)."""
    from registry.demo import demo_present
    from registry.plans.status import overdue_of, status_of

    return {"nav_items": nav_items, "demo_data_present": demo_present, "status_of": status_of,
            "overdue_of": overdue_of, "actor_label": actor_label,
            "LEVELS": LEVELS, "LEVEL_BADGES": LEVEL_BADGES, "STATUSES": STATUSES,
            "STATUS_BADGES": STATUS_BADGES, "DOCUMENTS": DOCUMENTS, "ROLES": ROLES,
            "ACTIONS": ACTIONS}


def settings_context() -> dict:
    return {"demo_banner": current_app.config.get("DEMO_MODE_BANNER", True)}


def init_app(app: Flask) -> None:
    """Filters, and ``FIELDS``: the field names of every area (after ``areas.init_app``)."""
    app.jinja_env.filters["audit_value"] = audit_value
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["listing"] = listing
    app.jinja_env.globals["FIELDS"] = registry(app).field_labels
