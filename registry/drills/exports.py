"""The drill list and the improvement plan (corrective actions) as .xlsx and CSV
(``registry.workflows.exports``): the rows the list pages show, every page of them, with
the codes written as the pages label them, in the user's language."""
from __future__ import annotations

from flask_babel import gettext as _

from registry.clock import today
from registry.drills.actions import all_actions
from registry.drills.forms import action_list_query, drill_list_query
from registry.drills.labels import (ACTION_STATUSES, CATEGORIES, DRILL_STATUSES,
                                    ORGANISER_LEVELS, PATHWAYS, THEMES, type_label)
from registry.drills.rules import action_overdue
from registry.drills.schemas import ActionQuery, DrillQuery
from registry.drills.serialise import action_origin
from registry.drills.service import all_drills
from registry.extensions import db
from registry.models import Agreement, County
from registry.workflows.exports import Column, ExportSpec, header


def _label(table, code):
    return table.get(code, code) if code else None


def _county(drill) -> str:
    return drill.county.name if drill.county else _("City-wide")


def _county_of(incident) -> str:
    county = db.session.get(County, incident.county_code)
    return county.name if county else incident.county_code


def _agreement(drill) -> str | None:
    agreement = db.session.get(Agreement, drill.agreement_id) if drill.agreement_id else None
    return agreement.title if agreement else None


def _joined(values) -> str:
    return "、".join(str(v) for v in values if v)


DRILLS = ExportSpec(
    name="drills", title=header("Emergency drills"), query=DrillQuery, parse=drill_list_query,
    rows=all_drills, locale=None,
    columns=(
        Column(header("Held on"), lambda d: d.held_on),
        Column(header("Drill"), lambda d: d.title),
        Column(header("Organiser level"), lambda d: _label(ORGANISER_LEVELS, d.organiser_level)),
        Column(header("Organiser"), lambda d: d.organiser),
        Column(header("County"), _county),
        Column(header("Drill type"), lambda d: type_label(d.content_type, d.form_type,
                                                         d.legacy_type)),
        Column(header("Theme"), lambda d: _label(THEMES, d.theme)),
        Column(header("Place"), lambda d: d.place),
        Column(header("Longitude"), lambda d: d.longitude),
        Column(header("Latitude"), lambda d: d.latitude),
        Column(header("Duration (hours)"), lambda d: d.duration_hours),
        Column(header("Enterprises exercised"), lambda d: _joined(e.name for e in d.enterprises)),
        Column(header("Plans exercised"), lambda d: _joined(p.filing_number for p in d.plans)),
        Column(header("Agreement"), _agreement),
        Column(header("Scenario substance"), lambda d: d.scenario_substance),
        Column(header("Pathway"), lambda d: _label(PATHWAYS, d.scenario_pathway)),
        Column(header("Participating bodies"), lambda d: _joined(d.participating_bodies or [])),
        Column(header("Headcount"), lambda d: d.headcount),
        Column(header("Corrective actions"), lambda d: len(d.actions)),
        Column(header("Verified actions"),
               lambda d: sum(a.status == "verified" for a in d.actions)),
        Column(header("Drill status"), lambda d: _label(DRILL_STATUSES, d.status)),
        Column(header("Closed on"), lambda d: d.closed_on),
    ),
)

ACTIONS = ExportSpec(
    name="actions", title=header("Corrective action list"), query=ActionQuery,
    parse=action_list_query, rows=all_actions, locale=None,
    columns=(
        Column(header("Owner's unit"), lambda a: a.owner_unit),
        Column(header("Owner"), lambda a: a.owner_name),
        Column(header("Problem and measure"), lambda a: a.description),
        Column(header("Category"), lambda a: _label(CATEGORIES, a.category)),
        Column(header("Drill or incident"), lambda a: action_origin(a)["title"]),
        Column(header("Held or reported on"), lambda a: action_origin(a)["on"]),
        Column(header("County"), lambda a: _county(a.drill) if a.drill else _county_of(a.incident)),
        Column(header("Due on"), lambda a: a.due_on),
        Column(header("Action status"), lambda a: _label(ACTION_STATUSES, a.status)),
        Column(header("Overdue"), lambda a: action_overdue(a.status, a.due_on, today())),
        Column(header("Done on"), lambda a: a.done_on),
        Column(header("Evidence"), lambda a: a.evidence),
        Column(header("Verified by"), lambda a: a.verified_by_name),
        Column(header("Verified on"), lambda a: a.verified_on),
        Column(header("Plan needs revision"), lambda a: a.plan_needs_revision),
        Column(header("Plan filing number"), lambda a: a.plan.filing_number if a.plan else None),
    ),
)
